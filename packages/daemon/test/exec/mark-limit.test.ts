import { describe, expect, it } from 'vitest';
import pkg from '@xterm/headless';
import { CELL_WIDTHS_VERSION, cellWidths } from '../../src/panes/exec/cell-widths.js';
import { MAX_MARK_UNITS, MarkLimiter, isZeroWidthish } from '../../src/panes/exec/mark-limit.js';

const { Terminal } = pkg;

/**
 * The filter in front of the exec emulator: combining marks past MAX_MARK_UNITS per cell are
 * dropped, everything else passes byte for byte, across chunk boundaries; checked against the real
 * xterm (what its cells hold), not against a model of it.
 */

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const str = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const MARK = '\u0301';

/** Everything `chunks` becomes through one limiter. */
function through(chunks: Uint8Array[], limiter = new MarkLimiter()): string {
  return chunks.map((c) => str(limiter.filter(c))).join('');
}

/** A seeded generator (mulberry32): the same streams on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Feeds `data` to a real xterm and returns the longest text any cell (screen and scrollback) holds. */
async function longestCell(data: Uint8Array[], cols = 40, rows = 10): Promise<number> {
  const t = new Terminal({ cols, rows, scrollback: 200, allowProposedApi: true, logLevel: 'off' });
  for (const d of data) await new Promise<void>((r) => t.write(d, r));
  let longest = 0;
  for (const buf of [t.buffer.normal, t.buffer.alternate]) {
    const cell = buf.getNullCell();
    for (let y = 0; y < buf.length; y++) {
      const line = buf.getLine(y);
      if (!line) continue;
      for (let x = 0; x < cols; x++) if (line.getCell(x, cell)) longest = Math.max(longest, cell.getChars().length);
    }
  }
  t.dispose();
  return longest;
}

