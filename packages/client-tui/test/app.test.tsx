import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import type { PaneView } from '@kubetile/rpc-schema';
import { App } from '../src/tui/App.js';
import { FrameCompositor, inkRegion } from '../src/tui/frame-compositor.js';
import { ScreenPainter } from '../src/tui/screen-painter.js';
import { screenFrame } from './frame.js';
import { Store, type Clock } from '../src/tui/store.js';
import { tableLines } from '../src/tui/table-lines.js';
import { overlayBox, tabBarLine } from '../src/tui/chrome.js';
import { lineText } from '../src/tui/segments.js';
import { palette } from '../src/tui/theme.js';
import { stringWidth } from '../src/util/text.js';
import { errorView, logsView, podsTable, splitLayout } from './fixtures.js';
import { waitFor } from './helpers.js';

afterEach(() => cleanup());

function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (h) => {
      timers = timers.filter((t) => t.id !== h);
    },
    advance(ms) {
      now += ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        due.fn();
      }
    },
  };
}

function connectedStore(cols = 100, rows = 20, clock?: Clock): Store {
  const store = new Store({ cols, rows }, clock ? { clock } : {});
  store.setLayout(splitLayout());
  store.applyView(1, 1, podsTable);
  store.applyView(2, 1, logsView);
  store.applyView(3, 1, errorView);
  store.setConn({ state: 'connected' });
  return store;
}

const frameOf = (store: Store): string => screenFrame(store.getState());

