// Smoke suite of the real-control-plane harness (etcd + kube-apiserver v1.20.2 +
// controller-manager + scheduler + the kubelet player). Skips with a message when the
// binaries are not built; see test/real-k8s/README.md.
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

  afterAll(async () => {
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
