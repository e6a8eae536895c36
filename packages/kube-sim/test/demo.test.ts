import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AppsV1Api, BatchV1Api, CoreV1Api, Log, type V1Pod } from '@kubernetes/client-node';
import type { KubeSim } from '../src/index.js';
import { raw, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);

function podsOf(sim: KubeSim, ns: string): V1Pod[] {
  return sim.listObjects('v1', 'Pod', ns) as unknown as V1Pod[];
}

function restarts(p: V1Pod | undefined): number {
  return p?.status?.containerStatuses?.[0]?.restartCount ?? 0;
}

const NODE = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' } },
  status: { allocatable: { cpu: '4', memory: '8Gi' }, conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '172.18.0.9' }] },
};

describe('demo seed and lifecycle controller', () => {
  it('seeds a small believable cluster', async () => {
    const { sim, kc } = await startSim({ seed: 'demo' });
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const batch = kc.makeApiClient(BatchV1Api);
    const ns = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(ns).toEqual(expect.arrayContaining(['shop', 'payments', 'ops', 'default', 'kube-system']));
    expect((await core.listNode()).items).toHaveLength(3);
    expect((await apps.listDeploymentForAllNamespaces()).items.length).toBeGreaterThanOrEqual(5);
    expect((await apps.listReplicaSetForAllNamespaces()).items.length).toBeGreaterThanOrEqual(5);
    expect((await apps.listStatefulSetForAllNamespaces()).items.map((s) => s.metadata?.name)).toContain('postgres');
    expect((await batch.listJobForAllNamespaces()).items.length).toBeGreaterThanOrEqual(1);
    expect((await batch.listCronJobForAllNamespaces()).items).toHaveLength(1);
    expect((await core.listConfigMapForAllNamespaces()).items.length).toBeGreaterThan(3);
    expect((await core.listSecretForAllNamespaces()).items.length).toBeGreaterThan(2);
    expect((await core.listServiceForAllNamespaces()).items.length).toBeGreaterThan(4);
    expect((await core.listPersistentVolume()).items.length).toBeGreaterThanOrEqual(2);
    expect((await core.listPersistentVolumeClaimForAllNamespaces()).items.length).toBeGreaterThanOrEqual(2);
    expect((await core.listEventForAllNamespaces()).items.length).toBeGreaterThan(0);
    expect(sim.listObjects('networking.k8s.io/v1', 'Ingress', 'shop')).toHaveLength(1);
    expect(sim.listObjects('kubetile.dev/v1alpha1', 'Database').length).toBeGreaterThan(0);
    const pods = (await core.listPodForAllNamespaces()).items;
    expect(pods.some((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' || restarts(p) > 0)).toBe(true);
    // The controller creates the pod nobody can schedule.
    await waitFor(() => podsOf(sim, 'payments').find((p) => p.metadata?.name?.startsWith('fraud-model') && p.status?.conditions?.some((c) => c.reason === 'Unschedulable')), 'pending pod');
  });

  it('moves pods through their lifecycle, crash-loops with growing restart counts, and deletes gracefully', async () => {
    const { sim } = await startSim({ controller: true, config: { crashBackoffCapSeconds: 0.2, podTerminationMs: 50 } });
    sim.createObject(NODE);
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } });
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'flaky', namespace: 'default', annotations: { 'sim.kubetile.dev/crash-after': '0.1', 'sim.kubetile.dev/start-delay': '0' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });
    const web = await waitFor(() => podsOf(sim, 'default').find((p) => p.metadata?.name === 'web' && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')), 'web ready');
    expect(web.spec?.nodeName).toBe('node-a');
    expect(web.status?.phase).toBe('Running');
    await waitFor(() => restarts(podsOf(sim, 'default').find((p) => p.metadata?.name === 'flaky')) >= 2, 'restart count grows');
    const flaky = podsOf(sim, 'default').find((p) => p.metadata?.name === 'flaky');
    expect(flaky?.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(1);
    const events = sim.listObjects('v1', 'Event', 'default').map((e) => e['reason']);
    expect(events).toEqual(expect.arrayContaining(['Scheduled', 'Started', 'BackOff']));

    // A graceful delete leaves the pod Terminating, then the controller removes it.
    const deleted = await raw(sim, 'DELETE', '/api/v1/namespaces/default/pods/web');
    expect(deleted.json<V1Pod>().metadata?.deletionTimestamp).toBeTruthy();
    await waitFor(() => !sim.getObject('v1', 'Pod', 'web'), 'pod removed');
  });

  it("reports each started container's imageID as containerd does: the image's repository, normalised, and a digest", async () => {
    const { sim } = await startSim({ controller: true });
    sim.createObject(NODE);
    const images: Record<string, string> = {
      hub: 'nginx:1.27',
      org: 'bitnami/redis:7.2',
      ghcr: 'ghcr.io/kubetile/shop-api:1.4.2',
      local: 'localhost:5000/tools/probe:0.3',
      port: 'registry.example:5000/app',
      pinned: `quay.io/org/app@sha256:${'ab'.repeat(32)}`,
    };
    for (const [name, image] of Object.entries(images)) sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'main', image }] } });
    const ids = await waitFor(() => {
      const got = Object.fromEntries(podsOf(sim, 'default').map((p) => [p.metadata?.name, p.status?.containerStatuses?.[0]?.imageID]));
      return Object.keys(images).every((n) => got[n]) ? got : null;
    }, 'every container started');
    const repo = (id: string | undefined): string | undefined => id?.split('@sha256:')[0];
    expect(Object.fromEntries(Object.keys(images).map((n) => [n, repo(ids[n])]))).toEqual({
      hub: 'docker.io/library/nginx',
      org: 'docker.io/bitnami/redis',
      ghcr: 'ghcr.io/kubetile/shop-api',
      local: 'localhost:5000/tools/probe',
      port: 'registry.example:5000/app',
      pinned: 'quay.io/org/app',
    });
    expect(ids['pinned']).toBe(`quay.io/org/app@sha256:${'ab'.repeat(32)}`);
    for (const id of Object.values(ids)) expect(id).toMatch(/@sha256:[0-9a-f]{64}$/);
    // The seeded demo's pods too (its images are on ghcr.io).
    const { sim: demo } = await startSim({ seed: 'demo' });
    const seeded = podsOf(demo, 'shop').flatMap((p) => p.status?.containerStatuses ?? []);
    expect(seeded.length).toBeGreaterThan(0);
    const ghcr = seeded.filter((cs) => cs.image?.startsWith('ghcr.io/'));
    expect(ghcr.length).toBeGreaterThan(0);
    for (const cs of ghcr) expect(repo(cs.imageID)).toBe(cs.image?.replace(/:[^/:]*$/, ''));
    // Never a registry's name under Docker Hub's library/ (docker.io/library/ghcr.io/…).
    for (const cs of seeded) expect(cs.imageID).not.toMatch(/^docker\.io\/library\/[^/]*\./);
  });

  it('reconciles deployments through replica sets, scales them, and completes jobs', async () => {
    const { sim, kc } = await startSim({ controller: true, config: { podTerminationMs: 50 } });
    sim.createObject(NODE);
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: {
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    } });
    await waitFor(async () => (await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' })).status?.readyReplicas === 2, 'deployment ready');
    expect((await apps.listNamespacedReplicaSet({ namespace: 'default' })).items).toHaveLength(1);
    await apps.patchNamespacedDeploymentScale({ namespace: 'default', name: 'web', body: [{ op: 'replace', path: '/spec/replicas', value: 1 }] });
    await waitFor(() => podsOf(sim, 'default').filter((p) => p.metadata?.labels?.['app'] === 'web').length === 1, 'scaled down');

    const batch = kc.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({ namespace: 'default', body: {
      metadata: { name: 'once' },
      spec: { template: { metadata: { annotations: { 'sim.kubetile.dev/complete-after': '0.1' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox' }] } } },
    } });
    await waitFor(async () => (await batch.readNamespacedJob({ namespace: 'default', name: 'once' })).status?.succeeded === 1, 'job complete');
    const job = await batch.readNamespacedJob({ namespace: 'default', name: 'once' });
    expect(job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')).toBe(true);
  });

  it('writes log lines at a steady rate for running demo pods', async () => {
    const { sim, kc } = await startSim({ seed: 'demo', config: { logLinesPerSecond: 20 } });
    const fe = podsOf(sim, 'shop').find((p) => p.metadata?.name?.startsWith('frontend-'));
    expect(fe).toBeDefined();
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => { text += c.toString(); });
    const ctl = await new Log(kc).log('shop', fe?.metadata?.name ?? '', 'frontend', out, { follow: true, tailLines: 0 });
    await waitFor(() => text.split('\n').length > 3, 'new lines');
    expect(text).toMatch(/"(GET|POST) \/\S* HTTP\/1\.1" \d{3}/);
    ctl.abort();
  });
});