describe('the screen', () => {
  it('draws the tab bar, the split panes with titles, table, lines, error and the status bar', () => {
    const frame = frameOf(connectedStore());
    const lines = frame.split('\n');
    expect(lines).toHaveLength(20);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(100);
    // tab bar
    expect(lines[0]).toContain('[1] default|POD');
    expect(lines[0]).toContain('[2] kube-system|DEP');
    expect(lines[0]).toMatch(/main\s*$/);
    // pane titles in the top borders; the focused pane has the heavy border
    expect(lines[1]).toContain('┏━ Pods ━');
    expect(lines[1]).toContain('┌─ Logs web-1 ─');
    expect(frame).toContain('┌─ Describe ─');
    // table header (sort arrow) and rows
    expect(lines[2]).toMatch(/NAME ▲\s+READY\s+STATUS/);
    expect(lines[3]).toMatch(/web-1\s+1\/1\s+Running/);
    expect(lines[4]).toMatch(/web-2\s+0\/1\s+Pending/);
    expect(lines[5]).toMatch(/db-0\s+0\/1\s+CrashLoopBackOff/);
    // lines view with spans and footer
    expect(frame).toContain('GET /healthz 200');
    expect(frame).toContain('ERROR db timeout');
    expect(frame).toContain('following');
    // message view: the error text
    expect(frame).toContain('Error: pods "db-0" is forbidden');
    // badge in the bottom border of the table pane
    expect(lines[18]).toMatch(/━ 3 ━┛/);
    // status bar: mode, context, cluster and the hints from the live bindings
    expect(lines[19]).toMatch(/^ NORMAL  kind-dev \(connected\)/);
    expect(lines[19]).toContain('F1 Help');
    expect(lines[19]).toContain('Alt+V Split');
    expect(lines[19]).toContain('Ctrl+Q Detach');
  });

  it('right-aligns columns that ask for it', () => {
    const lines = tableLines(podsTable as Extract<PaneView, { type: 'table' }>, 40, 5).map(lineText);
    expect(lines[0]).toBe('NAME ▲  READY  STATUS                   ');
    expect(lines[1]).toBe('web-1     1/1  Running                  ');
  });

  it('highlights the selected row (absolute index = offset + i)', () => {
    const table = { ...(podsTable as Extract<PaneView, { type: 'table' }>), offset: 10, selected: 12 };
    const lines = tableLines(table, 40, 6);
    const bg = lines.map((l) => l.every((s) => s.style?.backgroundColor === palette.selectionBg));
    expect(bg).toEqual([false, false, false, true, false, false]);
    expect(lineText(lines[3]!)).toContain('db-0');
    // cell styles survive under the selection
    expect(lines[3]!.some((s) => s.text.includes('CrashLoopBackOff') && s.style?.color === palette.error)).toBe(true);
    expect(lines[1]!.some((s) => s.text.includes('Running') && s.style?.color === palette.ok)).toBe(true);
  });

  it('shrinks and truncates columns with … when the pane is narrow', () => {
    const lines = tableLines(podsTable as Extract<PaneView, { type: 'table' }>, 16, 5).map(lineText);
    for (const l of lines) expect(stringWidth(l)).toBe(16);
    expect(lines[3]).toContain('…');
  });

  it('a narrow pane shrinks the other columns before NAME: pods of one Deployment stay told apart', () => {
    const table: Extract<PaneView, { type: 'table' }> = {
      ...(podsTable as Extract<PaneView, { type: 'table' }>),
      sort: undefined,
      columns: [{ id: 'namespace', title: 'NAMESPACE' }, { id: 'name', title: 'NAME' }, { id: 'ready', title: 'READY' }, { id: 'status', title: 'STATUS' }, { id: 'age', title: 'AGE' }],
      rows: ['frontend-n5zvz9mjzr-bl27w', 'frontend-n5zvz9mjzr-d5h6f'].map((name, i) => ({ id: `u${i}`, cells: { namespace: 'shop', name, ready: '1/1', status: 'Running', age: '3d' } })),
    };
    const lines = tableLines(table, 46, 4).map(lineText);
    for (const l of lines) expect(stringWidth(l)).toBe(46);
    expect(lines[1]).toContain('frontend-n5zvz9mjzr-bl27w');
    expect(lines[2]).toContain('frontend-n5zvz9mjzr-d5h6f');
    // Narrower than NAME alone: it shrinks too, last.
    expect(lineText(tableLines(table, 20, 4)[1]!)).toContain('…');
  });

  it('a table without NAME shrinks its first column last (the port-forwards pane: two forwards stay told apart)', () => {
    const table: Extract<PaneView, { type: 'table' }> = {
      ...(podsTable as Extract<PaneView, { type: 'table' }>),
      sort: undefined,
      columns: ['target', 'namespace', 'pod', 'local', 'remote', 'state'].map((id) => ({ id, title: id.toUpperCase() })),
      rows: ['942mw', '9qf5f'].map((tail, i) => ({
        id: `pf-${i}`,
        cells: { target: `pod/frontend-n5zvz9mjzr-${tail}`, namespace: 'shop', pod: `frontend-n5zvz9mjzr-${tail}`, local: `127.0.0.1:1808${i}`, remote: '8080', state: 'active' },
      })),
    };
    const lines = tableLines(table, 80, 4).map(lineText);
    expect(lines[1]).toContain('pod/frontend-n5zvz9mjzr-942mw');
    expect(lines[2]).toContain('pod/frontend-n5zvz9mjzr-9qf5f');
  });

  it("a column cut at 60 cells (an event's MESSAGE) takes the room the pane has left", () => {
    const message = `Back-off restarting failed container cart in pod cart-d7ct2thgxw-fqsjn_shop(${'a'.repeat(20)})`;
    const table: Extract<PaneView, { type: 'table' }> = {
      ...(podsTable as Extract<PaneView, { type: 'table' }>),
      sort: undefined,
      columns: [{ id: 'reason', title: 'REASON' }, { id: 'message', title: 'MESSAGE' }],
      rows: [{ id: 'e1', cells: { reason: 'BackOff', message } }],
    };
    expect(lineText(tableLines(table, 160, 3)[1]!)).toContain(message);
    // Without the room it is cut, as before.
    expect(lineText(tableLines(table, 50, 3)[1]!)).toContain('…');
  });

  it('shows the empty text centred and the footer on the last row', () => {
    const empty: PaneView = { ...(podsTable as Extract<PaneView, { type: 'table' }>), rows: [], total: 0, selected: null, empty: 'No resources found', footer: 'Filter: zzz' };
    const lines = tableLines(empty, 30, 7).map(lineText);
    expect(lines[0]).toContain('NAME');
    expect(lines[3]!.trim()).toBe('No resources found');
    expect(lines[6]!.trim()).toBe('Filter: zzz');
  });

  it('draws only the fullscreen pane', () => {
    const store = connectedStore();
    const layout = splitLayout();
    layout.tabs[0]!.fullscreenPaneId = 2;
    store.setLayout(layout);
    const frame = frameOf(store);
    expect(frame).toContain('Logs web-1');
    expect(frame).not.toContain('NAME');
    expect(frame.split('\n')[1]).toMatch(/^┌─ Logs web-1 ─+┐$/);
  });

  it('ignores a view older than the one drawn', () => {
    const store = connectedStore();
    expect(store.applyView(3, 5, { type: 'message', title: 'Describe', level: 'info', text: 'fresh' })).toBe(true);
    expect(store.applyView(3, 4, { type: 'message', title: 'Describe', level: 'info', text: 'stale' })).toBe(false);
    const frame = frameOf(store);
    expect(frame).toContain('fresh');
    expect(frame).not.toContain('stale');
  });

  it('keeps the hints in sight when the cluster state is long', () => {
    const store = connectedStore(90, 12);
    store.setLayout(splitLayout({ status: { ...splitLayout().status, context: 'no cluster', cluster: 'no kubeconfig file found in KUBECONFIG=/tmp/some/long/path' } }));
    const last = frameOf(store).split('\n').at(-1)!;
    expect(last).toContain('(no kubeconfig file found in KUB…)');
    expect(last).toContain('F1 Help');
  });

  it('shows the filter being typed and the mode badge', () => {
    const store = connectedStore();
    store.setLayout(splitLayout({ mode: 'filter', input: 'web' }));
    const last = frameOf(store).split('\n').at(-1)!;
    expect(last).toMatch(/^ FILTER /);
    expect(last).toContain('/web_');
  });

  it('renders a selector overlay centred with query, items, selection and n/total', () => {
    const store = connectedStore();
    store.setLayout(
      splitLayout({
        mode: 'selector',
        overlay: { type: 'selector', title: 'Namespace', query: 'ku', items: ['kube-system', 'kube-public', 'kube-node-lease'], selected: 1, total: 3 },
      }),
    );
    const frame = frameOf(store);
    expect(frame).toContain('╭─ Namespace ─');
    expect(frame).toContain('> ku_');
    expect(frame).toContain('  kube-system');
    expect(frame).toContain('› kube-public');
    expect(frame).toContain('kube-node-lease');
    expect(frame).toContain(' 2/3 ─╯');
    expect(frame.split('\n').at(-1)).toMatch(/^ SELECTOR /);
  });

  it('renders a confirm overlay', () => {
    const store = connectedStore();
    store.setLayout(splitLayout({ mode: 'confirm', overlay: { type: 'confirm', title: 'Delete pod', text: 'Delete pod web-2 in default?' } }));
    const frame = frameOf(store);
    expect(frame).toContain('╭─ Delete pod ─');
    expect(frame).toContain('Delete pod web-2 in default?');
    expect(frame).toContain('[y] Yes    [n] No');
  });

  it('renders an input overlay', () => {
    const store = connectedStore();
    store.setLayout(splitLayout({ mode: 'insert', overlay: { type: 'input', title: 'Scale replicas', value: '3' } }));
    const frame = frameOf(store);
    expect(frame).toContain('Scale replicas');
    expect(frame).toContain('> 3_');
  });

  it('an input overlay is wide enough for its whole title', () => {
    const store = connectedStore();
    const title = 'Scale Deployment shop/frontend-with-a-long-name to replicas';
    store.setLayout(splitLayout({ mode: 'insert', overlay: { type: 'input', title, value: '' } }));
    expect(frameOf(store)).toContain(` ${title} `);
  });

  it("a port-forward's question on a long pod name fits a wide terminal whole (it was cut at 80 columns)", () => {
    const title = 'Port-forward pod/payments-gateway-7d9f8b6c5d-x2x9q: remote port (number or name)';
    const box = overlayBox({ type: 'input', title, value: '8080' }, 160, 20)!;
    expect(box.lines.map(lineText).join('\n')).toContain(` ${title} `);
  });

  it('the same toast again replaces the one shown (a key pressed five times stacked five), as the newest, its time restarted', () => {
    const clock = fakeClock();
    const store = connectedStore(100, 24, clock);
    store.pushToast('error', 'delete failed: forbidden');
    for (let i = 0; i < 5; i++) store.pushToast('info', 'no favorite namespace on 9');
    expect(store.getState().toasts.map((t) => t.text)).toEqual(['delete failed: forbidden', 'no favorite namespace on 9']);
    const frame = frameOf(store);
    expect(frame.split('no favorite namespace on 9').length - 1).toBe(1);
    expect(frame).toContain('delete failed: forbidden');
  });

  it('shows toasts bottom-right, at most three, and expires them (info 3 s, error 5 s)', () => {
    const clock = fakeClock();
    const store = connectedStore(100, 24, clock);
    store.pushToast('info', 'first info');
    store.pushToast('success', 'copied to clipboard');
    store.pushToast('error', 'delete failed: forbidden');
    store.pushToast('warn', 'context changed');
    let frame = frameOf(store);
    expect(frame).not.toContain('first info');
    expect(frame).toContain('✓ copied to clipboard');
    expect(frame).toContain('✗ delete failed: forbidden');
    expect(frame).toContain('⚠ context changed');
    const rows = frame.split('\n');
    const at = rows.findIndex((l) => l.includes('context changed'));
    expect(at).toBeGreaterThan(rows.findIndex((l) => l.includes('delete failed')));
    expect(at).toBe(rows.length - 3); // just above the bottom of the body
    expect(rows[at]!.trimEnd().endsWith('│')).toBe(true);
    clock.advance(3001);
    frame = frameOf(store);
    expect(frame).not.toContain('copied to clipboard');
    expect(frame).toContain('delete failed');
    clock.advance(2000);
    frame = frameOf(store);
    expect(frame).not.toContain('delete failed');
    expect(store.getState().toasts).toHaveLength(0);
    store.dispose();
  });

  it('says when the daemon is gone and that it reconnects', () => {
    const store = connectedStore();
    store.setConn({ state: 'reconnecting', reason: 'connection closed', attempts: 3 });
    const frame = frameOf(store);
    // The last layout stays on screen.
    expect(frame).toContain('Pods');
    expect(frame.split('\n').at(-1)).toContain('daemon gone (connection closed) — reconnecting… (attempt 3)');
  });

  it('scrolls the tab bar to keep the active tab in sight', () => {
    const base = splitLayout();
    const tabs = Array.from({ length: 12 }, (_, i) => ({ ...base.tabs[1]!, id: i + 1, title: `ns-${i + 1}|POD` }));
    const line = lineText(tabBarLine({ ...base, tabs, activeTabId: 12 }, 60));
    expect(stringWidth(line)).toBe(60);
    expect(line).toContain('[12] ns-12|POD');
    expect(line.startsWith('‹')).toBe(true);
    expect(line).not.toContain('[1] ');
  });

  it("shows the context's favorite namespaces (keys 0–9) right of the tabs, as many as fit", () => {
    const base = splitLayout();
    const tabs = base.tabs.map((t) => ({ ...t, namespace: 'payments' }));
    const layout = { ...base, tabs, status: { ...base.status, namespaces: ['shop', 'payments', 'kube-system'] } };
    const wide = lineText(tabBarLine(layout, 160));
    expect(stringWidth(wide)).toBe(160);
    expect(wide).toMatch(/ 0 all  1 shop  2 payments  3 kube-system  \S+ $/);
    // A narrow terminal keeps the first ones that fit; none when not even `0 all` does.
    const narrow = lineText(tabBarLine(layout, 60));
    expect(narrow).toContain(' 0 all ');
    expect(narrow).not.toContain('3 kube-system');
    expect(lineText(tabBarLine(layout, 24))).not.toContain('0 all');
  });

  it('keeps the selected item of a long selector in sight', () => {
    const items = Array.from({ length: 40 }, (_, i) => `item-${i}`);
    const box = overlayBox({ type: 'selector', title: 'Pick', query: '', items, selected: 33, total: 40 }, 60, 12)!;
    const text = box.lines.map(lineText);
    expect(text.length).toBeLessThanOrEqual(12);
    expect(text.some((l) => l.includes('› item-33'))).toBe(true);
    expect(text.at(-1)).toContain('34/40');
  });

  it("counts the selected item among all matches when the daemon sends a window of them", () => {
    // The daemon sends at most a screenful: here items 30–39 of 40, the 34th selected.
    const items = Array.from({ length: 10 }, (_, i) => `item-${30 + i}`);
    const box = overlayBox({ type: 'selector', title: 'Pick', query: '', items, selected: 3, total: 40, offset: 30 }, 60, 16)!;
    const text = box.lines.map(lineText);
    expect(text.some((l) => l.includes('› item-33'))).toBe(true);
    expect(text.at(-1)).toContain('34/40');
  });

  it('says when the terminal is too small', () => {
    expect(frameOf(connectedStore(40, 3))).toContain('terminal too small (40x3)');
    expect(frameOf(connectedStore(12, 3))).toMatch(/terminal too\s+small/);
  });

  it('strips escape sequences coming from the daemon', () => {
    const store = connectedStore();
    store.applyView(2, 2, { ...(logsView as Extract<PaneView, { type: 'lines' }>), lines: [{ text: '\x1b[31mred\x1b[0m \x1b]0;pwned\x07text' }] });
    const frame = frameOf(store);
    expect(frame).toContain('red text');
    expect(frame).not.toContain('pwned');
  });
});

