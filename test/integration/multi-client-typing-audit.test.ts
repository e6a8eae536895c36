import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafIds, type PaneView, type SessionLayout } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { SessionClients, tabOf, tabHolding } from '../helpers/session-clients.js';
import { focusedExecPane, keys, namespaceWith, pod, podsPane, startWorld, type, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';
import { selectRow } from '../helpers/list-pane.js';

/**
 * Two terminals on one session, one typing (into a shell, a filter) while the other closes or replaces
 * panes and tabs. Only the terminal whose pane went stops typing, and is told; its keys never go on
 * into another pane (another pod's shell). Real daemon and clients, kube-sim behind.
 */

let w: ExecWorld;
const terminals = new SessionClients(() => w.env.socket);
const attached = terminals.attached;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  terminals.closeAll();
  await w?.stop();
});

const panesOf = (l: SessionLayout, tabId: number): number[] => {
  const t = l.tabs.find((x) => x.id === tabId);
  return t ? leafIds(t.tree) : [];
};

describe('one terminal typing while another closes panes and tabs', () => {
  it("B closing another pane of A's tab leaves A typing into its shell", async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('alpha', n)]);
    const a = await attached();
    const b = await attached();
    const list = await podsPane(a, ns, ['alpha']);
    await keys(a, 'e');
    const shell = await focusedExecPane(a);
    await a.waitLayout('A typing into the shell', (l) => l.mode === 'insert');
    await waitScreen(a, shell, 'a prompt', (rows) => rows.some((r) => r.startsWith('root@alpha:/#')));
    const tabId = await tabHolding(a, shell);

    // B, in the same tab, splits the list and closes what it split off.
    await b.request('pane/focus', { paneId: list });
    await keys(b, 'alt+v');
    const extra = (await b.waitLayout('B split the list', (l) => tabOf(l).focusedPaneId !== list && tabOf(l).focusedPaneId !== shell)).tabs.find((t) => t.id === tabId)!.focusedPaneId;
    await keys(b, 'alt+x');
    const l = await a.waitLayout('the pane B closed gone on A', (x) => panesOf(x, tabId).length > 0 && !panesOf(x, tabId).includes(extra));
    expect(tabOf(l).focusedPaneId).toBe(shell);
    expect(l.mode).toBe('insert');
    await type(a, 'echo still-typing\r');
    await waitScreen(a, shell, 'what A typed after B closed the other pane', (rows) => rows.includes('still-typing'));
    expect(a.toasts().filter((t) => /stopped/.test(t))).toEqual([]);
    // A's own key on the ended shell closes it: out of insert mode, and nothing to be told.
    await type(a, 'exit\r');
    await waitScreen(a, shell, 'the exit code', (_rows, v) => (v.footer ?? '').includes('exited with code'));
    await keys(a, 'q');
    await a.waitLayout('the shell closed, A in normal mode', (x) => !panesOf(x, tabId).includes(shell) && x.mode === 'normal');
    expect(a.toasts().filter((t) => /stopped/.test(t))).toEqual([]);
  }, 60_000);

  it("B closing the tab A is typing in: A stops typing, is told, and its keys do not reach the shell of the tab shown next", async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('one', n), (n) => pod('two', n)]);
    const a = await attached();
    const b = await attached();
    const listA = await podsPane(a, ns, ['one', 'two']);
    await selectRow(a, listA, 'one');
    await keys(a, 'e');
    const shellA = await focusedExecPane(a);
    await a.waitLayout('A typing into one', (l) => l.mode === 'insert');
    const tabA = await tabHolding(a, shellA);

    // B's own tab, after A's, with a shell in pod two (B leaves insert mode there).
    const listB = await podsPane(b, ns, ['one', 'two']);
    await selectRow(b, listB, 'two');
    await keys(b, 'e');
    const shellB = await focusedExecPane(b);
    await waitScreen(b, shellB, 'the prompt of two', (rows) => rows.some((r) => r.startsWith('root@two:/#')));
    await keys(b, 'ctrl+]');
    const tabB = await tabHolding(b, shellB);
    const tabs = b.layout!.tabs.map((t) => t.id);
    expect(tabs.indexOf(tabB)).toBe(tabs.indexOf(tabA) + 1);
    // A has looked at B's shell too (its focus in that tab), then types into its own again.
    await a.request('pane/focus', { paneId: shellB });
    await a.request('pane/focus', { paneId: shellA });
    await keys(a, 'i');
    await a.waitLayout('A typing into one again', (l) => l.activeTabId === tabA && l.mode === 'insert');

    // B goes to A's tab and closes it (it asks: a shell runs there).
    await b.request('pane/focus', { paneId: shellA });
    await keys(b, 'ctrl+w');
    await b.waitLayout('B asked', (l) => l.overlay?.type === 'confirm');
    await keys(b, 'y');

    const l = await a.waitLayout("A's tab gone", (x) => !x.tabs.some((t) => t.id === tabA));
    expect(l.activeTabId).toBe(tabB);
    expect(tabOf(l).focusedPaneId).toBe(shellB);
    expect(l.mode).toBe('normal');
    // A's next letters are commands again, never typed into two's shell (where B types next).
    await type(a, 'leaked');
    await keys(b, 'i');
    await type(b, 'echo marker\r');
    const screen = await waitScreen(b, shellB, "B's command run", (rows) => rows.includes('marker'));
    expect(screen.rows.map((r) => r.map((x) => x.text).join('')).filter((r) => r.includes('leaked'))).toEqual([]);
    await a.waitLayout(`A told (${a.toasts().join(' / ')})`, () => a.toasts().some((t) => /^typing into the pane stopped: its tab .* was closed; keys are commands again$/.test(t)));
    // B, still on its own tab, was not typing: not told.
    expect(b.toasts().filter((t) => /stopped/.test(t))).toEqual([]);
    await b.request('pane/close', { paneId: shellB });
  }, 60_000);

  it("B closing the list A is filtering: A's filter stops there, A is told, and its letters do not filter the pane focused next", async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('fa', n)]);
    const a = await attached();
    const b = await attached({ cols: 300, rows: 100 });
    const list = await podsPane(a, ns, ['fa']);
    const tabId = await tabHolding(a, list);
    await keys(a, 'alt+v');
    const other = (await a.waitLayout('A split', (l) => tabOf(l).focusedPaneId !== list)).tabs.find((t) => t.id === tabId)!.focusedPaneId;
    await a.request('pane/focus', { paneId: list });
    await keys(a, '/', 'f');
    await a.waitLayout('A filtering', (l) => l.mode === 'filter' && l.input === 'f');

    await b.request('pane/focus', { paneId: list });
    await keys(b, 'alt+x');
    const l = await a.waitLayout('the list gone on A', (x) => panesOf(x, tabId).length === 1);
    expect(tabOf(l).focusedPaneId).toBe(other);
    expect(l.mode).toBe('normal');
    expect(l.input).toBeUndefined();
    await a.waitLayout('A told', () => a.toasts().some((t) => /^the filter stopped: '.*' was closed; keys are commands again$/.test(t)));
    await a.request('pane/close', { paneId: other });
  }, 60_000);

  it("B closing the tab A is filtering in: A's letters do not filter the list of the tab shown next", async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('fc', n), (n) => pod('gd', n)]);
    const a = await attached();
    const b = await attached({ cols: 20, rows: 5 });
    const listA = await podsPane(a, ns, ['fc', 'gd']);
    const tabA = await tabHolding(a, listA);
    const listB = await podsPane(b, ns, ['fc', 'gd']);
    const tabB = await tabHolding(b, listB);
    // A has looked at B's tab (its focus there is B's list), then filters its own.
    await a.request('pane/focus', { paneId: listB });
    await a.request('pane/focus', { paneId: listA });
    await keys(a, '/', 'f');
    await a.waitLayout('A filtering', (l) => l.activeTabId === tabA && l.mode === 'filter' && l.input === 'f');

    await b.request('pane/focus', { paneId: listA });
    await keys(b, 'ctrl+w');
    const l = await a.waitLayout("A's tab gone", (x) => !x.tabs.some((t) => t.id === tabA));
    expect(l.activeTabId).toBe(tabB);
    expect(l.mode).toBe('normal');
    await a.waitLayout('A told', () => a.toasts().some((t) => /^the filter stopped: its tab .* was closed; keys are commands again$/.test(t)));
    // A's next letter is a command (c: copy the row's name), not a filter on B's list: both rows still listed.
    await keys(a, 'c');
    const v = (await a.request<{ view: { type: string; rows: Array<{ cells: Record<string, string> }> } }>('pane/snapshot', { paneId: listB, rows: 20, cols: 120 })).view;
    expect(v.rows.map((r) => r.cells.name).sort()).toEqual(['fc', 'gd']);
    await b.request('pane/close', { paneId: listB });
  }, 60_000);

  it('B switching the view of the list A is filtering (`:`): A stops filtering the new view, and is told', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('fb', n)]);
    const a = await attached();
    const b = await attached();
    const list = await podsPane(a, ns, ['fb']);
    const tabId = await tabHolding(a, list);
    await keys(a, '/', 'f');
    await a.waitLayout('A filtering', (l) => l.mode === 'filter');
    await b.request('pane/focus', { paneId: list });
    await keys(b, ':', 's', 'v', 'c');
    await b.waitLayout('B typed svc', (l) => l.overlay?.type === 'selector' && l.overlay.query === 'svc');
    await keys(b, 'enter');
    const l = await a.waitLayout('the list replaced on A', (x) => panesOf(x, tabId).length === 1 && !panesOf(x, tabId).includes(list));
    expect(l.mode).toBe('normal');
    await a.waitLayout('A told', () => a.toasts().some((t) => /^the filter stopped: '.*' became another view/.test(t)));
    // B, which switched it, was not typing: its own view, nothing said.
    expect(b.toasts().filter((t) => /stopped/.test(t))).toEqual([]);
  }, 60_000);

  it("A asked to close its tab (a shell runs there), B opens another shell in it meanwhile: A's y ends neither, A is told", async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('ta', n), (n) => pod('tb', n)]);
    const a = await attached();
    const b = await attached();
    const list = await podsPane(a, ns, ['ta', 'tb']);
    const tabId = await tabHolding(a, list);
    await selectRow(a, list, 'ta');
    await keys(a, 'e');
    const shellA = await focusedExecPane(a);
    await waitScreen(a, shellA, 'the prompt of ta', (rows) => rows.some((r) => r.startsWith('root@ta:/#')));
    await keys(a, 'ctrl+]', 'ctrl+w');
    const asked = await a.waitLayout('A asked', (l) => l.overlay?.type === 'confirm');
    expect(asked.overlay?.type === 'confirm' ? asked.overlay.text : '').toMatch(/^Close the tab\? /);

    // B, in that tab, opens a shell in tb.
    await b.request('pane/focus', { paneId: list });
    await selectRow(b, list, 'tb');
    await keys(b, 'e');
    const shellB = await focusedExecPane(b);
    await waitScreen(b, shellB, 'the prompt of tb', (rows) => rows.some((r) => r.startsWith('root@tb:/#')));

    await keys(a, 'y');
    await a.waitLayout('A told', () => a.toasts().some((t) => /^the tab changed while you were asked \(another terminal or a script opened, closed or replaced a pane in it\): nothing was closed/.test(t)));
    const l = await a.waitLayout('the dialog closed', (x) => x.overlay === null);
    expect(panesOf(l, tabId)).toEqual(expect.arrayContaining([list, shellA, shellB]));
    // B's shell lives on: B still types into it.
    await type(b, 'echo alive\r');
    await waitScreen(b, shellB, "B's shell alive", (rows) => rows.includes('alive'));
    await keys(b, 'ctrl+]');
    await b.request('pane/close', { paneId: shellB });
    await b.request('pane/close', { paneId: shellA });
    await b.request('pane/close', { paneId: list });
  }, 60_000);
});

