import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

let env: TestEnv;
let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let script: RawClient;

const pod = (name: string, ns = 'default', phase = 'Running') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { app: name.split('-')[0]! } },
  spec: { containers: [{ name: 'main', image: 'nginx:1.27' }], nodeName: 'node-1' },
  status: {
    phase,
    containerStatuses: [{ name: 'main', ready: phase === 'Running', restartCount: 0, image: 'nginx:1.27', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }],
  },
});

async function snapshot(paneId: number, rows = 40): Promise<TableView> {
  const r = await script.request<{ view: TableView }>('pane/snapshot', { paneId, rows, cols: 160 });
  return r.view;
}
const names = (v: TableView): string[] => v.rows.map((r) => r.cells.name!);

async function waitNames(paneId: number, want: string[], label: string): Promise<TableView> {
  let last: TableView | undefined;
  try {
    return await waitFor(label, async () => {
      last = await snapshot(paneId);
      return last.type === 'table' && JSON.stringify(names(last)) === JSON.stringify(want) ? last : null;
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}; last rows: ${last ? JSON.stringify(names(last)) : 'none'} ${last?.empty ?? ''}`);
  }
}

beforeAll(async () => {
  stack = await startSimDaemon({ client: true });
  ({ env, sim, client: script } = stack);
});
afterAll(() => stack?.stop());

describe('resource-list panes against kube-sim', () => {
  it('shows pods as they are created and removes them when deleted', async () => {
    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    const empty = await waitFor('synced', async () => {
      const v = await snapshot(paneId);
      return v.empty === 'No resources found' ? v : null;
    });
    expect(empty.title).toBe('Pods (default)');
    sim.createObject(pod('web-1'));
    sim.createObject(pod('api-1'));
    sim.createObject(pod('other-1', 'kube-system'));
    const v = await waitNames(paneId, ['api-1', 'web-1'], 'two pods listed in namespace/name order');
    expect(v.columns.map((c) => c.id)).toEqual(expect.arrayContaining(['name', 'ready', 'status', 'restarts', 'age']));
    expect(v.rows[1]!.cells.status).toBe('Running');
    expect(v.rows[1]!.styles?.status).toBe('ok');
    expect(v.badge).toBe('2');
    sim.deleteObject('v1', 'Pod', 'api-1', 'default');
    await waitNames(paneId, ['web-1'], 'deleted pod gone');
    sim.deleteObject('v1', 'Pod', 'web-1', 'default');
    sim.deleteObject('v1', 'Pod', 'other-1', 'kube-system');
    await waitNames(paneId, [], 'all gone');
  });

  it('keeps the selection on the same pod by UID across updates, filters and sorts', async () => {
    let { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    for (const n of ['b-1', 'c-1', 'd-1']) sim.createObject(pod(n));
    await waitNames(paneId, ['b-1', 'c-1', 'd-1'], 'three pods');
    await script.request('pane/command', { paneId, command: { type: 'select_next' } });
    expect((await snapshot(paneId)).selected).toBe(1); // c-1
    sim.createObject(pod('a-1')); // sorts before the selection
    const v = await waitNames(paneId, ['a-1', 'b-1', 'c-1', 'd-1'], 'a-1 inserted above');
    expect(v.rows[v.selected!]!.cells.name).toBe('c-1');
    await script.request('pane/command', { paneId, command: { type: 'filter', query: 'd-' } });
    const f = await snapshot(paneId);
    expect(names(f)).toEqual(['d-1']);
    expect(f.badge).toBe('1/4');
    await script.request('pane/command', { paneId, command: { type: 'filter', query: 'zzz' } });
    expect((await snapshot(paneId)).empty).toBe('No matches');
    await script.request('pane/command', { paneId, command: { type: 'clear_filter' } });
    await script.request('pane/command', { paneId, command: { type: 'sort_by_column', column: 0 } });
    await script.request('pane/command', { paneId, command: { type: 'toggle_sort_order' } });
    const sorted = await snapshot(paneId);
    expect(names(sorted)).toEqual(['d-1', 'c-1', 'b-1', 'a-1']);
    expect(sorted.sort).toEqual({ column: 'name', order: 'desc' });
    // a filter follows adds, removals and updates that change whether a row matches
    const fresh = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } } });
    await script.request('pane/close', { paneId });
    paneId = fresh.paneId;
    await script.request('pane/command', { paneId, command: { type: 'filter', query: 'running' } });
    await waitNames(paneId, ['a-1', 'b-1', 'c-1', 'd-1'], 'all running');
    sim.createObject(pod('e-1', 'default', 'Pending'));
    sim.patchObject('v1', 'Pod', 'b-1', 'default', { status: { phase: 'Failed', containerStatuses: [] } });
    sim.deleteObject('v1', 'Pod', 'c-1', 'default');
    sim.createObject(pod('f-1'));
    await waitNames(paneId, ['a-1', 'd-1', 'f-1'], 'filtered rows follow the changes');
    for (const n of ['a-1', 'b-1', 'd-1', 'e-1', 'f-1']) sim.deleteObject('v1', 'Pod', n, 'default');
    await script.request('pane/command', { paneId, command: { type: 'clear_filter' } });
    await waitNames(paneId, [], 'cleaned');
  });

  it('two panes on the same kind share one informer', async () => {
    const before = (await script.request<{ watches: number }>('daemon/status')).watches;
    const a = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'services' } }, newTab: true });
    const b = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'svc' } } });
    const loaded = async (id: number) => {
      const v = await snapshot(id);
      return v.type === 'table' && v.empty !== 'Loading...';
    };
    await waitFor('both loaded', async () => (await loaded(a.paneId)) && (await loaded(b.paneId)));
    expect(names(await snapshot(a.paneId))).toEqual(names(await snapshot(b.paneId)));
    expect((await script.request<{ watches: number }>('daemon/status')).watches).toBe(before + 1);
    await script.request('pane/close', { paneId: a.paneId });
    expect((await script.request<{ watches: number }>('daemon/status')).watches).toBe(before + 1);
    await script.request('pane/close', { paneId: b.paneId });
    expect((await script.request<{ watches: number }>('daemon/status')).watches).toBe(before);
  });

  it('converges to the sim after a restart mid-watch, with nothing lost or duplicated', async () => {
    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    for (const n of ['r-1', 'r-2', 'r-3']) sim.createObject(pod(n));
    await waitNames(paneId, ['r-1', 'r-2', 'r-3'], 'before restart');
    const restarting = sim.restart({ keepState: true, downMs: 500 });
    sim.deleteObject('v1', 'Pod', 'r-2', 'default');
    sim.createObject(pod('r-4'));
    await restarting;
    sim.createObject(pod('r-5'));
    const truth = sim.listObjects('v1', 'Pod', 'default').map((o) => o.metadata.name).sort();
    expect(truth).toEqual(['r-1', 'r-3', 'r-4', 'r-5']);
    await waitNames(paneId, truth, 'converged after restart');
    for (const n of truth) sim.deleteObject('v1', 'Pod', n, 'default');
    await waitNames(paneId, [], 'cleaned');
  });

  it('relists when compaction makes its resourceVersion too old (410)', async () => {
    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'configmaps' } }, newTab: true });
    await waitFor('synced', async () => (await snapshot(paneId)).empty === 'No resources found');
    const listsBefore = sim.journalEntries({ path: '/api/v1/namespaces/default/configmaps', method: 'GET' }).filter((e) => !/watch=/.test(JSON.stringify(e))).length;
    sim.stallWatches(60_000);
    for (let i = 0; i < 5; i++) sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'default' }, data: { a: 'b' } });
    sim.compact();
    sim.killWatches();
    sim.unstallWatches();
    await waitNames(paneId, ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4'], 'relisted after 410');
    const listsAfter = sim.journalEntries({ path: '/api/v1/namespaces/default/configmaps', method: 'GET' }).filter((e) => !/watch=/.test(JSON.stringify(e))).length;
    expect(listsAfter).toBeGreaterThan(listsBefore);
  });

  it('opens YAML, describe and detail of the selected pod; / searches; esc closes', async () => {
    const { paneId, tabId } = await script.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    sim.createObject({ ...pod('yaml-1'), metadata: { ...pod('yaml-1').metadata, managedFields: [{ manager: 'kubectl', operation: 'Apply' }] } });
    await waitNames(paneId, ['yaml-1'], 'pod listed');
    const lines = async (id: number) => {
      const v = await waitFor('object pane loaded', async () => {
        const r = await script.request<{ view: { type: string; lines?: Array<{ text: string }>; footer?: string } }>('pane/snapshot', { paneId: id, rows: 200, cols: 120 });
        return r.view.type === 'lines' ? r.view : null;
      });
      return { text: v.lines!.map((l) => l.text).join('\n'), footer: v.footer ?? '' };
    };
    const yaml = await script.request<{ paneId: number; message: string }>('resource/action', { paneId, action: 'yaml' });
    expect(yaml.message).toBe('yaml of Pod default/yaml-1');
    const y = await lines(yaml.paneId);
    expect(y.text).toMatch(/^kind: Pod$/m);
    expect(y.text).toMatch(/name: yaml-1/);
    expect(y.text).not.toMatch(/managedFields/);
    await script.request('pane/command', { paneId: yaml.paneId, command: { type: 'filter', query: 'nginx' } });
    expect((await lines(yaml.paneId)).footer).toMatch(/search "nginx": (1 match|1 of \d+ matches)/);
    const d = await lines((await script.request<{ paneId: number }>('resource/action', { paneId, action: 'describe' })).paneId);
    expect(d.text).toMatch(/^Name:\s+yaml-1$/m);
    expect(d.text).toMatch(/^Events:/m);
    const detail = await script.request<{ paneId: number }>('resource/action', { paneId, action: 'detail' });
    const t = await lines(detail.paneId);
    expect(t.text).toMatch(/^Containers/m);
    expect(t.text).toMatch(/nginx:1\.27/);
    // esc (back) closes an object pane; its sibling takes its place
    await script.request('pane/command', { paneId: detail.paneId, command: { type: 'back' } });
    const list = await script.request<{ panes: Array<{ paneId: number; tabId: number }> }>('pane/list');
    expect(list.panes.filter((p) => p.tabId === tabId).map((p) => p.paneId)).not.toContain(detail.paneId);
    // a resource action on a pane that lists nothing is refused clearly
    await expect(script.request('resource/action', { paneId: yaml.paneId, action: 'yaml' })).rejects.toThrow(/has no resources to act on/);
    sim.deleteObject('v1', 'Pod', 'yaml-1', 'default');
  });

  it('ctrl+alt+x deletes the selected pod after one confirmation; ctrl+alt+s is refused for pods', async () => {
    const c = await RawClient.connect(env.socket);
    try {
      await c.attach({ cols: 140, rows: 40 });
      const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
      sim.createObject(pod('doomed-1'));
      await waitNames(paneId, ['doomed-1'], 'pod listed');
      await c.request('client/key', { key: 'ctrl+alt+x' });
      const l = await c.waitLayout('confirm', (x) => x.overlay?.type === 'confirm');
      expect(l.overlay).toMatchObject({ text: 'Delete Pod default/doomed-1?' });
      await c.request('client/key', { key: 'y' });
      await waitNames(paneId, [], 'deleted after one confirmation');
      await waitFor('success toast', () => c.notifications.find((n) => n.method === 'toast' && (n.params as { text: string }).text === 'deleted Pod default/doomed-1'));
      // scaling needs a scalable kind: a pod says so, before any dialog
      sim.createObject(pod('solo-1'));
      await waitNames(paneId, ['solo-1'], 'pod listed');
      await c.request('client/key', { key: 'ctrl+alt+s' });
      await waitFor('scale refused for a pod', () =>
        c.notifications.find((n) => n.method === 'toast' && /Pod cannot be scaled/.test((n.params as { text: string }).text)),
      );
      expect(c.layout?.overlay ?? null).toBeNull();
      sim.deleteObject('v1', 'Pod', 'solo-1', 'default');
    } finally {
      c.close();
    }
  });

  it('a filter and a sort on a list of 6,000 pods end on exactly the rows of a full filter and sort, the selection kept', async () => {
    // Over 5,000 rows a filter finds the screen's rows first and scans the rest in slices, and a sort
    // places the screen's rows first: what the pane settles on must be the whole result.
    await sim.addPods(6000, 'many', { prefix: 'big' });
    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods', allNamespaces: true } }, newTab: true });
    await waitFor('6,000 pods listed', async () => ((await snapshot(paneId)).unfiltered ?? 0) >= 6000);
    const all = Array.from({ length: 6000 }, (_, i) => `big-${String(i).padStart(6, '0')}`);
    const settled = async (label: string, badge: string, want: string[]): Promise<TableView> => {
      let last: TableView | undefined;
      try {
        return await waitFor(label, async () => {
          last = await snapshot(paneId);
          const shown = names(last);
          return last.badge === badge && !(last.footer ?? '').includes('…') && shown.length >= Math.min(30, want.length) && JSON.stringify(shown) === JSON.stringify(want.slice(0, shown.length)) ? last : null;
        });
      } catch (err) {
        throw new Error(`${(err as Error).message}; last: ${last?.badge} ${last?.footer ?? ''} ${last ? JSON.stringify(names(last).slice(0, 5)) : 'none'}`);
      }
    };
    const total = (await snapshot(paneId)).unfiltered!;
    await script.request('pane/command', { paneId, command: { type: 'filter', query: 'big-0001' } });
    const f1 = all.filter((n) => n.includes('big-0001'));
    await settled('filtered', `${f1.length}/${total}`, f1);
    // Extending the query narrows; the selection moves a page down within the result.
    await script.request('pane/command', { paneId, command: { type: 'filter', query: 'big-00012' } });
    const f2 = f1.filter((n) => n.includes('big-00012'));
    await settled('narrowed', `${f2.length}/${total}`, f2);
    await script.request('pane/command', { paneId, command: { type: 'filter', query: 'big-' } });
    await settled('all 6,000', `6000/${total}`, all);
    await script.request('pane/command', { paneId, command: { type: 'page_down' } });
    const before = await snapshot(paneId);
    const selected = before.rows[before.selected! - before.offset!]!.cells.name!;
    expect(selected).not.toBe(all[0]);
    // Sorted by name, descending: the whole list reversed, the selected pod still selected.
    const nameColumn = before.columns.findIndex((c) => c.id === 'name');
    await script.request('pane/command', { paneId, command: { type: 'sort_by_column', column: nameColumn } });
    await script.request('pane/command', { paneId, command: { type: 'toggle_sort_order' } });
    const desc = await waitFor('sorted by name, descending, complete', async () => {
      const v = await snapshot(paneId);
      return v.sort?.column === 'name' && v.sort.order === 'desc' && !(v.footer ?? '').includes('…') ? v : null;
    });
    expect(desc.rows[desc.selected! - desc.offset!]!.cells.name).toBe(selected);
    await script.request('pane/command', { paneId, command: { type: 'go_to_top' } });
    const top = await snapshot(paneId);
    expect(top.badge).toBe(`6000/${total}`);
    expect(names(top)).toEqual([...all].reverse().slice(0, names(top).length));
  });

  it('an unknown kind gives a clear error pane, and the rest keeps working', async () => {
    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'flurbs' } }, newTab: true });
    const v = await script.request<{ view: { type: string; text: string } }>('pane/snapshot', { paneId });
    expect(v.view).toMatchObject({ type: 'message', text: expect.stringMatching(/unknown kind 'flurbs'/) });
  });
});
