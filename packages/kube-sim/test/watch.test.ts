import { afterEach, describe, expect, it } from 'vitest';
import { CoreV1Api, makeInformer, Watch, type KubeConfig, type ListWatch, type V1Pod } from '@kubernetes/client-node';
import type { KubeSim } from '../src/index.js';
import { pod, raw, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);

interface Ev {
  type: string;
  obj: { kind?: string; metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; code?: number; reason?: string; message?: string };
}

/** Opens a client-node Watch and collects its events. */
async function collect(kc: KubeConfig, path: string, params: Record<string, string | number | boolean | undefined>): Promise<{ events: Ev[]; done: Promise<unknown>; abort: () => void }> {
  const events: Ev[] = [];
  let resolveDone!: (v: unknown) => void;
  const done = new Promise((r) => { resolveDone = r; });
  const ctl = await new Watch(kc).watch(path, params, (type, obj) => events.push({ type, obj: obj as Ev['obj'] }), (err) => resolveDone(err ?? 'closed'));
  return { events, done, abort: () => ctl.abort() };
}

function podsInformer(kc: KubeConfig, sim: KubeSim) {
  const core = kc.makeApiClient(CoreV1Api);
  void sim;
  // makeInformer returns a ListWatch, which also offers latestResourceVersion().
  return makeInformer(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' })) as unknown as ListWatch<V1Pod>;
}

describe('watch', () => {
  it('replays from a resourceVersion, then streams live events as compact lines', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(pod('a'));
    const rv = sim.store.rv;
    sim.createObject(pod('b'));
    sim.patchObject('v1', 'Pod', 'a', 'default', { metadata: { labels: { x: '1' } } });
    const w = await collect(kc, '/api/v1/namespaces/default/pods', { resourceVersion: String(rv) });
    await waitFor(() => w.events.length >= 2, 'replayed events');
    sim.deleteObject('v1', 'Pod', 'b');
    await waitFor(() => w.events.length >= 3, 'live delete');
    expect(w.events.map((e) => `${e.type}:${e.obj.metadata?.name}`)).toEqual(['ADDED:b', 'MODIFIED:a', 'DELETED:b']);
    // DELETED carries the deletion RV.
    expect(w.events[2]?.obj.metadata?.resourceVersion).toBe(String(sim.store.rv));
    w.abort();
  });

  it('starts with synthetic ADDED events when no resourceVersion is given', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(pod('a'));
    sim.createObject(pod('b'));
    const w = await collect(kc, '/api/v1/namespaces/default/pods', {});
    await waitFor(() => w.events.length >= 2, 'initial events');
    expect(w.events.map((e) => `${e.type}:${e.obj.metadata?.name}`)).toEqual(['ADDED:a', 'ADDED:b']);
    w.abort();
  });

  it('writes one JSON document per line with chunked encoding and flushes headers at once', async () => {
    const { sim } = await startSim();
    sim.createObject(pod('a'));
    const r = await raw(sim, 'GET', `/api/v1/namespaces/default/pods?watch=1&resourceVersion=0&timeoutSeconds=1`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['transfer-encoding']).toBe('chunked');
    const lines = r.body.split('\n').filter((l) => l);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'a' } } });
  });

  it('answers a too-old resourceVersion with 200 and one ERROR 410 Expired event', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(pod('a'));
    const old = sim.store.rv;
    sim.createObject(pod('b'));
    sim.compact();
    const w = await collect(kc, '/api/v1/namespaces/default/pods', { resourceVersion: String(old - 1) });
    const end = await w.done;
    expect(end).toBe('closed');
    expect(w.events).toHaveLength(1);
    expect(w.events[0]?.type).toBe('ERROR');
    expect(w.events[0]?.obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(w.events[0]?.obj.message).toBe(`too old resource version: ${old - 1} (${sim.store.history.floor})`);
  });

  it('drives an informer: cold start without duplicates, 410 relist with deletes, re-watch after a graceful end', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(pod('a'));
    sim.createObject(pod('b'));
    const inf = podsInformer(kc, sim);
    const log: string[] = [];
    inf.on('add', (o: V1Pod) => log.push(`add:${o.metadata?.name}`));
    inf.on('update', (o: V1Pod) => log.push(`update:${o.metadata?.name}`));
    inf.on('delete', (o: V1Pod) => log.push(`delete:${o.metadata?.name}`));
    let connects = 0;
    inf.on('connect', () => { connects++; });
    await inf.start();
    await waitFor(() => sim.metrics().watches.open === 1, 'informer watch open');
    expect(log).toEqual(['add:a', 'add:b']);

    sim.createObject(pod('c'));
    await waitFor(() => log.includes('add:c'), 'add c');

    // A clean end of the watch: the informer re-watches from its last RV, no relist, no duplicates.
    const watchesBefore = sim.journalEntries({ path: '/api/v1/namespaces/default/pods' }).filter((e) => e.query['watch'] === 'true').length;
    sim.killWatches({ graceful: true });
    await waitFor(() => sim.journalEntries({ path: '/api/v1/namespaces/default/pods' }).filter((e) => e.query['watch'] === 'true').length > watchesBefore, 're-watch');
    const rewatch = sim.journalEntries({ path: '/api/v1/namespaces/default/pods' }).filter((e) => e.query['watch'] === 'true').at(-1);
    expect(rewatch?.query['resourceVersion']).toBe(inf.latestResourceVersion());
    await waitFor(() => sim.metrics().watches.open === 1, 'watch reopened');

    // Delete b and compact while nobody is watching: the next watch gets 410 and the informer relists.
    // (stop() cannot abort a watch whose request is still being set up, so end it from the server too.)
    await inf.stop();
    sim.killWatches({ graceful: true });
    await waitFor(() => sim.metrics().watches.open === 0, 'watch closed');
    sim.deleteObject('v1', 'Pod', 'b');
    sim.createObject(pod('d'));
    sim.compact();
    await inf.start();
    await waitFor(() => log.includes('delete:b') && log.includes('add:d'), 'relist after 410');
    expect(log.filter((l) => l === 'add:a')).toHaveLength(1);
    expect(inf.list().map((p) => p.metadata?.name).sort()).toEqual(['a', 'c', 'd']);
    expect(connects).toBeGreaterThanOrEqual(3);
    await inf.stop();
  });

  it('sends bookmarks when asked, and unrequested ones advance the informer RV', async () => {
    const { sim, kc } = await startSim({ config: { bookmarkIntervalMs: 30 } });
    sim.createObject(pod('a'));
    const w = await collect(kc, '/api/v1/namespaces/default/pods', { resourceVersion: String(sim.store.rv), allowWatchBookmarks: true });
    sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unrelated', namespace: 'default' } });
    const bm = await waitFor(() => w.events.find((e) => e.type === 'BOOKMARK'), 'bookmark');
    expect(bm.obj).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(sim.store.rv) } });
    w.abort();

    // client-node's informer never asks for bookmarks; a server may send them anyway.
    sim.configure({ alwaysBookmarks: true, bookmarkIntervalMs: 60_000 });
    const inf = podsInformer(kc, sim);
    await inf.start();
    await waitFor(() => sim.metrics().watches.open === 1, 'informer watch');
    const before = Number(inf.latestResourceVersion());
    sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'default' } });
    sim.bookmarkNow();
    await waitFor(() => Number(inf.latestResourceVersion()) > before, 'rv advanced by bookmark');
    expect(inf.latestResourceVersion()).toBe(String(sim.store.rv));
    inf.stop();
  });

  it('ends cleanly at timeoutSeconds, with a bookmark just before when allowed', async () => {
    const { sim, kc } = await startSim();
    const w = await collect(kc, '/api/v1/pods', { resourceVersion: String(sim.store.rv), timeoutSeconds: 1, allowWatchBookmarks: true });
    expect(await w.done).toBe('closed');
    expect(w.events.map((e) => e.type)).toEqual(['BOOKMARK']);
  });

  it('turns selector enter and exit into ADDED and DELETED', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(pod('a', 'default', { app: 'web' }));
    const w = await collect(kc, '/api/v1/namespaces/default/pods', { resourceVersion: String(sim.store.rv), labelSelector: 'tier=fe' });
    sim.patchObject('v1', 'Pod', 'a', 'default', { metadata: { labels: { tier: 'fe' } } });
    sim.patchObject('v1', 'Pod', 'a', 'default', { metadata: { labels: { note: 'x' } } });
    sim.patchObject('v1', 'Pod', 'a', 'default', { metadata: { labels: { tier: 'be' } } });
    await waitFor(() => w.events.length >= 3, 'three events');
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    // The DELETED for a selector exit carries the previous content with the new RV.
    expect(w.events[2]?.obj.metadata?.resourceVersion).toBe(String(sim.store.rv));
    w.abort();
  });

  it('stalls watches (headers, then silence) and delivers the held events afterwards', async () => {
    const { sim, kc } = await startSim();
    const w = await collect(kc, '/api/v1/namespaces/default/pods', { resourceVersion: String(sim.store.rv) });
    await waitFor(() => sim.metrics().watches.open === 1, 'watch open');
    sim.stallWatches(60_000);
    sim.createObject(pod('a'));
    // Nothing can arrive while stalled; a later unstall flushes it.
    await new Promise((r) => setImmediate(r));
    expect(w.events).toHaveLength(0);
    sim.unstallWatches();
    await waitFor(() => w.events.length === 1, 'flushed event');
    w.abort();
  });

  it('drops garbage lines silently and reports injected in-stream errors', async () => {
    const { sim, kc } = await startSim();
    const w = await collect(kc, '/api/v1/namespaces/default/pods', { resourceVersion: String(sim.store.rv) });
    await waitFor(() => sim.metrics().watches.open === 1, 'watch open');
    sim.injectWatchGarbage();
    sim.injectWatchGarbage({ multiline: true });
    sim.createObject(pod('a'));
    sim.injectWatchError({ code: 500, message: 'boom', end: true });
    expect(await w.done).toBe('closed');
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'ERROR']);
    expect(w.events[1]?.obj).toMatchObject({ code: 500, message: 'boom' });
  });

  it('streams initial events then an initial-events-end bookmark with sendInitialEvents', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(pod('a'));
    const w = await collect(kc, '/api/v1/namespaces/default/pods', { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true });
    await waitFor(() => w.events.length >= 2, 'initial + bookmark');
    expect(w.events[0]?.type).toBe('ADDED');
    expect(w.events[1]).toMatchObject({ type: 'BOOKMARK', obj: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
    w.abort();
    const bad = await raw(sim, 'GET', '/api/v1/pods?watch=true&sendInitialEvents=true');
    expect(bad.status).toBe(422);
  });
});

describe('history window', () => {
  it('is tracked per resource type: churn elsewhere does not expire a quiet kind', async () => {
    const { sim, kc } = await startSim({ history: { maxEvents: 50 } });
    sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'quiet', namespace: 'default' } });
    const rv = sim.store.rv;
    for (let i = 0; i < 100; i++) sim.createObject(pod(`busy-${i}`));
    // Pods from rv are gone from the window; config maps lost nothing.
    const pods: Array<{ type: string; code?: number }> = [];
    await new Promise<void>((resolve) => {
      void new Watch(kc).watch('/api/v1/namespaces/default/pods', { resourceVersion: String(rv) }, (type, obj: { code?: number }) => pods.push({ type, code: obj.code }), () => resolve());
    });
    expect(pods).toEqual([{ type: 'ERROR', code: 410 }]);
    const cms: string[] = [];
    const ctl = await new Watch(kc).watch('/api/v1/namespaces/default/configmaps', { resourceVersion: String(rv) }, (type) => cms.push(type), () => undefined);
    sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later', namespace: 'default' } });
    await waitFor(() => cms.length === 1, 'configmap event');
    expect(cms).toEqual(['ADDED']);
    ctl.abort();
  });
});
