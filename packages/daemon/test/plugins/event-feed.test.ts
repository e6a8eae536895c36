import { describe, expect, it } from 'vitest';
import { EventFeed, EVENTS_MAX_PENDING, EVENT_BATCH_MAX_BYTES, type EventBatch } from '../../src/plugins/event-feed.js';
import { unavailableKubeAccess, type PluginKubeAccess, type PluginWatchChange } from '../../src/plugins/kube-access.js';
import { silent } from './helpers.js';

/** A cluster whose watch changes the test pushes by hand. */
function cluster() {
  const watchers: Array<{ plural: string; namespace: string | null; push: (c: PluginWatchChange[] | 'resync') => void }> = [];
  const kube: PluginKubeAccess = {
    ...unavailableKubeAccess,
    resolveResource: async (_ctx, name) => ({ group: '', version: 'v1', plural: name, kind: 'Pod', namespaced: true }),
    watch: (_ctx, r, namespace, onChange) => {
      const w = { plural: r.plural, namespace, push: onChange };
      watchers.push(w);
      return () => watchers.splice(watchers.indexOf(w), 1);
    },
  };
  return { kube, watchers };
}
const obj = (name: string, rv = '1') => ({ metadata: { name, namespace: 'dev', uid: `uid-${name}`, resourceVersion: rv } });
const settle = () => new Promise((r) => setImmediate(r));

describe('EventFeed', () => {
  it('watches the kinds the plugin may list, in the permission namespace or else the pane one, and follows the pane', async () => {
    const { kube, watchers } = cluster();
    const feed = new EventFeed(kube, ['k8s:list:pods', 'k8s:list:configmaps:ns=kube-system', 'k8s:delete:pods', 'clipboard:write'], silent, () => undefined);
    feed.follow({ context: 'c', namespace: 'dev' });
    await settle();
    expect(watchers.map((w) => `${w.plural}@${w.namespace}`).sort()).toEqual(['configmaps@kube-system', 'pods@dev']);
    feed.follow({ context: 'c', namespace: 'prod' });
    await settle();
    expect(watchers.map((w) => `${w.plural}@${w.namespace}`).sort()).toEqual(['configmaps@kube-system', 'pods@prod']);
    feed.close();
    expect(watchers).toHaveLength(0);
  });

  it('coalesces per object while the plugin is busy and is bounded: a flood becomes one resync', async () => {
    const { kube, watchers } = cluster();
    let wakes = 0;
    const feed = new EventFeed(kube, ['k8s:list:pods'], silent, () => wakes++);
    feed.follow({ context: 'c', namespace: 'dev' });
    await settle();
    const w = watchers[0]!;
    for (let i = 0; i < 100; i++) w.push([{ type: 'MODIFIED', object: obj('web', String(i)) }]);
    w.push([{ type: 'ADDED', object: obj('tmp') }]);
    w.push([{ type: 'DELETED', object: obj('tmp') }]);
    w.push([{ type: 'ADDED', object: obj('new') }, { type: 'MODIFIED', object: obj('new', '2') }]);
    expect(wakes).toBeGreaterThan(0);
    const batch = JSON.parse(feed.next(7)!) as EventBatch;
    expect(batch.pane_id).toBe(7);
    expect(batch.events.map((e) => [e.type, e.name, e.object.metadata.resourceVersion])).toEqual([
      ['MODIFIED', 'web', '99'],
      ['ADDED', 'new', '2'],
    ]);
    expect(feed.next(7)).toBeNull();
    // A flood past the bound: what waits of that kind becomes one resync; nothing grows without bound.
    for (let i = 0; i < EVENTS_MAX_PENDING * 4; i++) w.push([{ type: 'ADDED', object: obj(`p-${i}`) }]);
    const flood = JSON.parse(feed.next(7)!) as EventBatch;
    expect(flood.resync).toEqual(['pods']);
    expect(flood.events.length).toBeLessThanOrEqual(EVENTS_MAX_PENDING);
    // A batch is cut to its byte budget; the rest comes in the next call.
    for (let i = 0; i < 200; i++) w.push([{ type: 'ADDED', object: { ...obj(`big-${i}`), data: 'x'.repeat(4000) } }]);
    const parts: number[] = [];
    for (let s = feed.next(7); s !== null; s = feed.next(7)) {
      expect(s.length).toBeLessThanOrEqual(EVENT_BATCH_MAX_BYTES);
      parts.push((JSON.parse(s) as EventBatch).events.length);
    }
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(200);
    feed.close();
  });
});
