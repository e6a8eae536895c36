import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * YAML and describe panes are live: a change to the object in kube-sim is shown without a key
 * (the pane watches that one object by a field selector on its name and reads it again), a burst of
 * changes is read a few times, not once per change, and ends on the last; a deleted object stays on
 * screen marked DELETED; a re-created one is shown and said to be new. Closing the pane ends its watch.
 */

let t: SimDaemonWithClient;
let c: RawClient;
const CM_PATH = '/api/v1/namespaces/default/configmaps/cfg';

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    beforeDaemon: (sim) => {
      sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', labels: { tier: 'one' } }, data: { level: 'v0' } });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const snapshot = async (paneId: number): Promise<{ text: string; footer: string } | null> => {
  const r = await c.request<{ view: { type: string; lines?: Array<{ text: string }>; footer?: string } }>('pane/snapshot', { paneId, rows: 200, cols: 160 });
  return r.view.type === 'lines' ? { text: r.view.lines!.map((l) => l.text).join('\n'), footer: r.view.footer ?? '' } : null;
};
const shows = (paneId: number, what: string, pred: (s: { text: string; footer: string }) => boolean) =>
  waitFor(what, async () => {
    const s = await snapshot(paneId);
    return s && pred(s) ? s : null;
  });
const gets = (since: number): number => t.sim.journalEntries({ sinceSeq: since, method: 'GET', path: CM_PATH }).filter((e) => e.query['watch'] === undefined).length;
const lastSeq = (): number => t.sim.journalEntries().at(-1)?.seq ?? 0;
const watches = async (): Promise<number> => (await c.request<{ watches: number }>('daemon/status', {})).watches;
const setLevel = (v: string): void => void t.sim.patchObject('v1', 'ConfigMap', 'cfg', 'default', { data: { level: v } });

