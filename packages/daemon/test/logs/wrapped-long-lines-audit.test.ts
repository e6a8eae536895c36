import { beforeEach, describe, expect, it, vi } from 'vitest';
import { arrivalSeq, StreamLine, type LogLine, type LogOrigin } from '../../src/kube/logs/log-line.js';
import { LogBuffer } from '../../src/panes/logs/log-buffer.js';
import { logFrame } from '../../src/panes/logs/log-frame.js';
import { LogScroll } from '../../src/panes/logs/log-scroll.js';
import { OriginLabels, type RenderOptions } from '../../src/panes/logs/line-render.js';
import { LineLayouts } from '../../src/panes/logs/line-layouts.js';

/**
 * A wrapped 64 KiB line of CJK text, emoji and accents was measured cell by cell and wrapped whole
 * for every frame it showed in (and again for each time the scroll counted its rows): ~2–5 ms a
 * line, several times a frame, while a follow stream redrew the pane many times a second on the
 * daemon's only thread. A pane now lays a long line out once per width and keeps it; a frame makes
 * only the rows it shows. What is measured here is work, not time: how many characters' widths
 * are looked up (rpc-schema's charWidth, which every width measurement of the logs pane goes
 * through for anything but printable ASCII) and how much text is cleaned (sanitize's
 * cleanLogText, the first pass over a line).
 */

const work = vi.hoisted(() => ({ widths: 0, cleaned: 0 }));

vi.mock('@kubetile/rpc-schema', async (importOriginal) => {
  const m = await importOriginal<typeof import('@kubetile/rpc-schema')>();
  return {
    ...m,
    charWidth: (cp: number) => {
      work.widths++;
      return m.charWidth(cp);
    },
  };
});

vi.mock('../../src/kube/logs/sanitize.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/kube/logs/sanitize.js')>();
  return {
    ...m,
    cleanLogText: (s: string) => {
      work.cleaned += s.length;
      return m.cleanLogText(s);
    },
  };
});

beforeEach(() => {
  work.widths = 0;
  work.cleaned = 0;
});

const A: LogOrigin = { pod: 'web', container: 'main' };
const SEC = 1_700_000_000;
/** formatTimeMs(SEC, 0): what the pane shows before each line with timestamps on. */
const STAMP = '2023-11-14T22:13:20.000Z ';

/** Pieces of a line and the cells each takes, as the test counts them (not with the code under test). */
const PIECES: ReadonlyArray<readonly [string, number]> = [
  ['a', 1],
  ['bc', 2],
  [' ', 1],
  ['日', 2],
  ['本', 2],
  ['한', 2],
  ['🙂', 2],
  ['🚀', 2],
  ['e\u0301', 1],
  ['ü', 1],
];

/** A line of 64 KiB (UTF-8) of PIECES, and its pieces in order. */
function mixedLine(seed: number): { raw: string; pieces: Array<readonly [string, number]> } {
  let s = seed;
  const pieces: Array<readonly [string, number]> = [];
  let bytes = 0;
  let raw = '';
  for (;;) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const p = PIECES[s % PIECES.length]!;
    const b = Buffer.byteLength(p[0]);
    if (bytes + b > 64 * 1024) break;
    bytes += b;
    raw += p[0];
    pieces.push(p);
  }
  return { raw, pieces };
}

const stream = (raw: string, nano = 0): LogLine => new StreamLine(SEC, nano, arrivalSeq(), raw, 0, raw.length, A, 0);

/**
 * Rows of `cols` cells as the pane must show them: greedy, a wide character that does not fit
 * starts the next row, an accent stays with its letter. Each piece here is one cell's text.
 */
function referenceRows(head: string, pieces: ReadonlyArray<readonly [string, number]>, cols: number): string[] {
  const cells: Array<readonly [string, number]> = [...[...head].map((c) => [c, 1] as const)];
  for (const [text, w] of pieces) {
    // 'bc' is two cells of one cell each.
    if (text === 'bc') cells.push(['b', 1], ['c', 1]);
    else cells.push([text, w]);
  }
  const rows: string[] = [];
  let row = '';
  let used = 0;
  for (const [text, w] of cells) {
    if (used + w > cols && used > 0) {
      rows.push(row);
      row = '';
      used = 0;
    }
    row += text;
    used += w;
  }
  rows.push(row);
  return rows;
}

const cellsOf = (row: string): number => {
  let n = 0;
  for (const ch of row) n += ch === '\u0301' ? 0 : /[日本한🙂🚀]/u.test(ch) ? 2 : 1;
  return n;
};

