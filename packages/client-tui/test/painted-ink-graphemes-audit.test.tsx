import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Chrome } from '../src/tui/App.js';
import { FrameCompositor, inkRegion } from '../src/tui/frame-compositor.js';
import { Store } from '../src/tui/store.js';
import { colorLevel, setColorLevel, type ColorLevel } from '../src/tui/theme.js';
import { terminalRow } from '../src/tui/terminal-lines.js';
import { lineText } from '../src/tui/segments.js';
import { sanitize, stringWidth } from '../src/util/text.js';
import { errorView, logsView, podsTable, splitLayout } from './fixtures.js';


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

const inkChrome = (store: Store): string => render(<Chrome state={store.getState()} />).lastFrame() ?? '';
const plainRow = (r: string): string => r.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '').trimEnd();

/**
 * A toast (an API error quoting a webhook's message, a plugin's words) with emoji and other
 * clusters: the rows ink renders for it are the rows the client draws from the toast's lines.
 * ink measures `❤️` (one-cell character + VS16) two cells, the client one: ink thought every line of
 * the toast a cell too wide and cut its end with `…` (a message filling its line lost its last
 * character). The client drops presentation selectors (util/text.ts sanitize), so both count alike.
 */
describe('a toast with emoji: ink paints the cells the client laid out', () => {
  for (const text of ['vs16 ❤️ heart and ⚠️ warn', 'vs15 ⌚︎ watch', 'zwj 👨‍👩‍👧‍👦 family', 'flag 🇯🇵 jp', 'skin 👍🏽 ok', 'marks z\u0301\u0301\u0301 ok', 'zwj alone a\u200db', 'hangul 한글', 'halfwidth ｶﾀｶﾅ', 'thai ก่า']) {
    it(text, () => {
      setColorLevel(3);
      const store = connectedStore(90, 18);
      store.pushToast('error', `denied: ${text} end`);
      const state = store.getState();
      const compositor = new FrameCompositor();
      const early = compositor.compose(state);
      compositor.setChrome(inkChrome(store), inkRegion(state));
      const ink = compositor.compose(state);
      expect(ink.map(plainRow)).toEqual(early.map(plainRow));
      expect(early.map(plainRow).join('\n')).toContain(' end ');
    });
  }
});

/**
 * The forms the client draws emoji in: without presentation selectors and without what joins several
 * into one, so that every terminal draws them as wide as the client counts them (wcwidth ones and
 * those that draw a sequence as one emoji alike). Joiners between letters (Indic scripts) stay.
 */
describe('sanitize: emoji in a form every terminal draws as counted', () => {
  it.each([
    ['❤️', '❤', 1],
    ['⚠️ warn', '⚠ warn', 6],
    ['⌚︎', '⌚', 2],
    ['👍🏽', '👍', 2],
    ['👨‍👩‍👧‍👦', '👨👩👧👦', 8],
    ['👨🏽‍💻', '👨💻', 4],
    ['🏳️‍🌈', '🏳🌈', 3],
    ['🇯🇵', '🇯🇵', 2],
    ['🏽 alone', '🏽 alone', 8],
    ['a\u200d\u200db', 'a\u200d\u200db', 2],
    ['क्\u200dष', 'क्\u200dष', 2],
  ])('%s', (text, drawn, cells) => {
    expect(sanitize(text)).toBe(drawn);
    expect(stringWidth(sanitize(text))).toBe(cells);
  });
});

describe("an exec pane's screen keeps its columns", () => {
  it('a skin tone keeps its two cells (the daemon\'s emulator placed them, as the shell counts); the cursor stays on its character', () => {
    // 👍 at 0-1, 🏽 at 2-3, x at 4: the cursor (col 4) is drawn on the x.
    const row = terminalRow([{ text: '👍🏽x' }], 8, 4);
    expect(lineText(row)).toBe('👍🏽x   ');
    expect(row.find((s) => s.style?.inverse)?.text).toBe('x');
    // A joiner between emoji takes no cell: dropped, the emoji stay where they were.
    expect(lineText(terminalRow([{ text: '👨\u200d👩.' }], 6, null))).toBe('👨👩. ');
  });
});
