import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Notifications, PaneViewSchema, validate, type TerminalView } from '@kubetile/rpc-schema';
import { lineToAnsi, sgr } from '../src/tui/ansi.js';
import { paneLines } from '../src/tui/pane-lines.js';
import { screenFrame } from './frame.js';
import { lineText } from '../src/tui/segments.js';
import { Store } from '../src/tui/store.js';
import { terminalLines, terminalRow } from '../src/tui/terminal-lines.js';
import { colorLevel, setColorLevel, type ColorLevel } from '../src/tui/theme.js';
import { splitLayout } from './fixtures.js';

/** The client draws an exec pane's terminal view: styled runs, the cursor, cut to the pane, validated on arrival. */

const initial: ColorLevel = colorLevel;
afterEach(() => {
  setColorLevel(initial);
  cleanup();
});

const term = (over: Partial<TerminalView> = {}): TerminalView => ({
  type: 'terminal',
  title: 'exec default/web-1 (main)',
  badge: '80x24',
  rows: [
    [{ text: 'root@web-1:/# ls' }],
    [{ text: 'bin', fg: 4, bold: true }, { text: '  ' }, { text: 'etc', fg: '#ff8800' }, { text: '  ' }, { text: 'tmp', fg: 200, bg: 22, underline: true, italic: true }],
    [{ text: 'root@web-1:/#' }],
  ],
  cursor: { row: 2, col: 14 },
  scrollback: 0,
  scrolled: 0,
  ...over,
});

describe('terminal rows', () => {
  it('are exactly the pane width: runs cut without an ellipsis, blanks after them', () => {
    const row = terminalRow([{ text: 'abcdef' }, { text: 'ghij', fg: 1 }], 8, null);
    expect(lineText(row)).toBe('abcdefgh');
    expect(row.some((s) => s.text.includes('…'))).toBe(false);
    expect(lineText(terminalRow([{ text: 'ab' }], 5, null))).toBe('ab   ');
    expect(lineText(terminalRow([{ text: '日本語' }], 5, null))).toBe('日本 '); // a wide char never half-drawn
  });

  it('draw the cursor as an inverted cell, inside a run or after the text', () => {
    const inside = terminalRow([{ text: 'hello', fg: 2 }], 10, 1);
    expect(inside.map((s) => s.text)).toEqual(['h', 'e', 'llo', '     ']);
    expect(inside[1]!.style).toEqual({ color: 2, inverse: true });
    const after = terminalRow([{ text: 'ab' }], 10, 5);
    expect(after.map((s) => s.text)).toEqual(['ab', '   ', ' ', '    ']);
    expect(after[2]!.style).toEqual({ inverse: true });
    // An inverse cell under the cursor turns back to normal, as terminals draw it.
    expect(terminalRow([{ text: 'x', inverse: true }], 3, 0)[0]!.style).toEqual({ inverse: false });
  });

  it('never pass a control character through', () => {
    const row = terminalRow([{ text: 'a\x1b]52;c;aGk=\x07b\x1b[2Jc' }], 10, null);
    expect(lineToAnsi(row, 0)).toBe('abc       ');
  });

  it('the footer (the shell ended) is the last line, the rows above it', () => {
    const lines = terminalLines(term({ footer: '[exited with code 3] a key closes the pane' }), 40, 4);
    expect(lines.map(lineText)).toEqual([
      'root@web-1:/# ls'.padEnd(40),
      'bin  etc  tmp'.padEnd(40),
      'root@web-1:/#'.padEnd(40),
      '[exited with code 3] a key closes the p…',
    ]);
  });
});

describe('terminal colours', () => {
  it('palette indices: 0–15 as the terminal\'s own colours, 16–255 as 256 colours or the nearest of 16; italic and underline', () => {
    expect(sgr({ color: 1 }, 1)).toBe('\x1b[31m');
    expect(sgr({ color: 9 }, 2)).toBe('\x1b[91m');
    expect(sgr({ backgroundColor: 4 }, 3)).toBe('\x1b[44m');
    expect(sgr({ color: 200 }, 2)).toBe('\x1b[38;5;200m');
    expect(sgr({ color: 196 }, 1)).toBe('\x1b[91m');
    expect(sgr({ backgroundColor: 22 }, 3)).toBe('\x1b[48;5;22m');
    expect(sgr({ color: '#ff8800' }, 3)).toBe('\x1b[38;2;255;136;0m');
    expect(sgr({ italic: true, underline: true }, 1)).toBe('\x1b[3;4m');
    expect(sgr({ color: 1 }, 0)).toBe('');
  });

  it('a terminal pane through ink: the cells in their colours, the cursor only in the focused pane', () => {
    setColorLevel(3);
    const focused = paneLines({ x: 0, y: 1, width: 42, height: 6 }, 'exec', term(), true).map((l) => lineToAnsi(l));
    expect(focused[2]).toContain('\x1b[1;34mbin');
    expect(focused[2]).toContain('\x1b[38;2;255;136;0metc');
    expect(focused[2]).toContain('\x1b[3;4;38;5;200;48;5;22mtmp');
    expect(focused[3]).toContain('\x1b[7m \x1b[0m');
    const unfocused = paneLines({ x: 0, y: 1, width: 42, height: 6 }, 'exec', term(), false).map((l) => lineToAnsi(l));
    expect(unfocused[3]).not.toContain('\x1b[7m');

    setColorLevel(0);
    const store = new Store({ cols: 100, rows: 20 });
    store.setLayout(splitLayout());
    store.applyView(2, 1, term());
    store.setConn({ state: 'connected' });
    const frame = screenFrame(store.getState());
    expect(frame).toContain('root@web-1:/# ls');
    expect(frame).toMatch(/bin {2}etc {2}tmp/);
  });
});

describe('terminal views are validated like every view', () => {
  it('accepts a well-formed one and refuses bad colours, oversized screens, a cursor off the screen', () => {
    expect(PaneViewSchema.safeParse(term()).success).toBe(true);
    expect(validate(Notifications.paneView.params, { paneId: 2, seq: 1, view: term() }).ok).toBe(true);
    const bad: unknown[] = [
      term({ rows: [[{ text: 'x', fg: 256 }]] }),
      term({ rows: [[{ text: 'x', bg: 'red' as unknown as number }]] }),
      term({ rows: [[{ text: 'x', fg: '#12345' }]] }),
      term({ rows: Array.from({ length: 1001 }, () => []) }),
      term({ rows: [Array.from({ length: 1001 }, () => ({ text: 'x' }))] }),
      term({ rows: [[{ text: 'x'.repeat(9000) }]] }),
      term({ cursor: { row: -1, col: 0 } }),
      term({ scrolled: -3 }),
      { ...term(), rows: undefined },
    ];
    for (const v of bad) {
      const r = validate(Notifications.paneView.params, { paneId: 2, seq: 1, view: v });
      expect(r.ok, JSON.stringify(v).slice(0, 120)).toBe(false);
    }
  });
});
