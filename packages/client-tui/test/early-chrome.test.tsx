import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import type { Terminal as TerminalType } from '@xterm/headless';
import { Chrome } from '../src/tui/App.js';
import { earlyChrome, FrameCompositor, inkRegion } from '../src/tui/frame-compositor.js';
import { Store } from '../src/tui/store.js';
import { colorLevel, setColorLevel, type ColorLevel } from '../src/tui/theme.js';
import { stringWidth } from '../src/util/text.js';
import { errorView, logsView, podsTable, splitLayout } from './fixtures.js';

// @xterm/headless ships CommonJS only.
const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as { Terminal: typeof TerminalType };

const initial: ColorLevel = colorLevel;
const stores: Store[] = [];
afterEach(() => {
  setColorLevel(initial);
  cleanup();
  for (const s of stores.splice(0)) s.dispose();
});

function connectedStore(cols = 100, rows = 20): Store {
  const store = new Store({ cols, rows });
  stores.push(store);
  store.setLayout(splitLayout());
  store.applyView(1, 1, podsTable);
  store.applyView(2, 1, logsView);
  store.applyView(3, 1, errorView);
  store.setConn({ state: 'connected' });
  return store;
}

/** A connected store showing a selector overlay of `items`. */
function selectorStore(cols: number, rows: number, title: string, query: string, items: string[], selected: number): Store {
  const store = connectedStore(cols, rows);
  store.setLayout(splitLayout({ mode: 'selector', overlay: { type: 'selector', title, query, items, selected, total: items.length } }));
  return store;
}

/** The chrome ink renders for a state (what the client's FrameSink receives). */
const inkChrome = (store: Store): string => render(<Chrome state={store.getState()} />).lastFrame() ?? '';

/** What a terminal shows for painted rows: per cell its character, colours and attributes. */
async function cells(rows: readonly string[], cols: number): Promise<string[]> {
  const term = new Terminal({ cols, rows: rows.length, allowProposedApi: true });
  const data = rows.map((r, i) => `\x1b[${i + 1};1H\x1b[0m${r}\x1b[0m`).join('');
  await new Promise<void>((resolve) => term.write(data, resolve));
  const out: string[] = [];
  const buf = term.buffer.active;
  const cell = buf.getNullCell();
  for (let y = 0; y < rows.length; y++) {
    const line = buf.getLine(y)!;
    const parts: string[] = [];
    for (let x = 0; x < cols; x++) {
      line.getCell(x, cell);
      const ch = cell.getChars() || ' ';
      // A blank with no background looks the same whatever its foreground.
      const blank = ch === ' ' && cell.isBgDefault() && !cell.isInverse();
      parts.push(
        blank ? ' ' : `${ch}|${cell.getFgColorMode()}:${cell.getFgColor()}|${cell.getBgColorMode()}:${cell.getBgColor()}|${cell.isBold()}${cell.isDim()}${cell.isItalic()}${cell.isUnderline()}${cell.isInverse()}`,
      );
    }
    out.push(parts.join(','));
  }
  term.dispose();
  return out;
}

const plainRow = (r: string): string => r.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '').trimEnd();

/** The same screen before ink has rendered (early chrome) and after (ink's chrome): the user sees no change. */
async function expectSameScreen(store: Store): Promise<{ early: string[]; ink: string[] }> {
  const state = store.getState();
  const compositor = new FrameCompositor();
  const early = compositor.compose(state);
  compositor.setChrome(inkChrome(store), inkRegion(state));
  const ink = compositor.compose(state);
  expect(early.map(plainRow)).toEqual(ink.map(plainRow));
  expect(await cells(early, state.size.cols)).toEqual(await cells(ink, state.size.cols));
  return { early, ink };
}