describe('MarkLimiter', () => {
  it('keeps a character and MAX_MARK_UNITS of its combining marks, drops the rest, and starts again at the next character', () => {
    const out = through([bytes(`a${MARK.repeat(5000)}b${MARK.repeat(3)} e\u0301\u0323!`)]);
    expect(out).toBe(`a${MARK.repeat(MAX_MARK_UNITS)}b${MARK.repeat(3)} e\u0301\u0323!`);
  });

  it('counts across chunk boundaries, a chunk cut inside a UTF-8 sequence included', () => {
    const whole = bytes(`x${MARK.repeat(40)}日${MARK.repeat(40)}\r\nok`);
    const bytewise = Array.from(whole, (b) => Uint8Array.of(b));
    const expected = `x${MARK.repeat(MAX_MARK_UNITS)}日${MARK.repeat(MAX_MARK_UNITS)}\r\nok`;
    expect(through([whole])).toBe(expected);
    expect(through(bytewise)).toBe(expected);
  });

  it('passes escape sequences and text without marks byte for byte (the same array back)', () => {
    const samples = [
      '\x1b[1;31mred\x1b[0m \x1b]0;title\x07 \x1b]8;;https://example.com/\x1b\\link\x1b]8;;\x1b\\',
      `\x1b]0;${MARK.repeat(30)}\x07`, // marks inside an OSC string are the string's, not a cell's
      `\x1bP1$r${MARK.repeat(30)}\x1b\\`,
      '\x1b_Gf=100;AAAA\x1b\\',
      'plain ascii\r\n'.repeat(100),
      'üñíçødé 日本語 👩‍👩‍👧 e\u0301',
    ];
    for (const s of samples) {
      const input = bytes(s);
      const l = new MarkLimiter();
      expect(l.filter(input)).toBe(input);
      expect(l.dropped).toBe(0);
    }
  });

  it('leaves out invalid UTF-8 (as xterm does) and holds a cut sequence until its end arrives', () => {
    const l = new MarkLimiter();
    expect(str(l.filter(Uint8Array.of(0x61, 0xff, 0x80, 0xc3)))).toBe('a');
    expect(str(l.filter(Uint8Array.of(0xa9, 0x62)))).toBe('éb');
    expect(str(l.filter(Uint8Array.of(0xe0, 0x41)))).toBe('A'); // a lead byte not continued
  });

  it('a marks-only flood with escape sequences, controls and C1 codes between them never puts more than MAX_MARK_UNITS in one of xterm\'s cells', async () => {
    // Tokens that move xterm's parser between its states, and runs of marks (BMP and astral) between them.
    const tokens = [
      'a', '日', 'é', ' ', '\r', '\n', '\b', '\x7f', '\x1b', '\x1b[', '\x1b]', '\x1bP', '\x1bX', '\x1b^', '\x1b_', '\x1b\\', '\x1b(', '\x1b#',
      '[', ']', '<', '?', ';', '1', ' ', '!', 'm', 'b', 'x', 'H', '\x07', '\x18', '\x1a', '\x01', '\x1c',
      '\x1b[1<x', '\x1b[ 1m', '\x1b[1;2H', '\x1bP1$r', '\x1bP<q', '\x1b]0;', '\x1b#8', '\x1b(0',
      '\u0080', '\u0085', '\u0090', '\u0098', '\u009b', '\u009c', '\u009d', '\u009e', '\u009f', '\u00ad', '\ufeff',
    ];
    const marks = [MARK.repeat(7), MARK.repeat(20), '\u{1d167}'.repeat(9), '\u20dd'.repeat(13), '\u1160'.repeat(5), '\u06de'.repeat(4)];
    const pick = <T,>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
    const next = rng(20260501);
    for (let round = 0; round < 60; round++) {
      let s = 'a';
      for (let k = 0; k < 400; k++) s += next() < 0.5 ? pick(marks) : pick(tokens);
      const all = bytes(s);
      // Fed in random pieces, as a network delivers it.
      const limiter = new MarkLimiter();
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < all.length; ) {
        const len = 1 + Math.floor(next() * 64);
        pieces.push(limiter.filter(all.subarray(at, at + len)));
        at += len;
      }
      // A cell holds its character (at most 2 UTF-16 units) and at most MAX_MARK_UNITS of marks.
      expect(await longestCell(pieces)).toBeLessThanOrEqual(2 + MAX_MARK_UNITS);
    }
    // Without the filter the same kind of stream does pile marks into a cell.
    expect(await longestCell([bytes(`a${MARK.repeat(7)}\x7f${MARK.repeat(7)}\x1b[<1x${MARK.repeat(7)}`)])).toBeGreaterThan(2 + MAX_MARK_UNITS);
  });

  it.each([
    ['xterm', false],
    ["the emulator's (cell-widths.ts)", true],
  ])('everything xterm joins to a cell counts as a mark, with %s widths (checked for every code point it can print)', async (_name, ours) => {
    const missing: string[] = [];
    const ranges: Array<[number, number]> = [[0xa0, 0xd7ff], [0xe000, 0x3ffff], [0xe0000, 0xe0fff]];
    for (const [lo, hi] of ranges) {
      for (let start = lo; start <= hi; start += 8192) {
        const end = Math.min(hi, start + 8191);
        const t = new Terminal({ cols: 4, rows: 1, scrollback: 9000, allowProposedApi: true, logLevel: 'off' });
        if (ours) {
          t.unicode.register(cellWidths);
          t.unicode.activeVersion = CELL_WIDTHS_VERSION;
        }
        const cps: number[] = [];
        let s = '';
        for (let cp = start; cp <= end; cp++) {
          cps.push(cp);
          s += `\r\na${String.fromCodePoint(cp)}`;
        }
        await new Promise<void>((r) => t.write(s, r));
        const b = t.buffer.normal;
        const cell = b.getNullCell();
        cps.forEach((cp, i) => {
          // Joined: the cp is in the 'a' cell.
          if (b.getLine(i + 1)?.getCell(0, cell) && cell.getChars().length > 1 && !isZeroWidthish(cp)) missing.push(cp.toString(16));
        });
        t.dispose();
      }
    }
    expect(missing).toEqual([]);
  });
});
