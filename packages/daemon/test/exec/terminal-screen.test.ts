import { describe, expect, it } from 'vitest';
import { PaneViewSchema, TerminalViewSchema, type TermRun } from '@kubetile/rpc-schema';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PAUSE_ABOVE_BYTES, TerminalScreen } from '../../src/panes/exec/terminal-screen.js';
import { MAX_MARK_UNITS } from '../../src/panes/exec/mark-limit.js';

/** The daemon's emulated terminal: styled rows for any viewport, bounded scrollback, hostile output absorbed. */

interface Recorder {
  replies: string[];
  pauses: boolean[];
  changes: number;
}

function screen(cols = 20, rows = 5, scrollback = 100): { s: TerminalScreen; rec: Recorder; write(text: string): Promise<void> } {
  const rec: Recorder = { replies: [], pauses: [], changes: 0 };
  const s = new TerminalScreen(cols, rows, scrollback, {
    changed: () => rec.changes++,
    reply: (d) => rec.replies.push(d),
    backpressure: (p) => rec.pauses.push(p),
  });
  const write = async (text: string): Promise<void> => {
    s.write(Buffer.from(text, 'utf8'));
    // Parsing is asynchronous: wait until nothing is pending.
    while (s.pendingBytes > 0) await new Promise((r) => setTimeout(r, 5));
  };
  return { s, rec, write };
}

const text = (row: TermRun[]): string => row.map((r) => r.text).join('');

