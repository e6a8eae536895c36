import { afterEach, describe, expect, it } from 'vitest';
import { ApiException, AppsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions, VersionApi, type V1Pod } from '@kubernetes/client-node';
import { pod, raw, startSim, stopAll } from './helpers.js';

afterEach(stopAll);

function apiCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

describe('discovery and CRUD through client-node', () => {
  it('serves version, health and discovery', async () => {
    const { sim, kc } = await startSim();
    const v = await kc.makeApiClient(VersionApi).getCode();
    expect(v.major).toBe('1');
    expect((await raw(sim, 'GET', '/readyz', { token: null })).body).toBe('ok');
    const groups = (await raw(sim, 'GET', '/apis')).json<{ groups: Array<{ name: string }> }>();
    expect(groups.groups.map((g) => g.name)).toContain('kubetile.dev');
    const core = (await raw(sim, 'GET', '/api/v1')).json<{ resources: Array<{ name: string; kind: string; shortNames?: string[] }> }>();
    expect(core.resources.find((r) => r.name === 'pods')?.shortNames).toEqual(['po']);
    expect(core.resources.some((r) => r.name === 'pods/log')).toBe(true);
    const api = (await raw(sim, 'GET', '/api')).json<{ versions: string[] }>();
    expect(api.versions).toEqual(['v1']);
  });

  it('rejects missing or wrong tokens with a 401 Status', async () => {
    const { sim } = await startSim();
    const r = await raw(sim, 'GET', '/api/v1/pods', { token: 'nope' });
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('creates, reads, replaces, patches and deletes pods with real Status errors', async () => {
    const { kc } = await startSim();
    const core = kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedPod({ namespace: 'default', body: pod('web-1', 'default', { app: 'web' }) as V1Pod });
    expect(created.metadata?.uid).toBeTruthy();
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.status?.phase).toBe('Pending');

    await expect(core.createNamespacedPod({ namespace: 'default', body: pod('web-1') as V1Pod })).rejects.toSatisfy((e) => apiCode(e) === 409);
    const nf = await core.readNamespacedPod({ namespace: 'default', name: 'nope' }).catch((e: unknown) => e);
    expect(apiCode(nf)).toBe(404);
    expect(JSON.parse((nf as ApiException<string>).body)).toMatchObject({ reason: 'NotFound', message: 'pods "nope" not found', details: { name: 'nope', kind: 'pods' } });

    const invalid = await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'Bad_Name' }, spec: { containers: [] } } as V1Pod }).catch((e: unknown) => e);
    expect(apiCode(invalid)).toBe(422);
    const st = JSON.parse((invalid as ApiException<string>).body) as { details: { causes: Array<{ field: string; reason: string }> } };
    expect(st.details.causes.map((c) => c.field)).toEqual(expect.arrayContaining(['metadata.name', 'spec.containers']));

    // PUT with a stale resourceVersion is a 409 Conflict.
    const stale = { ...created, metadata: { ...created.metadata, labels: { app: 'web', v: '2' } } };
    await core.replaceNamespacedPod({ namespace: 'default', name: 'web-1', body: stale });
    const conflict = await core.replaceNamespacedPod({ namespace: 'default', name: 'web-1', body: stale }).catch((e: unknown) => e);
    expect(apiCode(conflict)).toBe(409);
    expect(JSON.parse((conflict as ApiException<string>).body).message).toContain('the object has been modified');

    // JSON patch (client-node's default) and merge patch.
    const jp = await core.patchNamespacedPod({ namespace: 'default', name: 'web-1', body: [{ op: 'add', path: '/metadata/labels/tier', value: 'fe' }] });
    expect(jp.metadata?.labels).toMatchObject({ app: 'web', v: '2', tier: 'fe' });
    const mp = await core.patchNamespacedPod({ namespace: 'default', name: 'web-1', body: { metadata: { labels: { v: null } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(mp.metadata?.labels).toEqual({ app: 'web', tier: 'fe' });
    const sp = await core.patchNamespacedPod({ namespace: 'default', name: 'web-1', body: { spec: { containers: [{ name: 'main', image: 'nginx:1.28' }] } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    expect(sp.spec?.containers[0]?.image).toBe('nginx:1.28');
    expect(sp.metadata?.generation).toBe(2);

    const deleted = await core.deleteNamespacedPod({ namespace: 'default', name: 'web-1' });
    expect(deleted.metadata?.name).toBe('web-1');
    expect(apiCode(await core.readNamespacedPod({ namespace: 'default', name: 'web-1' }).catch((e: unknown) => e))).toBe(404);
  });

  it('deletes non-pod objects with a Success Status and cascades to dependents', async () => {
    const { sim, kc } = await startSim();
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const d = await apps.createNamespacedDeployment({ namespace: 'default', body: {
      metadata: { name: 'api' },
      spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    } });
    sim.createObject({ ...pod('api-1', 'default', { app: 'api' }), metadata: { name: 'api-1', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: d.metadata?.uid ?? '' }] } });
    const status = await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'api' });
    expect(status).toMatchObject({ status: 'Success', details: { name: 'api', kind: 'deployments', group: 'apps' } });
    const pods = await core.listNamespacedPod({ namespace: 'default' });
    expect(pods.items).toHaveLength(0);
  });

  it('scales through the scale subresource', async () => {
    const { kc } = await startSim();
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: {
      metadata: { name: 'web' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    } });
    const scale = await apps.patchNamespacedDeploymentScale({ namespace: 'default', name: 'web', body: { spec: { replicas: 4 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(scale.spec?.replicas).toBe(4);
    expect((await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' })).spec?.replicas).toBe(4);
  });

  it('serves a custom resource through discovery (KubernetesObjectApi)', async () => {
    const { kc } = await startSim();
    const objs = KubernetesObjectApi.makeApiClient(kc);
    await objs.create({ apiVersion: 'kubetile.dev/v1alpha1', kind: 'Database', metadata: { name: 'orders', namespace: 'default' }, spec: { engine: 'postgres', version: '16' } } as never);
    const got = await objs.read({ apiVersion: 'kubetile.dev/v1alpha1', kind: 'Database', metadata: { name: 'orders', namespace: 'default' } });
    expect((got as unknown as { spec: { engine: string } }).spec.engine).toBe('postgres');
    const list = await objs.list('kubetile.dev/v1alpha1', 'Database', 'default');
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['orders']);
  });

  it('cascades namespace deletion and rejects objects in missing namespaces', async () => {
    const { kc } = await startSim();
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    await core.createNamespacedConfigMap({ namespace: 'team-a', body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
    const ns = await core.deleteNamespace({ name: 'team-a' });
    expect(ns).toMatchObject({ status: { phase: 'Terminating' } });
    expect((await core.listNamespacedConfigMap({ namespace: 'team-a' })).items).toHaveLength(0);
    const err = await core.createNamespacedConfigMap({ namespace: 'team-a', body: { metadata: { name: 'cfg' } } }).catch((e: unknown) => e);
    expect(apiCode(err)).toBe(404);
  });
});

describe('other ways in', () => {
  it('bulk-loads a List and supports client-node loadFromCluster', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { KubeConfig } = await import('@kubernetes/client-node');
    const { sim } = await startSim();
    const n = sim.loadObjects({ items: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace: 'imported', resourceVersion: '999', uid: 'old' }, data: { a: '1' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'imported' } },
    ] });
    expect(n).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'kube-sim-incluster-'));
    try {
      const setup = sim.inClusterFiles(dir, 'imported');
      const saved = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] };
      Object.assign(process.env, setup.env);
      const kc = new KubeConfig();
      kc.loadFromCluster(setup.pathPrefix);
      if (saved.host === undefined) delete process.env['KUBERNETES_SERVICE_HOST']; else process.env['KUBERNETES_SERVICE_HOST'] = saved.host;
      if (saved.port === undefined) delete process.env['KUBERNETES_SERVICE_PORT']; else process.env['KUBERNETES_SERVICE_PORT'] = saved.port;
      const cms = await kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: 'imported' });
      expect(cms.items.map((c) => c.metadata?.name)).toEqual(['c1']);
      expect(cms.items[0]?.metadata?.uid).not.toBe('old');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