describe('logs: wrapped 64 KiB lines of CJK text and emoji', () => {
  it('scrolling row by row through one shows each of its rows exactly, no wide character split, and its rows count for the scroll', () => {
    const opts: RenderOptions = { prefix: true, podInPrefix: false, timestamps: true };
    const { raw, pieces } = mixedLine(7);
    expect(Buffer.byteLength(raw)).toBeGreaterThan(64 * 1024 - 8);
    const buf = new LogBuffer(1000, 64 * 1024 * 1024);
    buf.insert([stream('first short line', 1), stream(raw, 2), stream('last short line', 3)]);
    const labels = new OriginLabels();
    const layouts = new LineLayouts();
    const ROWS = 10;
    for (const [cols, withStamps] of [[41, true], [40, true], [41, false]] as const) {
      const o = { ...opts, timestamps: withStamps };
      const head = `[main] ${withStamps ? STAMP : ''}`;
      const long = referenceRows(head, pieces, cols);
      const before = referenceRows(head, [...'first short line'].map((c) => [c, 1] as const), cols);
      const all = [...before, ...long, ...referenceRows(head, [...'last short line'].map((c) => [c, 1] as const), cols)];
      // The line is long (~1000 rows), and its rows end short where a wide character went on to the next.
      expect(long.length).toBeGreaterThan(700);
      const splits = long.filter((r, i) => i + 1 < long.length && cellsOf(r) === cols - 1 && cellsOf([...long[i + 1]!][0]!) === 2);
      expect(splits.length).toBeGreaterThan(10);
      for (const r of long) expect(cellsOf(r)).toBeLessThanOrEqual(cols);
      expect(long.join('')).toBe(head + raw);

      const scroll = new LogScroll();
      scroll.toggleWrap();
      scroll.toTop(buf);
      const seen: string[] = [];
      for (let top = 0; ; top++) {
        work.widths = 0;
        work.cleaned = 0;
        const f = logFrame(buf, scroll, ROWS, cols, labels, o, layouts);
        const want = all.slice(top, top + ROWS);
        expect(f.lines.map((l) => l.text), `cols ${cols}, top row ${top}`).toEqual(want);
        // The line is laid out when it first shows (at this width, with these options); each frame
        // after costs the rows it shows (unfixed: the whole line again, ~2,600 frames of it).
        if (top > 0) {
          expect(work.widths, `cols ${cols}, top row ${top}`).toBeLessThanOrEqual(ROWS * cols * 2);
          expect(work.cleaned, `cols ${cols}, top row ${top}`).toBeLessThan(1000);
        }
        seen.push(f.lines[0]!.text);
        if (top + ROWS >= all.length) break;
        scroll.scroll(buf, 1);
      }
      // Every row was at the top once, and the scroll stops at the last page.
      expect(seen).toEqual(all.slice(0, all.length - ROWS + 1));
      scroll.scroll(buf, 1);
      expect(logFrame(buf, scroll, ROWS, cols, labels, o, layouts).lines.map((l) => l.text)).toEqual(all.slice(-ROWS));
      // The first row keeps its styles: the prefix's colour, the timestamp dim.
      scroll.toTop(buf);
      scroll.scroll(buf, before.length);
      const first = logFrame(buf, scroll, ROWS, cols, labels, o, layouts).lines[0]!;
      expect(first.spans).toEqual([{ text: '[main] ', style: 'accent' }, ...(withStamps ? [{ text: STAMP, style: 'dim' }] : []), { text: long[0]!.slice(head.length) }]);
      // Following: the last rows, the long line's end just above the last line.
      const follow = new LogScroll();
      follow.toggleWrap();
      expect(logFrame(buf, follow, ROWS, cols, labels, o, layouts).lines.map((l) => l.text)).toEqual(all.slice(-ROWS));
    }
  });

  it('frames after the first measure and clean only what they show, wrapped or scrolled sideways', () => {
    const opts: RenderOptions = { prefix: true, podInPrefix: false, timestamps: true };
    const buf = new LogBuffer(1000, 64 * 1024 * 1024);
    const lines = [0, 1, 2].map((k) => mixedLine(k + 1).raw);
    buf.insert([stream('a short line', 1), ...lines.map((raw, k) => stream(raw, 10 + k)), stream('another short line', 20)]);
    const labels = new OriginLabels();
    const layouts = new LineLayouts();
    const ROWS = 12;
    const COLS = 60;
    // A frame shows ROWS rows of at most COLS cells; a cell is a character and at most one accent here.
    const shownCells = ROWS * COLS * 2;
    const scroll = new LogScroll();
    scroll.toggleWrap();
    const frame = (cols = COLS) => {
      work.widths = 0;
      work.cleaned = 0;
      return logFrame(buf, scroll, ROWS, cols, labels, opts, layouts);
    };

    // The first frame lays the line it shows out: it is measured whole (the counters see its
    // ~17,000 characters other than ASCII, whose widths are looked up).
    frame();
    expect(work.widths).toBeGreaterThan(10_000);
    expect(work.cleaned).toBeGreaterThan(20_000);

    // Redrawn (a follow stream's lines, a status change): only the rows shown.
    for (let i = 0; i < 5; i++) {
      frame();
      expect(work.widths, `redraw ${i}`).toBeLessThanOrEqual(shownCells);
      expect(work.cleaned, `redraw ${i}`).toBeLessThan(1000);
    }
    // Short lines arriving while following.
    for (let i = 0; i < 5; i++) {
      buf.insert([stream(`new line ${i}`, 30 + i)]);
      frame();
      expect(work.widths, `new line ${i}`).toBeLessThanOrEqual(shownCells);
      expect(work.cleaned, `new line ${i}`).toBeLessThan(1000);
    }
    // Scrolling up row by row through the long lines to the top: a long line is laid out when it
    // first comes into view (two of them), any other frame costs the rows it shows.
    let fresh = 0;
    for (let i = 0; i < 2000; i++) {
      scroll.scroll(buf, -1);
      const f = frame();
      expect(f.lines.length).toBe(ROWS);
      if (work.widths > shownCells) {
        fresh++;
        continue;
      }
      expect(work.cleaned, `row up ${i}`).toBeLessThan(1000);
    }
    expect(fresh).toBeLessThanOrEqual(2);
    expect(scroll.topIndex(buf)).toBe(0);

    // Two clients of different widths showing the pane in turn: each width laid out once.
    frame(COLS + 1);
    for (let i = 0; i < 6; i++) {
      frame(i % 2 ? COLS : COLS + 1);
      expect(work.widths, `width ${i % 2 ? COLS : COLS + 1}`).toBeLessThanOrEqual(shownCells + ROWS * 2);
      expect(work.cleaned).toBeLessThan(1000);
    }

    // Not wrapped, scrolled sideways: the long lines are not cleaned again for each frame.
    scroll.toggleWrap();
    scroll.toTop(buf);
    for (let k = 0; k < 10; k++) scroll.right();
    frame();
    for (let i = 0; i < 5; i++) {
      scroll.right();
      const f = frame();
      expect(f.lines.map((l) => l.text).filter((t) => t !== '').length).toBe(3);
      expect(work.cleaned, `sideways ${i}`).toBeLessThan(1000);
      expect(work.widths, `sideways ${i}`).toBeLessThanOrEqual(ROWS * (COLS + scroll.hscroll) * 2);
    }
  });

  it('a pane keeps the long lines shown last, a bounded number of them, and lays a dropped one out again the same', () => {
    const opts: RenderOptions = { prefix: false, podInPrefix: false, timestamps: false };
    const buf = new LogBuffer(1000, 64 * 1024 * 1024);
    // 200 lines of 4,999 cells and 3,001 UTF-16 units (100 rows each at 50 columns): ~6,100 units
    // kept of each (its cleaned text, its spans' text, its row starts), 16 in a budget of 100,000.
    for (let k = 0; k < 200; k++) buf.insert([stream(`${String(k).padStart(3, '0')} ${'日本 '.repeat(999)}`, k)]);
    const labels = new OriginLabels();
    const small = new LineLayouts(100_000);
    const scroll = new LogScroll();
    scroll.toggleWrap();
    const frame = () => logFrame(buf, scroll, 30, 50, labels, opts, small).lines.map((l) => l.text);
    scroll.toTop(buf);
    const top = frame();
    expect(top[0]).toMatch(/^000 日本 日本/);
    for (let i = 0; i < 200; i++) {
      scroll.page(buf, 1);
      const shown = frame();
      expect(small.size, `page ${i}`).toBeLessThanOrEqual(17);
      // What was just shown is kept: drawn again, it costs its rows only (30 rows of 30 code points).
      work.widths = 0;
      expect(frame(), `page ${i}`).toEqual(shown);
      expect(work.widths, `page ${i}`).toBeLessThanOrEqual(30 * 50);
    }
    // The first lines were dropped long ago: laid out again, the same rows.
    work.widths = 0;
    scroll.toTop(buf);
    expect(frame()).toEqual(top);
    const laidOut = work.widths;
    work.widths = 0;
    expect(frame()).toEqual(top);
    // Line 0 was measured whole again (its 1,998 CJK characters looked up); drawn once more, it is not.
    expect(laidOut - work.widths).toBeGreaterThanOrEqual(1998);
  });
});
