import { afterEach, describe, expect, it } from 'vitest';
import { ApiException, CoreV1Api, makeInformer, Watch } from '@kubernetes/client-node';
import { pod, raw, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);

function code(e: unknown): number | undefined {
  return e instanceof ApiException ? e.code : undefined;
}

describe('fault injection and admin controls', () => {
  it('injects errors with Retry-After, by verb and resource, for a count', async () => {
    const { sim, kc } = await startSim();
    const core = kc.makeApiClient(CoreV1Api);
    sim.injectError({ verb: 'list', resource: 'pods', status: 429, count: 2, retryAfterSeconds: 3 });
    const r = await raw(sim, 'GET', '/api/v1/namespaces/default/pods');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('3');
    expect(r.json()).toMatchObject({ reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 3 } });
    expect(code(await core.listNamespacedPod({ namespace: 'default' }).catch((e: unknown) => e))).toBe(429);
    expect((await core.listNamespacedPod({ namespace: 'default' })).items).toEqual([]);
    // Other verbs and resources were never affected.
    sim.injectError({ resource: 'configmaps', status: 503 });
    expect((await core.listNamespacedPod({ namespace: 'default' })).items).toEqual([]);
    expect(code(await core.listNamespacedConfigMap({ namespace: 'default' }).catch((e: unknown) => e))).toBe(503);
  });

  it('fails a watch request before the stream with a Status', async () => {
    const { sim, kc } = await startSim();
    sim.injectError({ verb: 'watch', resource: 'pods', status: 500 });
    const err = await new Promise<unknown>((resolve) => {
      void new Watch(kc).watch('/api/v1/pods', {}, () => undefined, resolve);
    });
    expect((err as { statusCode?: number }).statusCode).toBe(500);
  });

  it('answers 403 for forbidden resources and 401 after the token expires', async () => {
    const { sim, kc } = await startSim();
    const core = kc.makeApiClient(CoreV1Api);
    sim.forbid('secrets');
    const denied = await core.listNamespacedSecret({ namespace: 'default' }).catch((e: unknown) => e);
    expect(code(denied)).toBe(403);
    expect(JSON.parse((denied as ApiException<string>).body).message).toBe('secrets is forbidden: User "kube-sim-admin" cannot list resource "secrets" in API group "" in the namespace "default"');
    sim.forbid('pods/log', ['get']);
    expect((await raw(sim, 'GET', '/api/v1/namespaces/default/pods/x/log')).status).toBe(403);
    sim.allow();
    expect((await core.listNamespacedSecret({ namespace: 'default' })).items).toEqual([]);
    sim.expireToken();
    expect(code(await core.listNamespace().catch((e: unknown) => e))).toBe(401);
    sim.restoreToken();
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
  });

  it('restarts on the same port keeping state; informers see the drop', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(pod('a'));
    const core = kc.makeApiClient(CoreV1Api);
    const inf = makeInformer(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
    const errors: unknown[] = [];
    inf.on('error', (e) => errors.push(e));
    await inf.start();
    await waitFor(() => sim.metrics().watches.open === 1, 'watch open');
    const port = sim.port;
    const rv = sim.store.rv;
    await sim.restart();
    expect(sim.port).toBe(port);
    await waitFor(() => errors.length > 0, 'informer error after the drop');
    expect(sim.store.rv).toBe(rv);
    expect((await core.listNamespacedPod({ namespace: 'default' })).items.map((p) => p.metadata?.name)).toEqual(['a']);
    await inf.stop();
  });

  it('restarts without state: the RV counter starts again and old RVs are from the future', async () => {
    const { sim } = await startSim({ config: { tooLargeRvWaitMs: 20 } });
    for (let i = 0; i < 5; i++) sim.createObject(pod(`p-${i}`));
    const oldRv = sim.store.rv;
    await sim.restart({ keepState: false });
    expect(sim.store.rv).toBeLessThan(oldRv);
    expect(sim.listObjects('v1', 'Pod', 'default')).toEqual([]);
    const w = await raw(sim, 'GET', `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${oldRv + 100}`);
    const ev = JSON.parse(w.body.trim()) as { type: string; object: { code: number; reason: string } };
    expect(ev).toMatchObject({ type: 'ERROR', object: { code: 504, reason: 'Timeout' } });
    const l = await raw(sim, 'GET', `/api/v1/namespaces/default/pods?resourceVersion=${oldRv + 100}`);
    expect(l.status).toBe(504);
  });

  it('adds pods in bulk and churns them at a set rate', async () => {
    const { sim, kc } = await startSim();
    expect(await sim.addPods(1500, 'load')).toBe(1500);
    const core = kc.makeApiClient(CoreV1Api);
    const first = await core.listNamespacedPod({ namespace: 'load', limit: 500 });
    expect(first.items).toHaveLength(500);
    expect(first.metadata?.remainingItemCount).toBe(1000);
    expect(first.items[0]?.status?.phase).toBe('Running');
    const seen: string[] = [];
    const ctl = await new Watch(kc).watch('/api/v1/namespaces/load/pods', { resourceVersion: String(sim.store.rv) }, (type) => seen.push(type), () => undefined);
    await waitFor(() => sim.metrics().watches.open === 1, 'watch');
    sim.setEventRate(500, 'load');
    await waitFor(() => seen.length >= 50, 'churn events');
    sim.setEventRate(0);
    expect(new Set(seen)).toEqual(new Set(['MODIFIED']));
    ctl.abort();
  });

  it('serves the same controls over the admin HTTP interface', async () => {
    const { sim } = await startSim();
    const post = (action: string, body: unknown = {}) => raw(sim, 'POST', `/_sim/${action}`, { body });
    expect((await post('objects', pod('x'))).status).toBe(200);
    const m = (await raw(sim, 'GET', '/_sim/metrics')).json<{ ok: boolean; result: { objects: Record<string, number>; resourceVersion: number } }>();
    expect(m.ok).toBe(true);
    expect(m.result.objects['pods']).toBe(1);
    expect((await post('inject-error', { status: 500, resource: 'pods', verb: 'get' })).status).toBe(200);
    expect((await raw(sim, 'GET', '/api/v1/namespaces/default/pods/x')).status).toBe(500);
    expect((await post('compact')).status).toBe(200);
    expect((await post('add-pods', { n: 3, namespace: 'bulk' })).json<{ result: number }>().result).toBe(3);
    expect((await post('latency', { ms: 'slow' })).status).toBe(400);
    expect((await post('nope')).status).toBe(404);
    expect((await raw(sim, 'GET', '/_sim/metrics', { token: 'wrong' })).status).toBe(401);
    sim.expireToken();
    expect((await post('restore-token')).status).toBe(200);
    expect((await raw(sim, 'GET', '/api/v1/namespaces')).status).toBe(200);
    const journal = (await raw(sim, 'GET', '/_sim/journal?path=/api/v1/namespaces/default/pods/x')).json<{ result: Array<{ method: string; status: number }> }>();
    expect(journal.result.map((e) => e.status)).toEqual([500]);
    const port = sim.port;
    expect((await post('restart', { keepState: true })).status).toBe(200);
    await waitFor(async () => (await raw(sim, 'GET', '/api/v1/namespaces/default/pods/x').catch(() => undefined))?.status === 200, 'back after restart');
    expect(sim.port).toBe(port);
  });
});