describe('live object panes', () => {
  it('YAML follows changes, reads a burst a few times and ends on its last change, marks a deletion and a re-creation', async () => {
    const list = await openListIn(c, 'configmaps', 'default');
    await selectRow(c, list, 'cfg');
    const withoutPane = await watches();
    const { paneId } = await c.request<{ paneId: number }>('resource/action', { paneId: list, action: 'yaml' });
    await shows(paneId, 'the first version', (s) => /level: v0/.test(s.text));
    expect(await watches()).toBe(withoutPane + 1);
    // Watched alone: a field selector on its name.
    await waitFor('the watch on cfg', () =>
      t.sim.journalEntries({ path: '/api/v1/namespaces/default/configmaps' }).some((e) => e.query['watch'] === 'true' && e.query['fieldSelector'] === 'metadata.name=cfg'),
    );

    setLevel('v1');
    await shows(paneId, 'the change', (s) => /level: v1/.test(s.text));

    // 40 changes, 10 ms apart: read a few times, not 40; the last one shown.
    const seq = lastSeq();
    const started = Date.now();
    for (let i = 2; i <= 41; i++) {
      setLevel(`v${i}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await shows(paneId, 'the last change of the burst', (s) => /level: v41\b/.test(s.text));
    const elapsed = Date.now() - started;
    expect(gets(seq)).toBeLessThanOrEqual(Math.ceil(elapsed / 500) + 2);
    expect(gets(seq)).toBeLessThan(40);

    t.sim.deleteObject('v1', 'ConfigMap', 'cfg', 'default');
    const gone = await shows(paneId, 'the deletion', (s) => s.footer.includes('DELETED from the cluster (the last version read)'));
    expect(gone.text).toMatch(/level: v41\b/);

    t.sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { level: 'reborn' } });
    const back = await shows(paneId, 'the re-created object', (s) => /level: reborn/.test(s.text));
    expect(back.footer).toContain('re-created since opened (a new object of this name)');
    expect(back.footer).not.toContain('DELETED');

    // Closed: its watch ends (the daemon's count of watches goes back to the list's).
    await c.request('pane/close', { paneId });
    await waitFor('the watch released', async () => (await watches()) === withoutPane || null);
  });

  it('describe follows a change of labels', async () => {
    t.sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg2', namespace: 'default', labels: { tier: 'one' } }, data: {} });
    const list = await openListIn(c, 'configmaps', 'default');
    await selectRow(c, list, 'cfg2');
    const { paneId } = await c.request<{ paneId: number }>('resource/action', { paneId: list, action: 'describe' });
    await shows(paneId, 'describe', (s) => /tier=one/.test(s.text));
    t.sim.patchObject('v1', 'ConfigMap', 'cfg2', 'default', { metadata: { labels: { tier: 'two' } } });
    const s = await shows(paneId, 'the new label', (x) => /tier=two/.test(x.text));
    expect(s.text).not.toMatch(/tier=one/);
  });

  it('describe shows new Events of an object that itself does not change (a Pending pod scheduled again and again)', async () => {
    const pod = t.sim.createObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pending-1', namespace: 'default' },
      spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] },
      status: { phase: 'Pending' },
    });
    const event = (name: string, of: { uid: string; name: string }, message: string, count: number) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: of.name, uid: of.uid, apiVersion: 'v1' },
      reason: 'FailedScheduling',
      message,
      source: { component: 'default-scheduler' },
      firstTimestamp: new Date(Date.now() - 60_000).toISOString(),
      lastTimestamp: new Date().toISOString(),
      count,
      type: 'Warning',
    });
    const uid = pod.metadata.uid;
    const list = await openListIn(c, 'pods', 'default');
    await selectRow(c, list, 'pending-1');
    const { paneId } = await c.request<{ paneId: number }>('resource/action', { paneId: list, action: 'describe' });
    await shows(paneId, 'describe', (s) => /Name:\s+pending-1/.test(s.text) && !/FailedScheduling/.test(s.text));
    const podRv = t.sim.getObject('v1', 'Pod', 'pending-1', 'default')?.metadata.resourceVersion;
    t.sim.createObject(event('pending-1.a', { uid, name: 'pending-1' }, '0/3 nodes are available: 3 Insufficient cpu.', 1));
    // Another object's event (same name, another uid) is not this pod's.
    t.sim.createObject(event('pending-1.b', { uid: 'uid-of-another', name: 'pending-1' }, 'not this one', 1));
    await shows(paneId, 'the event', (s) => /FailedScheduling.*3 Insufficient cpu/.test(s.text));
    t.sim.patchObject('v1', 'Event', 'pending-1.a', 'default', { message: '0/4 nodes are available: 4 Insufficient cpu.', count: 5 });
    const s = await shows(paneId, 'the event again', (x) => /FailedScheduling.*4 Insufficient cpu/.test(x.text));
    expect(s.text).not.toMatch(/not this one|3 Insufficient cpu/);
    // The pod itself never changed: only its Events did.
    expect(t.sim.getObject('v1', 'Pod', 'pending-1', 'default')?.metadata.resourceVersion).toBe(podRv);
    // Closed: both its watches end.
    const before = await watches();
    await c.request('pane/close', { paneId });
    await waitFor('the watches released', async () => (await watches()) === before - 2 || null);
  });

  it('RBAC that allows get but not watch: the pane shows the object and says it is not live; the status bar stays connected', async () => {
    t.sim.createObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'only-get', namespace: 'default' }, data: { k: Buffer.from('v').toString('base64') } });
    t.sim.forbid('secrets', ['list', 'watch']);
    try {
      const contexts = await c.request<{ current: string }>('kube/contexts');
      const args = { kindId: 'secrets', kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true, name: 'only-get', namespace: 'default', context: contexts.current };
      const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-yaml', args }, newTab: true });
      const s = await shows(paneId, 'the object, not live', (x) => /name: only-get/.test(x.text) && x.footer.includes('not live (changes are not shown): '));
      expect(s.footer).toMatch(/forbidden/i);
      expect(c.layout?.status.cluster).toBe('connected');
    } finally {
      t.sim.allow('secrets');
    }
  });

  it('a pane opened on an object not there yet shows it once it is created', async () => {
    const contexts = await c.request<{ current: string }>('kube/contexts');
    const args = { kindId: 'configmaps', kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true, name: 'later', namespace: 'default', context: contexts.current };
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-yaml', args }, newTab: true });
    await waitFor('the not-found message', async () => {
      const v = (await c.request<{ view: { type: string; text?: string } }>('pane/snapshot', { paneId, rows: 20, cols: 160 })).view;
      return v.type === 'message' && /not ?found/i.test(v.text ?? '') ? v : null;
    });
    t.sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later', namespace: 'default' }, data: { arrived: 'yes' } });
    await shows(paneId, 'the object once created', (s) => /arrived: yes/.test(s.text));
  });
});

