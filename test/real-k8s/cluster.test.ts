// Smoke suite of the real-control-plane harness (etcd + kube-apiserver v1.20.2 +
// controller-manager + scheduler + the kubelet player). Skips with a message when the
// binaries are not built; see test/real-k8s/README.md.
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { startKubeSim } from '@kubetile/kube-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  PatchStrategy,
  VersionApi,
  Watch,
  setHeaderOptions,
  type KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import {
  ensureRealClusterBinaries,
  realClusterSkipReason,
  startRealCluster,
  waitFor,
  type RealCluster,
} from './harness.js';

/** A Table from kube-sim over HTTPS (its CA pinned). */
function fetchTable(base: string, token: string, ca: string, path: string, accept: string): Promise<{ rows: Array<{ cells: unknown[] }> }> {
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(`${base}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: accept }, ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      res.on('end', () => {
        try {
          resolvePromise(JSON.parse(body) as { rows: Array<{ cells: unknown[] }> });
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const skipReason = realClusterSkipReason();
if (skipReason) console.warn(`[real-k8s] skipped: ${skipReason}`);

const TEST_TIMEOUT = 120_000;
const NS = 'default';

function httpStatus(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

async function expectStatus(p: Promise<unknown>, status: number): Promise<void> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected HTTP ${status}`).toBeDefined();
  expect(httpStatus(caught)).toBe(status);
}

const isRunningReady = (p: V1Pod) =>
  p.status?.phase === 'Running' &&
  p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true &&
  (p.status.containerStatuses?.length ?? 0) > 0;