describe('the early chrome (drawn before ink has loaded)', () => {
  for (const level of [3, 1, 0] as const) {
    it(`shows the tab bar and the status line, drawn beside ink (colour level ${level})`, async () => {
      setColorLevel(level);
      const store = connectedStore();
      const state = store.getState();
      const early = earlyChrome(state);
      // With nothing floating ink draws nothing: the tab bar, the panes and the status row (which
      // changes with every filter key) are the compositor's.
      expect(inkChrome(store)).toBe('');
      expect(inkRegion(state)).toBeNull();
      expect(plainRow(early[0]!)).toContain('[1] ');
      expect(plainRow(early.at(-1)!)).toMatch(/^ NORMAL /);
      await expectSameScreen(store);
    });
  }

  it('the whole screen is unchanged when ink takes over: panes, tab bar, status line', async () => {
    setColorLevel(3);
    const { early } = await expectSameScreen(connectedStore(120, 30));
    expect(early.map(plainRow).join('\n')).toContain('web-1');
  });

  it('before the layout arrives, and while the daemon is gone', async () => {
    setColorLevel(3);
    const fresh = new Store({ cols: 90, rows: 16 });
    stores.push(fresh);
    const { early } = await expectSameScreen(fresh);
    expect(plainRow(early.at(-1)!)).toContain('OFFLINE');
    const gone = connectedStore();
    gone.setConn({ state: 'reconnecting', reason: 'connection closed', attempts: 2 });
    const after = await expectSameScreen(gone);
    expect(plainRow(after.early.at(-1)!)).toContain('daemon gone (connection closed)');
  });

  it('overlays and toasts over the panes, overlapping each other', async () => {
    setColorLevel(3);
    const store = selectorStore(70, 14, 'Namespace', 'ku', ['kube-system', 'kube-public', 'kube-node-lease', 'a-very-long-namespace-name-indeed'], 1);
    store.pushToast('success', 'copied to clipboard, a message long enough to reach the overlay');
    store.pushToast('error', 'delete failed: forbidden');
    store.pushToast('warn', 'context changed');
    const { early } = await expectSameScreen(store);
    const text = early.map(plainRow).join('\n');
    // The first toast covers the overlay's top; the overlay shows below it, the second toast over its corner.
    expect(text).toContain('✓ copied to clipboard');
    expect(text).toContain('│  kube-node-lease');
    expect(text).toContain('✗ delete failed: forbidden');
  });

  it('a confirm and an input overlay, and the filter being typed', async () => {
    setColorLevel(3);
    const confirm = connectedStore();
    confirm.setLayout(splitLayout({ mode: 'confirm', overlay: { type: 'confirm', title: 'Delete pod', text: 'Delete pod web-2 in default?' } }));
    await expectSameScreen(confirm);
    // ink draws the dialog alone, in a frame its size: not the tab bar, the panes around it nor the status row.
    const drawn = inkChrome(confirm).split('\n');
    const region = inkRegion(confirm.getState())!;
    expect(drawn).toHaveLength(region.height);
    expect(drawn.length).toBeGreaterThan(3);
    expect(drawn.length).toBeLessThan(confirm.getState().size.rows - 2);
    expect(region.width).toBeLessThan(confirm.getState().size.cols);
    expect(plainRow(drawn[0]!)).toMatch(/^[┌╭┏].*Delete pod.*[┐╮┓]$/);
    expect(plainRow(drawn.at(-1)!)).toMatch(/^[└╰┗].*[┘╯┛]$/);
    const input = connectedStore();
    input.setLayout(splitLayout({ mode: 'insert', overlay: { type: 'input', title: 'Scale replicas', value: '3' } }));
    await expectSameScreen(input);
    const filter = connectedStore();
    filter.setLayout(splitLayout({ mode: 'filter', input: 'web' }));
    const { early } = await expectSameScreen(filter);
    expect(plainRow(early.at(-1)!)).toContain('/web_');
  });

  it('wide characters in a dialog (a context named in CJK, an emoji): ink\'s cells line up with the panes around them', async () => {
    setColorLevel(3);
    const store = selectorStore(90, 18, 'Context 本番', '', ['本番クラスタ', 'dev-😀-cluster', 'plain'], 1);
    store.pushToast('info', 'switched to 本番クラスタ');
    const { early, ink } = await expectSameScreen(store);
    const text = ink.map(plainRow).join('\n');
    expect(text).toContain('本番クラスタ');
    expect(text).toContain('dev-😀-cluster');
    // Every row is exactly as wide as the screen: nothing shifted by a wide character.
    for (const rows of [early, ink]) for (const r of rows.map(plainRow)) expect(stringWidth(r)).toBeLessThanOrEqual(90);
  });

  it("ink's frame of another state is not laid over this one: the boxes are drawn from their lines", async () => {
    setColorLevel(3);
    const confirm = connectedStore();
    confirm.setLayout(splitLayout({ mode: 'confirm', overlay: { type: 'confirm', title: 'Delete pod', text: 'Delete pod web-2 in default?' } }));
    const input = connectedStore();
    input.setLayout(splitLayout({ mode: 'insert', overlay: { type: 'input', title: 'Scale replicas', value: '3' } }));
    const compositor = new FrameCompositor();
    compositor.setChrome(inkChrome(confirm), inkRegion(confirm.getState()));
    const state = input.getState();
    const stale = compositor.compose(state);
    expect(stale.map(plainRow)).toEqual(new FrameCompositor().compose(state).map(plainRow));
    expect(stale.map(plainRow).join('\n')).toContain('Scale replicas');
    expect(stale.map(plainRow).join('\n')).not.toContain('Delete pod');
  });

  it('a terminal too small for panes', async () => {
    for (const [cols, rows] of [[40, 3], [12, 3], [19, 10]] as const) {
      const { early } = await expectSameScreen(connectedStore(cols, rows));
      expect(early.map(plainRow).join(' ')).toMatch(/terminal\s+too\s+small/);
    }
  });
});
