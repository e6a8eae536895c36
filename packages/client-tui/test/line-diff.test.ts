import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Terminal as TerminalType } from '@xterm/headless';
import { diffLine, diffSameShape, toCells } from '../src/terminal/line-diff.js';
import { TerminalScreen } from '../src/terminal/screen.js';

const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as { Terminal: typeof TerminalType };
const COLS = 60;
const ROWS = 8;

/** A TerminalScreen drawing into an emulated terminal; `settle` waits until the emulator has parsed it all. */
function emulated() {
  const term = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  let written = '';
  const stdout = { columns: COLS, rows: ROWS, write: (s: string) => void ((written += s), term.write(s)) };
  const stdin = { isTTY: true, setRawMode: () => undefined, resume: () => undefined, pause: () => undefined };
  const screen = new TerminalScreen(stdin, stdout);
  screen.enter();
  return {
    screen,
    bytes: () => written.length,
    resetBytes: () => void (written = ''),
    settle: () => new Promise<void>((r) => term.write('', r)),
    /** Every cell: its text, colours and bold/inverse (what a user sees). */
    cells: (): string[] => {
      const b = term.buffer.active;
      const out: string[] = [];
      for (let y = 0; y < ROWS; y++) {
        const line = b.getLine(y)!;
        for (let x = 0; x < COLS; x++) {
          const c = line.getCell(x)!;
          out.push(`${y},${x}:${c.getChars() || ' '}|${c.getFgColorMode()}:${c.getFgColor()}|${c.getBgColorMode()}:${c.getBgColor()}|${c.isBold()}${c.isInverse()}${c.isDim()}`);
        }
      }
      return out;
    },
  };
}

const RED = '\x1b[31m';
const SEL = '\x1b[1m\x1b[48;5;24m';
const RESET = '\x1b[0m';
const row = (name: string, status: string, selected = false): string =>
  `${selected ? SEL : ''}  ${name.padEnd(20)}${selected ? '' : RED}${status.padEnd(10)}${RESET}${selected ? SEL : ''}  10.0.0.1  3d${RESET}`;

const frameA = ['━ Pods (small) ━━━━━━━━━━━━━━━━━━━━━', row('pod-000001', 'Running', true), row('pod-000002', 'Running'), row('pod-000003', 'Pending'), 'plain line that gets shorter later on', '', `${'a'.repeat(10)}${SEL}bbb${RESET}ccc${'d'.repeat(14)}`, 'status'];
const frameB = ['━ Pods (small) ━━━━━━━━━━━━━━━━━━━━━', row('pod-000001', 'Running'), row('pod-000002', 'Running', true), row('pod-000013', 'Failed'), 'plain line', 'a new line with 日本 wide text', `${'a'.repeat(10)}${SEL}XXX${RESET}YYY${'d'.repeat(14)}`, 'status …'];