describe('App and painter', () => {
  it('repaints when the store changes, with a spinner while loading; the chrome comes from ink', async () => {
    const store = new Store({ cols: 80, rows: 12 });
    let painted: string[] = [];
    const painter = new ScreenPainter(store, new FrameCompositor(), (lines) => (painted = lines));
    const { lastFrame } = render(<App store={store} />);
    painter.setChrome(lastFrame() ?? '');
    const screen = (): string => painted.join('\n');
    await waitFor(() => expect(screen()).toContain('connecting'));
    store.setLayout(splitLayout());
    store.applyView(1, 1, { type: 'message', title: 'Pods', level: 'loading', text: 'Loading...' });
    store.setConn({ state: 'connected' });
    await waitFor(() => {
      painter.setChrome(lastFrame() ?? '');
      expect(screen()).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Loading\.\.\./);
    });
    const first = screen().match(/([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]) Loading/)![1];
    await waitFor(() => expect(screen().match(/([⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]) Loading/)![1]).not.toBe(first));
    store.applyView(1, 2, podsTable);
    await waitFor(() => expect(screen()).toContain('web-1'));
    expect(screen()).toContain(' NORMAL ');
    painter.dispose();
  });

  it('a filter key, a tab switch and a renamed tab are painted without an ink render; an overlay renders ink in a frame its size', async () => {
    const store = connectedStore(100, 20);
    let painted: string[] = [];
    const painter = new ScreenPainter(store, new FrameCompositor(), (lines) => (painted = lines));
    const { frames, lastFrame } = render(<App store={store} />);
    painter.setChrome(lastFrame() ?? '');
    const inkRenders = frames.length;
    for (const input of ['w', 'we', 'web']) {
      store.setLayout(splitLayout({ mode: 'filter', input }));
      await waitFor(() => expect(painted.at(-1)).toContain(`/${input}_`));
    }
    expect(painted.at(-1)).toMatch(/^ FILTER /);
    const renamed = splitLayout();
    renamed.tabs[0] = { ...renamed.tabs[0]!, title: 'renamed-tab' };
    store.setLayout(renamed);
    await waitFor(() => expect(painted[0]).toContain('renamed-tab'));
    expect(frames.length).toBe(inkRenders);
    // An overlay: ink renders it alone, in a frame as wide as the dialog, and the painter lays it over the panes.
    store.setLayout(splitLayout({ mode: 'confirm', overlay: { type: 'confirm', title: 'Delete pod', text: 'Delete pod web-2 in default?' } }));
    await waitFor(() => expect(frames.length).toBeGreaterThan(inkRenders));
    painter.setChrome(lastFrame() ?? '');
    const region = inkRegion(store.getState())!;
    const inkLines = (lastFrame() ?? '').split('\n');
    expect(inkLines).toHaveLength(region.height);
    expect(region.width).toBeLessThan(60);
    for (const l of inkLines) expect(stringWidth(l.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, ''))).toBeLessThanOrEqual(region.width);
    await waitFor(() => expect(painted.join('\n')).toContain('Delete pod web-2 in default?'));
    expect(painted.join('\n')).toContain('web-1');
    painter.dispose();
    store.dispose();
  });

  it('an overlay closed leaves nothing, and the next one opened (another kind, another size) is drawn alone', async () => {
    const store = connectedStore(100, 20);
    let painted: string[] = [];
    const painter = new ScreenPainter(store, new FrameCompositor(), (lines) => (painted = lines));
    const { lastFrame } = render(<App store={store} />);
    /** ink's frame once it is of the store's state: as tall as its region, or empty when nothing floats. */
    const inkFrame = async (): Promise<string> => {
      const region = inkRegion(store.getState());
      await waitFor(() => (region ? expect((lastFrame() ?? '').split('\n')).toHaveLength(region.height) : expect(lastFrame()).toBe('')));
      const f = lastFrame() ?? '';
      painter.setChrome(f);
      return f;
    };
    painter.setChrome(lastFrame() ?? '');
    const screen = (): string => painted.join('\n');
    const confirm = splitLayout({ mode: 'confirm', overlay: { type: 'confirm', title: 'Delete pod', text: 'Delete pod web-2 in default?' } });
    const selector = splitLayout({
      mode: 'selector',
      overlay: { type: 'selector', title: 'Namespace', query: '', items: ['default', 'kube-system', 'monitoring', 'staging'], selected: 2, total: 4 },
    });
    for (let round = 0; round < 2; round++) {
      store.setLayout(confirm);
      await inkFrame();
      await waitFor(() => expect(screen()).toContain('Delete pod web-2 in default?'));
      expect(screen()).not.toContain('Namespace');
      // Closed: ink draws nothing and the panes are whole again.
      store.setLayout(splitLayout());
      expect(await inkFrame()).toBe('');
      await waitFor(() => expect(screen()).not.toContain('Delete pod'));
      expect(screen()).not.toContain('╭');
      expect(painted[3]).toMatch(/web-1\s+1\/1\s+Running/);
      // Another overlay, taller and of another kind: only its own lines, in a frame of its own region.
      store.setLayout(selector);
      await inkFrame();
      await waitFor(() => expect(screen()).toContain('› monitoring'));
      expect(screen()).toContain('╭─ Namespace ─');
      expect(screen()).toContain(' 3/4 ─╯');
      expect(screen()).not.toContain('Delete pod');
      expect(screen()).not.toContain('[y] Yes');
      store.setLayout(splitLayout());
      expect(await inkFrame()).toBe('');
      await waitFor(() => expect(screen()).not.toContain('Namespace'));
    }
    painter.dispose();
    store.dispose();
  });
});
