import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { PaneView, TableView } from '@kubetile/rpc-schema';
import { AttachedClient, Store } from '@kubetile/client-tui';
import { waitFor } from '../helpers/daemon-process.js';
import { runningPod } from '../helpers/kube-objects.js';
import { openListIn } from '../helpers/list-pane.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * session/attach's `sameRows`: a client that keeps each pane's last view is sent a table view whose
 * columns and rows did not change (a key that only moved the selection) as the rest of the view,
 * `rowsOf` naming the view the rows are in. What it puts together is the very view a client without
 * `sameRows` (a script) is sent whole; a change to the rows goes whole to both.
 */

let stack: SimDaemon | undefined;
let sim: KubeSim;
/** Attached with `sameRows`, as kubetile's own clients attach: what it is sent. */
let keeping: RawClient;
/** kubetile's own client (AttachedClient and its store): what it puts together. */
let store: Store;
let tui: AttachedClient;
/** Attached without it, as a script attaches. */
let plain: RawClient;
let paneId = 0;
const SIZE = { cols: 140, rows: 30 };

/** Every pane/view `c` was sent for the pane, in order. */
const sent = (c: RawClient): Array<{ seq: number; view: PaneView }> =>
  c.notifications.filter((n) => n.method === 'pane/view' && (n.params as { paneId: number }).paneId === paneId).map((n) => n.params as { seq: number; view: PaneView });

/** The view of the pane in kubetile's own client's store. */
const keptView = (): PaneView | undefined => store.getState().views.get(paneId)?.view;

/**
 * Waits until the script, the `sameRows` socket and kubetile's client all show row `n` selected;
 * returns the script's view (the whole one).
 */
async function selectedEverywhere(n: number): Promise<TableView> {
  await waitFor(`row ${n} selected for the script`, () => table(plain.views.get(paneId)?.view).selected === n);
  await waitFor(`row ${n} selected on the sameRows socket`, () => table(keeping.views.get(paneId)?.view).selected === n);
  await waitFor(`row ${n} selected in the client`, () => table(keptView()).selected === n);
  return table(plain.views.get(paneId)?.view);
}

const table = (v: PaneView | undefined): TableView => {
  if (v?.type !== 'table') throw new Error(`expected a table view, got ${v?.type}`);
  return v;
};

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: (s) => {
      // Three days old: the AGE column reads 3d throughout, so no row changes while the keys are pressed
      // (pods made just now show an age that ticks each second, and a tick is a change to the rows).
      const threeDaysAgo = Date.now() - 3 * 86_400_000;
      for (let i = 0; i < 12; i++) s.createObject(runningPod(`web-${String(i).padStart(2, '0')}`, 'default'), { createdAt: threeDaysAgo });
    },
  });
  sim = stack.sim;
  keeping = await RawClient.connect(stack.env.socket);
  plain = await RawClient.connect(stack.env.socket);
  await keeping.request('session/attach', { size: SIZE, sameRows: true });
  await plain.attach(SIZE);
  store = new Store(SIZE);
  tui = new AttachedClient({ socket: stack.env.socket, session: 'main', store });
  await tui.start();
  paneId = await openListIn(plain, 'pods', 'default');
  // Each client has its own active tab: the other two look at the list's (the second) too.
  await keeping.request('pane/focus', { paneId });
  tui.key('alt+2');
  for (const c of [keeping, plain]) await c.waitView('the 12 pods', paneId, (v) => v.type === 'table' && v.total === 12 && v.rows.length === 12);
  await waitFor('the 12 pods in the client', () => keptView()?.type === 'table' && table(keptView()).rows.length === 12);
});
afterAll(async () => {
  tui?.dispose();
  keeping?.close();
  plain?.close();
  await stack?.stop();
});

describe('table views to a client that keeps its rows (sameRows)', () => {
  it('a key that only moves the selection sends no rows to it; the view it puts together is the one a script is sent whole', async () => {
    const before = sent(keeping).length;
    const start = table(plain.views.get(paneId)?.view).selected!;
    expect(Object.values(table(keptView()).rows[0]!.cells)).toContain('3d');
    for (let i = 0; i < 3; i++) await plain.request('client/key', { key: 'j' });
    // A held key's frames are paced (and coalesced): the last may follow the key's answer.
    const target = await selectedEverywhere(start + 3);
    const moves = sent(keeping).slice(before);
    expect(moves.length).toBeGreaterThanOrEqual(1);
    for (const m of moves) {
      const v = table(m.view);
      expect(v.rowsOf).toBeGreaterThan(0);
      expect(v.rows).toEqual([]);
      expect(v.columns).toEqual([]);
    }
    // The script was sent the rows every time, and never a `rowsOf`.
    expect(sent(plain).every((m) => table(m.view).rowsOf === undefined && table(m.view).rows.length === 12)).toBe(true);
    expect(keptView()).toEqual(target);
    expect(table(keptView()).rows[start + 3]!.cells.name).toBe(`web-0${start + 3}`);
  });

  it('a change to the rows (a pod deleted) goes whole, and the selection moved after it is drawn from the new rows', async () => {
    const before = sent(keeping).length;
    sim.deleteObject('v1', 'Pod', 'web-10', 'default');
    await waitFor('the list without web-10', () => table(keptView()).total === 11);
    const whole = sent(keeping).slice(before).map((m) => table(m.view)).find((v) => v.total === 11)!;
    expect(whole.rowsOf).toBeUndefined();
    expect(whole.rows.map((r) => r.cells.name)).not.toContain('web-10');
    const start = table(plain.views.get(paneId)?.view).selected!;
    await plain.request('client/key', { key: 'k' });
    const target = await selectedEverywhere(start - 1);
    expect(keptView()).toEqual(target);
    expect(table(keptView()).rows).toHaveLength(11);
  });

  it('a filter typed (other rows) goes whole; a pane that is not a table is never sent as kept rows', async () => {
    await plain.request('pane/command', { paneId, command: { type: 'filter', query: 'web-0' } });
    await waitFor('the filtered list', () => table(keptView()).total === 10);
    expect(table(keptView()).rows.every((r) => r.cells.name!.startsWith('web-0'))).toBe(true);
    // The help pane (lines): whole, every time.
    await plain.request('client/key', { key: 'f2' });
    await waitFor('a lines pane', () => keeping.notifications.some((n) => n.method === 'pane/view' && (n.params as { view: PaneView }).view.type === 'lines'));
    const notTables = keeping.notifications.filter((n) => n.method === 'pane/view' && (n.params as { view: PaneView }).view.type !== 'table');
    expect(notTables.every((n) => !('rowsOf' in (n.params as { view: object }).view))).toBe(true);
    // Nothing the client could not put together (it would say so in the pane, as an error).
    expect(store.getState().views.get(paneId)?.view.type).not.toBe('message');
  });

  it('session/attach refuses a sameRows that is not a boolean, naming it', async () => {
    const c = await RawClient.connect(stack!.env.socket);
    try {
      await expect(c.request('session/attach', { size: SIZE, sameRows: 'yes' })).rejects.toThrow(/sameRows/);
    } finally {
      c.close();
    }
  });
});