describe('two terminals typing a filter into one list', () => {
  it('the pane has one filter line: each terminal shows the one in force, and edits it', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('web-1', n), (n) => pod('db-1', n)]);
    const a = await attached();
    const b = await attached();
    const list = await podsPane(a, ns, ['web-1', 'db-1']);
    const names = async (): Promise<string[]> => {
      const v = (await a.request<{ view: PaneView }>('pane/snapshot', { paneId: list, rows: 30, cols: 120 })).view;
      return v.type === 'table' ? v.rows.map((r) => String(r.cells.name)).sort() : [];
    };
    await keys(a, '/', 'w', 'e', 'b');
    await waitFor('the list filtered by web', async () => JSON.stringify(await names()) === '["web-1"]');

    // B opens the filter on the same pane while A types: it starts from A's line, not an empty one.
    await b.request('pane/focus', { paneId: list });
    await keys(b, '/');
    await b.waitLayout("B's filter line is A's", (l) => l.mode === 'filter' && l.input === 'web');
    // B edits it: A's line follows (A showed 'web' while the rows were filtered by B's text).
    await keys(b, 'backspace', 'backspace', 'backspace', 'd', 'b');
    await waitFor('the list filtered by db', async () => JSON.stringify(await names()) === '["db-1"]');
    await a.waitLayout("A's filter line is B's", (l) => l.mode === 'filter' && l.input === 'db');
    // A's next key edits the line in force.
    await keys(a, '-');
    await b.waitLayout("B's line has A's key", (l) => l.input === 'db-');
    // esc on A clears the pane's filter: B, still typing, has an empty line and sees every row.
    await keys(a, 'esc');
    await b.waitLayout("B's line empty", (l) => l.mode === 'filter' && l.input === '');
    await waitFor('every row again', async () => JSON.stringify(await names()) === '["db-1","web-1"]');
    await keys(b, 'esc');
  }, 60_000);
});

describe('an action started while another terminal closes its pane', () => {
  it('says the pane was closed meanwhile, not "no pane N", and opens nothing', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('slow', n)]);
    const a = await attached();
    const b = await attached();
    const list = await podsPane(a, ns, ['slow']);
    await selectRow(a, list, 'slow');
    const tabId = await tabHolding(a, list);
    const allPanes = (l: SessionLayout): number[] => l.tabs.flatMap((t) => leafIds(t.tree));
    const before = new Set(allPanes(a.layout!));
    // Every API answer takes 1.5 s: A's logs action is still reading the pod when B closes the list.
    w.sim.setLatency({ ms: 1500 });
    try {
      await keys(a, 'l');
      await b.request('pane/close', { paneId: list });
      const toast = await waitFor("A's toast", () => a.toasts().find((t) => t.startsWith('logs ')));
      expect(toast).toBe('logs failed: its pane was closed meanwhile (by another terminal?)');
    } finally {
      w.sim.setLatency(0);
    }
    const l = await a.waitLayout('the closed list gone on A', (x) => !allPanes(x).includes(list));
    expect(l.tabs.some((t) => t.id === tabId)).toBe(false);
    expect(allPanes(l).filter((id) => !before.has(id))).toEqual([]);
  }, 60_000);
});
