import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafIds } from '@kubetile/rpc-schema';
import { SessionClients, tabOf, tabHolding } from '../helpers/session-clients.js';
import { openListIn, pressKeys } from '../helpers/list-pane.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * Two terminals on one session: A has a selector open for its pane or tab while B closes that pane
 * or tab. A's enter then changes nothing anywhere else (not the tab A is shown now), and A is told
 * why nothing happened. Real daemon, kube-sim.
 */

let stack: SimDaemon;
const terminals = new SessionClients(() => stack.env.socket);
const attached = terminals.attached;

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: (s) => {
      for (const name of ['dlg-one', 'dlg-two']) s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    },
  });
});
afterAll(async () => {
  terminals.closeAll();
  await stack?.stop();
});


describe("a selector whose pane or tab another terminal closed", () => {
  it("ctrl+n, B closes the tab, A picks: no tab changes namespace, A is told", async () => {
    const a = await attached();
    const b = await attached({ cols: 20, rows: 5 });
    const list = await openListIn(a, 'configmaps', 'dlg-one');
    const tabId = await tabHolding(a, list);
    await pressKeys(a, 'ctrl+n');
    await a.waitLayout('the namespaces listed', (l) => l.overlay?.type === 'selector' && l.overlay.items.includes('dlg-two'));
    await pressKeys(a, 'd', 'l', 'g', '-', 't', 'w', 'o');
    await a.waitLayout('dlg-two selected', (l) => l.overlay?.type === 'selector' && l.overlay.items[l.overlay.selected] === 'dlg-two');

    await b.request('pane/focus', { paneId: list });
    await pressKeys(b, 'ctrl+w');
    const gone = await a.waitLayout("A's tab gone", (l) => !l.tabs.some((t) => t.id === tabId));
    const before = gone.tabs.map((t) => `${t.id}:${t.namespace}`);
    // Still open on A, as it was: A answers it.
    expect(gone.overlay?.type).toBe('selector');
    await pressKeys(a, 'enter');
    await a.waitLayout('A told', () => a.toasts().some((t) => /^the tab this namespace was picked for \(dlg-one\) was closed meanwhile \(another terminal or a script\): nothing was changed$/.test(t)));
    const after = await a.waitLayout('the selector closed', (l) => l.overlay === null);
    expect(after.tabs.map((t) => `${t.id}:${t.namespace}`)).toEqual(before);
    expect(after.tabs.some((t) => t.namespace === 'dlg-two')).toBe(false);
  }, 60_000);

  it("`:`, B closes the pane, A picks: the pane focused next keeps its view, A is told", async () => {
    const a = await attached();
    const b = await attached();
    const list = await openListIn(a, 'configmaps', 'dlg-one');
    const tabId = await tabHolding(a, list);
    await pressKeys(a, 'alt+v');
    const other = tabOf(await a.waitLayout('A split', (l) => tabOf(l).focusedPaneId !== list)).focusedPaneId;
    await a.request('pane/focus', { paneId: list });
    await pressKeys(a, ':', 's', 'e', 'c', 'r', 'e', 't', 's');
    await a.waitLayout('secrets typed', (l) => l.overlay?.type === 'selector' && l.overlay.query === 'secrets');

    await b.request('pane/focus', { paneId: list });
    await pressKeys(b, 'alt+x');
    const l = await a.waitLayout('the list gone on A', (x) => { const t = x.tabs.find((tab) => tab.id === tabId); return !!t && !leafIds(t.tree).includes(list); });
    expect(tabOf(l).focusedPaneId).toBe(other);
    const titleBefore = l.paneTitles[String(other)];
    await pressKeys(a, 'enter');
    await a.waitLayout('A told', () => a.toasts().some((t) => /was closed or became another view while ':' was open \(another terminal or a script\): nothing was switched$/.test(t)));
    const after = await a.waitLayout('the selector closed', (x) => x.overlay === null);
    expect(after.paneTitles[String(other)]).toBe(titleBefore);
    expect(leafIds(tabOf(after).tree)).toEqual([other]);
  }, 60_000);

  it("F1 on B while A reads its help in the same tab: A's help stays, B is shown it too; A's F1 closes it", async () => {
    const a = await attached();
    const b = await attached({ cols: 20, rows: 5 });
    const list = await openListIn(a, 'configmaps', 'dlg-one');
    const tabId = await tabHolding(a, list);
    await pressKeys(a, 'f1');
    const l = await a.waitLayout('help full screen on A', (x) => { const t = tabOf(x); return t.id === tabId && t.fullscreenPaneId !== null && x.paneTitles[String(t.fullscreenPaneId)] === 'Help'; });
    const help = tabOf(l).fullscreenPaneId!;
    await b.request('pane/focus', { paneId: list });
    await pressKeys(b, 'f1');
    const lb = await b.waitLayout('help full screen on B', (x) => tabOf(x).id === tabId && tabOf(x).fullscreenPaneId === help);
    expect(tabOf(lb).focusedPaneId).toBe(help);
    // A still reads it, as it was.
    const la = a.layout!;
    expect(leafIds(la.tabs.find((t) => t.id === tabId)!.tree)).toContain(help);
    expect(tabOf(la).fullscreenPaneId).toBe(help);
    await pressKeys(a, 'f1');
    await a.waitLayout('help closed', (x) => !leafIds(x.tabs.find((t) => t.id === tabId)!.tree).includes(help));
    await a.request('pane/close', { paneId: list });
  }, 60_000);
});