/** The outcome of a watch from `resourceVersion`: the first event, or the error that ended it. */
function watchOutcome(kc: KubeConfig, path: string, resourceVersion: string, timeoutMs = 30_000) {
  return new Promise<{ type: string; code?: number; reason?: string }>((resolvePromise, reject) => {
    let abort: AbortController | undefined;
    let settled = false;
    const settle = (v: { type: string; code?: number; reason?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort?.abort();
      resolvePromise(v);
    };
    const timer = setTimeout(() => {
      if (!settled) {
        settled = true;
        abort?.abort();
        reject(new Error(`no watch event within ${timeoutMs} ms`));
      }
    }, timeoutMs);
    new Watch(kc)
      .watch(path, { resourceVersion, allowWatchBookmarks: false }, (type, obj: { code?: number; reason?: string }) => {
        settle(type === 'ERROR' ? { type, code: obj?.code, reason: obj?.reason } : { type });
      }, (err: unknown) => {
        const code = httpStatus(err);
        settle({ type: err ? 'DONE_ERROR' : 'DONE', ...(code !== undefined ? { code } : {}) });
      })
      .then((a) => {
        abort = a;
        if (settled) a.abort();
      }, reject);
  });
}

describe.skipIf(!!skipReason)(`real control plane v1.20.2${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let cluster: RealCluster;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    await ensureRealClusterBinaries(); // builds first when KUBETILE_REAL_K8S=1 (about 4 min)
    cluster = await startRealCluster();
    core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    apps = cluster.kubeConfig().makeApiClient(AppsV1Api);
  }, 20 * 60_000);

  // Dials the loopback probe below makes on purpose; nothing else may reach the node's kubelet port.
  let probeDials = 0;

  afterAll(async () => {
    if (cluster) expect(cluster.kubeletDials(), 'connections to the node\'s kubelet port besides the probe').toBe(probeDials);
    await cluster?.stop();
  }, 60_000);

  it('serves the API: version, namespaces, the Ready fake node', async () => {
    const version = await cluster.kubeConfig().makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('v1.20.2');

    const namespaces = (await core.listNamespace()).items.map((n) => n.metadata?.name).sort();
    expect(namespaces).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);

    const node = await core.readNode({ name: cluster.nodeName });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.spec?.taints ?? []).toEqual([]);
    const lease = await cluster.kubeConfig().makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: cluster.nodeName, namespace: 'kube-node-lease' });
    expect(lease.spec?.holderIdentity).toBe(cluster.nodeName);

    // Server-side Table (what `kubectl get` prints), through the raw request helper.
    const table = await cluster.request('/api/v1/namespaces', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(table.status).toBe(200);
    const parsed = JSON.parse(table.body) as { kind: string; columnDefinitions: Array<{ name: string }>; rows: unknown[] };
    expect(parsed.kind).toBe('Table');
    expect(parsed.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Status', 'Age']);
    expect(parsed.rows).toHaveLength(4);
  }, TEST_TIMEOUT);

  it('never lets the apiserver dial or resolve off loopback: the node has only InternalIP 127.0.0.1, the apiserver prefers InternalIP', async () => {
    const node = await core.readNode({ name: cluster.nodeName });
    // No Hostname address: the apiserver would resolve the node's name through DNS.
    expect(node.status?.addresses).toEqual([{ type: 'InternalIP', address: '127.0.0.1' }]);
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(cluster.kubeletPort);
    const apiserver = cluster.processes().find((p) => p.name === 'kube-apiserver');
    const cmdline = readFileSync(`/proc/${apiserver?.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain('--kubelet-preferred-address-types=InternalIP');
  }, TEST_TIMEOUT);

  it('a request the apiserver proxies to the node dials 127.0.0.1:<kubelet port>, nothing else', async () => {
    // A node proxy request (not logs/exec/port-forward, which the tests leave to kube-sim):
    // the apiserver picks the node address as for those, and the harness's guard listener on
    // 127.0.0.1 takes the connection and drops it.
    const before = cluster.kubeletDials();
    const r = await cluster.request(`/api/v1/nodes/${cluster.nodeName}/proxy/healthz`);
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(r.body).not.toMatch(/no such host|lookup/);
    probeDials += cluster.kubeletDials() - before;
    expect(cluster.kubeletDials() - before).toBeGreaterThanOrEqual(1);
  }, TEST_TIMEOUT);

  it('reads query booleans as kube-sim does: only "0" and "false" (any case) are false', async () => {
    // The same table as packages/kube-sim/test/query-booleans.test.ts, against the real parser.
    const watched = async (v: string) => {
      const r = await cluster.request(`/api/v1/namespaces/kube-system/configmaps?watch=${encodeURIComponent(v)}&timeoutSeconds=1`);
      return r.body === '' || r.body.startsWith('{"type":') ? 'watch' : (JSON.parse(r.body) as { kind: string }).kind;
    };
    const truthy = ['true', 'True', 'TRUE', 't', 'T', '1', 'yes', 'f', ''];
    const falsy = ['false', 'False', 'FALSE', 'fAlSe', '0'];
    const seen = await Promise.all([...truthy, ...falsy].map(async (v) => [v, await watched(v)]));
    expect(seen).toEqual([...truthy.map((v) => [v, 'watch']), ...falsy.map((v) => [v, 'ConfigMapList'])]);
  }, TEST_TIMEOUT);

  it('answers Status bodies with the details kube-sim copies', async () => {
    const body = async (path: string, opts: Parameters<RealCluster['request']>[1] = {}) => JSON.parse((await cluster.request(path, opts)).body) as Record<string, unknown>;
    const notFoundPath = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 };
    expect(await body('/api/v1/foos')).toEqual(notFoundPath);
    expect(await body(`/api/v1/namespaces/kube-system/pods/x/bogus`)).toEqual(notFoundPath);
    expect(await body('/api/v1/namespaces/default/pods/nope')).toMatchObject({ details: { name: 'nope', kind: 'pods' } });
    expect(await body('/api/v1/namespaces/default/configmaps/x', { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } }))
      .toMatchObject({ reason: 'MethodNotAllowed', details: {}, code: 405 });
    expect(await body('/api/v1/namespaces/default/secrets/s', { token: cluster.restrictedToken }))
      .toMatchObject({ message: expect.stringMatching(/^secrets "s" is forbidden: /), details: { name: 's', kind: 'secrets' } });
    expect(await body('/api/v1/namespaces', { token: 'bad' })).not.toHaveProperty('details');
  }, TEST_TIMEOUT);

  it('decodes Secrets as kube-sim does: stringData merged into data, never stored', async () => {
    const r = await cluster.request('/api/v1/namespaces/default/secrets', {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sd' }, data: { a: 'eA==' }, stringData: { a: 'y', b: 'z' } },
    });
    expect(r.status).toBe(201);
    const got = JSON.parse((await cluster.request('/api/v1/namespaces/default/secrets/sd')).body) as { data?: unknown; stringData?: unknown };
    expect(got.data).toEqual({ a: 'eQ==', b: 'eg==' });
    expect(got).not.toHaveProperty('stringData');
    const bad = await cluster.request('/api/v1/namespaces/default/secrets', { method: 'POST', body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sd2' }, data: { a: 'not base64!' } } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).message).toMatch(/^Secret in version "v1" cannot be handled as a Secret: .*illegal base64 data at input byte 3/);
  }, TEST_TIMEOUT);

  it('prints CRD columns as kube-sim does (the same CRD and object on both, cell by cell)', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [{
          name: 'v1', served: true, storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          additionalPrinterColumns: [
            { name: 'When', type: 'date', jsonPath: '.spec.when' },
            { name: 'Bad', type: 'date', jsonPath: '.spec.bad' },
            { name: 'Int', type: 'integer', jsonPath: '.spec.ratio' },
            { name: 'Num', type: 'number', jsonPath: '.spec.count' },
            { name: 'NoBool', type: 'boolean', jsonPath: '.spec.name' },
            { name: 'Map', type: 'string', jsonPath: '.spec.map' },
            { name: 'Float', type: 'string', jsonPath: '.spec.million' },
            { name: 'First', type: 'string', jsonPath: '.spec.items[*].n' },
            { name: 'Null', type: 'string', jsonPath: '.spec.nullv' },
          ],
        }],
      },
    };
    const when = new Date(Date.now() - 3 * 86_400_000 - 5 * 3_600_000 - 600_000).toISOString();
    const gadget = {
      apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'default' },
      spec: { when, bad: 'soon', ratio: 2.75, count: 7, name: 'x', map: { z: 1, a: 'b<c>' }, million: 1234567.5, items: [{ n: 'first' }, { n: 'second' }], nullv: null },
    };
    const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
    expect((await cluster.request('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: crd })).status).toBe(201);
    await waitFor('the CRD served', async () => (await cluster.request('/apis/example.com/v1/namespaces/default/gadgets')).status === 200);
    expect((await cluster.request('/apis/example.com/v1/namespaces/default/gadgets', { method: 'POST', body: gadget })).status).toBe(201);
    const real = JSON.parse((await cluster.request('/apis/example.com/v1/namespaces/default/gadgets', { accept: TABLE })).body) as { rows: Array<{ cells: unknown[] }> };

    const sim = await startKubeSim({ seed: 'empty', port: 0 });
    try {
      sim.createObject(crd);
      sim.createObject(gadget);
      const r = await fetchTable(sim.url, sim.token, sim.caPem, '/apis/example.com/v1/namespaces/default/gadgets', TABLE);
      expect(r.rows[0]?.cells).toEqual(real.rows[0]?.cells);
      expect(real.rows[0]?.cells).toEqual(['g', '3d5h', '<invalid>', 2, 7, null, '{"a":"b\\u003cc\\u003e","z":1}', '1.2345675e+06', 'first', '<no value>']);
    } finally {
      await sim.stop();
    }
  }, TEST_TIMEOUT);

  it('runs a Deployment: 3 replicas become Running/Ready, scaling to 1 removes the others', async () => {
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'web', labels },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }], terminationGracePeriodSeconds: 30 },
          },
        },
      },
    });
    const listWeb = async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items;

    const pods = await waitFor('3 web pods Running and Ready', async () => {
      const items = await listWeb();
      return items.length === 3 && items.every(isRunningReady) ? items : undefined;
    });
    for (const p of pods) {
      expect(p.spec?.nodeName).toBe(cluster.nodeName);
      expect(p.status?.podIP).toMatch(/^10\.244\./);
      expect(p.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    }
    await waitFor('deployment web 3/3 ready', async () =>
      (await apps.readNamespacedDeployment({ name: 'web', namespace: NS })).status?.readyReplicas === 3);

    await apps.patchNamespacedDeployment(
      { name: 'web', namespace: NS, body: { spec: { replicas: 1 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    // The kubelet player force-deletes the pods the ReplicaSet deletes (no Terminating left).
    const left = await waitFor('web scaled down to 1 pod', async () => {
      const items = await listWeb();
      return items.length === 1 ? items : undefined;
    });
    expect(isRunningReady(left[0]!)).toBe(true);
    await waitFor('deployment web 1/1', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: NS });
      return d.status?.replicas === 1 && d.status.readyReplicas === 1;
    });
  }, TEST_TIMEOUT);

  it('restricted user: 403 on secrets, pods and deployments allowed, other namespaces forbidden', async () => {
    const kc = cluster.kubeConfig('restricted');
    const rcore = kc.makeApiClient(CoreV1Api);
    const rapps = kc.makeApiClient(AppsV1Api);
    await expectStatus(rcore.listNamespacedSecret({ namespace: NS }), 403);
    const pods = await rcore.listNamespacedPod({ namespace: NS });
    expect(Array.isArray(pods.items)).toBe(true);
    await rapps.listNamespacedDeployment({ namespace: NS });
    await rcore.listNamespacedConfigMap({ namespace: NS });
    await expectStatus(rcore.listNamespacedPod({ namespace: 'kube-system' }), 403);
    await expectStatus(rcore.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'nope' } } }), 403);
    // The admin can read secrets (the 403 is RBAC, not a broken API).
    await core.listNamespacedSecret({ namespace: NS });
  }, TEST_TIMEOUT);

  it('compact(): a watch from an older resourceVersion gets 410 Expired; a current one works', async () => {
    const kc = cluster.kubeConfig();
    const oldRv = (await core.listNamespacedConfigMap({ namespace: NS })).metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'before-compact' }, data: { a: '1' } } });

    // Before compaction the old resourceVersion is still watchable: it replays the create.
    const before = await watchOutcome(kc, `/api/v1/namespaces/${NS}/configmaps`, oldRv);
    expect(before.type).toBe('ADDED');

    const rev = await cluster.compact();
    expect(rev).toBeGreaterThan(Number(oldRv));
    expect(await cluster.currentRevision()).toBeGreaterThanOrEqual(rev);

    const expired = await watchOutcome(kc, `/api/v1/namespaces/${NS}/configmaps`, oldRv);
    // v1.20 answers 200 and then an ERROR event carrying Status 410 (Expired).
    expect(expired).toEqual({ type: 'ERROR', code: 410, reason: 'Expired' });

    // A fresh list gives a current resourceVersion that watches fine.
    const rv = (await core.listNamespacedConfigMap({ namespace: NS })).metadata!.resourceVersion!;
    const fresh = watchOutcome(kc, `/api/v1/namespaces/${NS}/configmaps`, rv);
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'after-compact' } } });
    expect((await fresh).type).toBe('ADDED');
  }, TEST_TIMEOUT);

  it('killApiserver()/startApiserver(): same port and certs, same data, controllers and kubelet reconnect', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'survivor' }, data: { k: 'v' } } });

    await cluster.killApiserver();
    expect(cluster.apiserverRunning()).toBe(false);
    let down: unknown;
    try {
      await core.readNamespacedConfigMap({ name: 'survivor', namespace: NS });
    } catch (err) {
      down = err;
    }
    expect(String((down as Error)?.message ?? down)).toMatch(/ECONNREFUSED|socket hang up|ECONNRESET/);

    await cluster.startApiserver();
    expect(cluster.apiserverRunning()).toBe(true);
    // The same client (same CA, same token) reads the same data.
    const cm = await core.readNamespacedConfigMap({ name: 'survivor', namespace: NS });
    expect(cm.data).toEqual({ k: 'v' });

    // Scheduler, controller-manager and the kubelet player reconnected: a new pod runs, and
    // scaling the Deployment up again creates a Running pod.
    await core.createNamespacedPod({
      namespace: NS,
      body: { metadata: { name: 'after-restart' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    await waitFor('pod after-restart Running', async () =>
      isRunningReady(await core.readNamespacedPod({ name: 'after-restart', namespace: NS })));
    await apps.patchNamespacedDeployment(
      { name: 'web', namespace: NS, body: { spec: { replicas: 2 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor('web back to 2 Running pods', async () => {
      const items = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items;
      return items.length === 2 && items.every(isRunningReady);
    });
  }, TEST_TIMEOUT);
});