describe('TerminalScreen', () => {
  it('renders styled runs (16, 256 and true colours, bold, italic, underline, inverse) and cuts trailing blanks', async () => {
    const { s, write } = screen();
    await write('hi \x1b[31mred\x1b[0m \x1b[38;5;200;48;2;1;2;3mX\x1b[0m\x1b[1;3;4;7mZ\x1b[0m\r\n');
    const r = s.render(5, 20);
    expect(r.rows[0]).toEqual([
      { text: 'hi ' },
      { text: 'red', fg: 1 },
      { text: ' ' },
      { text: 'X', fg: 200, bg: '#010203' },
      { text: 'Z', bold: true, italic: true, underline: true, inverse: true },
    ]);
    expect(r.rows[1]).toEqual([]);
    expect(r.cursor).toEqual({ row: 1, col: 0 });
    const view = { type: 'terminal', title: 't', rows: r.rows, cursor: r.cursor, scrollback: r.scrollback, scrolled: r.scrolled };
    expect(TerminalViewSchema.safeParse(view).success).toBe(true);
    expect(PaneViewSchema.safeParse(view).success).toBe(true);
    s.dispose();
  });

  it('keeps coloured blanks (a background is visible) and shows wide characters once', async () => {
    const { s, write } = screen();
    await write('\x1b[44m  \x1b[0m 日本');
    const row = s.render(5, 20).rows[0]!;
    expect(row).toEqual([{ text: '  ', bg: 4 }, { text: ' 日本' }]);
    s.dispose();
  });

  it('a smaller viewport shows the rows with the cursor, never more than the terminal', async () => {
    const { s, write } = screen(20, 5);
    await write('one\r\ntwo\r\nthree\r\nfour\r\nfive');
    const small = s.render(2, 3);
    expect(small.rows.map(text)).toEqual(['fou', 'fiv']);
    expect(small.cursor).toBeNull(); // column 4 is outside a 3-column viewport
    const big = s.render(50, 200);
    expect(big.rows).toHaveLength(5);
    expect(big.rows.map(text)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(big.cursor).toEqual({ row: 4, col: 4 });
    s.dispose();
  });

  it('hides the cursor when the program does (DECTCEM)', async () => {
    const { s, write } = screen();
    await write('\x1b[?25l');
    expect(s.render(5, 20).cursor).toBeNull();
    await write('\x1b[?25h');
    expect(s.render(5, 20).cursor).not.toBeNull();
    s.dispose();
  });

  it('scrollback is bounded; a scrolled view stays on its lines while output continues', async () => {
    const { s, write } = screen(20, 5, 10);
    for (let i = 0; i < 30; i++) await write(`line ${i}\r\n`);
    expect(s.scrollback).toBe(10);
    s.scrollToTop();
    let r = s.render(5, 20);
    expect(r.rows.map(text)).toEqual(['line 16', 'line 17', 'line 18', 'line 19', 'line 20']);
    expect(r.scrolled).toBe(10);
    expect(r.cursor).toBeNull();
    s.scrollBy(-2);
    expect(s.render(5, 20).rows.map(text)[0]).toBe('line 18');
    await write('line 30\r\nline 31\r\n');
    r = s.render(5, 20);
    expect(r.rows.map(text)[0]).toBe('line 18'); // same lines, further from the bottom
    expect(r.scrolled).toBe(10);
    s.scrollToBottom();
    r = s.render(5, 20);
    expect(r.rows.map(text)).toEqual(['line 28', 'line 29', 'line 30', 'line 31', '']);
    expect(r.scrolled).toBe(0);
    s.dispose();
  });

  it('a view scrolled to lines that are trimmed away shows the oldest kept line', async () => {
    const { s, write } = screen(20, 5, 10);
    for (let i = 0; i < 20; i++) await write(`l${i}\r\n`);
    s.scrollToTop();
    for (let i = 20; i < 40; i++) await write(`l${i}\r\n`);
    const r = s.render(5, 20);
    expect(r.scrolled).toBe(10);
    expect(text(r.rows[0]!)).toBe('l26');
    s.dispose();
  });

  it('absorbs clipboard writes and title changes; answers queries to the program, not to anyone\'s terminal', async () => {
    const { s, rec, write } = screen();
    await write('\x1b]52;c;aGVsbG8=\x07\x1b]0;pwned\x07\x1b]2;pwned\x1b\\ok\x1b[6n\x1b[c');
    expect(s.render(5, 20).rows[0]).toEqual([{ text: 'ok' }]);
    expect(rec.replies).toEqual(['\x1b[1;3R', '\x1b[?1;2c']);
    s.dispose();
  });

  it('follows application cursor keys mode', async () => {
    const { s, write } = screen();
    expect(s.applicationCursorKeys).toBe(false);
    await write('\x1b[?1h');
    expect(s.applicationCursorKeys).toBe(true);
    await write('\x1b[?1l');
    expect(s.applicationCursorKeys).toBe(false);
    s.dispose();
  });

  it('the alternate screen has no scrollback to scroll; leaving it goes back to the live screen', async () => {
    const { s, write } = screen(20, 5, 10);
    for (let i = 0; i < 10; i++) await write(`x${i}\r\n`);
    await write('\x1b[?1049h');
    s.scrollToTop();
    expect(s.render(5, 20).scrolled).toBe(0);
    expect(s.scrollback).toBe(0);
    await write('\x1b[?1049l');
    expect(s.scrollback).toBeGreaterThan(0);
    s.dispose();
  });

  it('takes output of any size a piece at a time (xterm itself throws past 50 MB pending)', () => {
    const { s, rec } = screen(80, 24, 100);
    const big = Buffer.alloc(40 * 2 ** 20, 0x41);
    expect(() => {
      s.write(big);
      s.write(big);
    }).not.toThrow();
    expect(s.pendingBytes).toBe(2 * big.length);
    expect(rec.pauses).toEqual([true]);
    s.dispose();
  });

  it('asks to pause its source while more than PAUSE_ABOVE_BYTES wait to be parsed, then to resume', async () => {
    const { s, rec } = screen(80, 24, 100);
    const chunk = Buffer.from('y\r\n'.repeat(100_000));
    for (let i = 0; i * chunk.length <= PAUSE_ABOVE_BYTES; i++) s.write(chunk);
    expect(rec.pauses).toEqual([true]);
    while (s.pendingBytes > 0) await new Promise((r) => setTimeout(r, 10));
    expect(rec.pauses).toEqual([true, false]);
    s.dispose();
  });

  it('a flood of combining marks keeps a few per character: the screen shows them, the heap does not grow with the flood', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const { s, write } = screen(80, 24, 1000);
    const before = heap();
    // 'a' and 5,000 U+0301, 400 times (4 MB): xterm alone kept every mark (~30x the bytes in its heap).
    const unit = Buffer.from(`a${'\u0301'.repeat(5000)}`, 'utf8');
    for (let i = 0; i < 400; i++) s.write(unit);
    await write('\r\ndone\r\n');
    const grown = heap() - before;
    const rows = s.render(24, 80).rows.map(text);
    const first = rows.find((r) => r.startsWith('a'))!;
    // Each cell: the a and MAX_MARK_UNITS marks (what the screen shows of it).
    expect(first.slice(0, 1 + MAX_MARK_UNITS)).toBe(`a${'\u0301'.repeat(MAX_MARK_UNITS)}`);
    expect(first.slice(1 + MAX_MARK_UNITS, 2 + MAX_MARK_UNITS)).toBe('a');
    expect(rows).toContain('done');
    // Measured: ~0.1 MB (without the filter: ~130 MB). Generous for the GC's noise.
    expect(grown).toBeLessThan(16 * 2 ** 20);
    s.dispose();
  });

  it('REP repeats the last character within a line; a count past the line is ignored (2^31 held the daemon for minutes)', async () => {
    const { s, write } = screen(20, 5);
    await write('x\x1b[4b|\r\n');
    await write('a\x1b[100000b\x1b[21bok');
    expect(s.render(5, 20).rows.map(text).slice(0, 2)).toEqual(['xxxxx|', 'aok']);
    s.dispose();
  });
});