describe('painting only the cells that changed', () => {
  it('leaves the screen exactly as a whole repaint would, in fewer bytes', async () => {
    const diffed = emulated();
    diffed.screen.paintLines(frameA);
    await diffed.settle();
    diffed.resetBytes();
    diffed.screen.paintLines(frameB);
    await diffed.settle();
    const whole = emulated();
    whole.screen.paintLines(frameB);
    await whole.settle();
    expect(diffed.cells()).toEqual(whole.cells());
    expect(diffed.bytes()).toBeLessThan(whole.bytes());
  });

  it('stays exact over a run of frames (each diff starts from the cells the screen painted last)', async () => {
    const frameC = ['━ Pods (small) ━━━━━━━━━━━━━━━━━━━━━', row('pod-000021', 'Pending'), row('pod-000022', 'Running'), row('pod-000023', 'Running', true), 'plain line that gets longer again now', '', `${'a'.repeat(10)}${SEL}bbb${RESET}ccc${'d'.repeat(14)}`];
    const diffed = emulated();
    for (const f of [frameA, frameB, frameC, frameA, frameC, frameB, frameC]) {
      diffed.screen.paintLines(f);
      await diffed.settle();
    }
    const whole = emulated();
    whole.screen.paintLines(frameC);
    await whole.settle();
    expect(diffed.cells()).toEqual(whole.cells());
  });

  it('a selection moving down one row rewrites a few cells, not the rows', () => {
    const d = diffLine(3, row('pod-000002', 'Running'), row('pod-000003', 'Running'));
    expect(d).not.toBeNull();
    expect(d!).toContain('\x1b[3;');
    expect(d!.length).toBeLessThan(row('pod-000003', 'Running').length);
  });

  it('lines of the same shape are diffed without cells, with the same bytes as the cell diff', async () => {
    // Rows whose names, statuses and ages change in place (same length, same escapes where they are).
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pick = (s: string): string => [...s].map((c) => (rnd(4) === 0 ? 'abcxyz0123━│'[rnd(12)]! : c)).join('');
    const base = [row('pod-000001', 'Running', true), row('pod-000002', 'Running'), `${'a'.repeat(10)}${SEL}bbb${RESET}ccc${'d'.repeat(14)}`, '━ Pods (small) ━━━━━━━━━━━━━━━━━━━━━'];
    let compared = 0;
    for (let n = 0; n < 400; n++) {
      const b = base[n % base.length]!;
      // The same escapes at the same places: only the text between them changes.
      const parts = b.split(/(\x1b\[[0-9;]*m)/);
      const next = parts.map((p) => (p.startsWith('\x1b') ? p : pick(p))).join('');
      expect(diffSameShape(2, b, next)).toBe(diffLine(2, b, next));
      compared++;
    }
    expect(compared).toBe(400);
    // Not the same shape: left to the cell diff.
    expect(diffSameShape(2, row('pod-000001', 'Running', true), row('pod-000001', 'Running'))).toBeUndefined();
    expect(diffSameShape(2, 'abc', 'a日c'.padEnd(3))).toBeUndefined();
    expect(diffSameShape(2, `${RED}ab${RESET}`, `\x1b[32mab${RESET}`)).toBeUndefined();
    // And a screen painted so stays as a whole repaint would leave it.
    const diffed = emulated();
    const frames = [0, 1, 2, 3].map((k) => base.map((l) => l.split(/(\x1b\[[0-9;]*m)/).map((p) => (p.startsWith('\x1b') || k === 0 ? p : pick(p))).join('')));
    for (const f of frames) {
      diffed.screen.paintLines(f);
      await diffed.settle();
    }
    const whole = emulated();
    whole.screen.paintLines(frames[3]!);
    await whole.settle();
    expect(diffed.cells()).toEqual(whole.cells());
  });

  it('falls back to a whole line for wide characters and escapes other than SGR', () => {
    expect(toCells('日本')).toBeNull();
    expect(toCells('\x1b]8;;http://x\x07link\x1b]8;;\x07')).toBeNull();
    expect(diffLine(1, 'abc', 'a日c')).toBeNull();
    expect(toCells(`${RED}ab${RESET}c`)).toEqual({ chars: ['a', 'b', 'c'], styles: [RED, RED, ''] });
  });

  it('compares cell by cell only characters a terminal draws in exactly one cell (not the combining marks for symbols)', async () => {
    // A log line of x + U+20DD (COMBINING ENCLOSING CIRCLE): counted as cells, the next pane was drawn 20 columns off.
    expect(toCells('x\u20dd'.repeat(20))).toBeNull();
    expect(diffSameShape(1, 'x\u20dd|a', 'x\u20dd|b')).toBeUndefined();
    // Every character of U+00A0–U+02FF and U+2010–U+27FF the diff takes as one cell moves xterm's cursor by one.
    const term = new Terminal({ cols: 10, rows: 2, allowProposedApi: true });
    const wrong: string[] = [];
    for (const [from, to] of [[0xa0, 0x2ff], [0x2010, 0x27ff]] as const) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        if (!toCells(ch)) continue;
        await new Promise<void>((r) => term.write(`\x1b[H\x1b[2K${ch}`, r));
        if (term.buffer.active.cursorX !== 1) wrong.push(`U+${cp.toString(16)}: ${term.buffer.active.cursorX}`);
      }
    }
    term.dispose();
    expect(wrong).toEqual([]);
  });
});
