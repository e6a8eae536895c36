import { afterEach, describe, expect, it } from 'vitest';
import { arrivalSeq, StreamLine, type LogLine, type LogOrigin } from '../../src/kube/logs/log-line.js';
import { cleanLogText, sanitizeLogText } from '../../src/kube/logs/sanitize.js';
import { LogBuffer } from '../../src/panes/logs/log-buffer.js';
import { logFrame } from '../../src/panes/logs/log-frame.js';
import { LogScroll } from '../../src/panes/logs/log-scroll.js';
import { lineSpans, OriginLabels, sliceCells, wrappedRow, wrapStarts } from '../../src/panes/logs/line-render.js';
import { finishUpTo } from '../../src/panes/logs/visible-text.js';
import { wrapAscii } from '../../src/panes/logs/wrap-layout.js';

/**
 * Lines of 64 KiB full of tabs (half a million cells each once expanded) were sanitised and
 * expanded whole for every line shown in every frame: ~5 ms a line, ~180 ms a frame of them, and
 * the daemon answered nothing meanwhile (rpc/echo p95 ~292 ms at 50 such lines a second). A frame
 * now makes each line only as far as the columns it shows, and shows the same text.
 */

const A: LogOrigin = { pod: 'web', container: 'main' };
const B: LogOrigin = { pod: 'web', container: 'side' };
const opts = { prefix: true, podInPrefix: false, timestamps: true };

const stream = (i: number, raw: string, origin = A): LogLine => new StreamLine(1_700_000_000 + i, i * 1000, arrivalSeq(), raw, 0, raw.length, origin, 0);

/** Lines as a hostile or odd container writes them: tabs everywhere, escapes, redraws, wide characters, marks. */
function oddLines(): string[] {
  const k = 64 * 1024;
  return [
    '\t'.repeat(k - 3) + 'end',
    `col\t${'x\t'.repeat(k / 2 - 4)}`,
    `\x1b[31m${'日本\t'.repeat(k / 3 - 4)}`,
    `${'a\u0301\u0302\t'.repeat(k / 4 - 2)}`,
    `old redraw\r${'\t|'.repeat(k / 2 - 8)}`,
    `bell\x07\tnul\x00\tdel\x7f\tc1\x85\t${'🙂\t'.repeat(k / 3 - 8)}`,
    'short\tline',
    'plain ascii line',
  ];
}

/** A frame's rows made the way they were before: each shown line sanitised and expanded whole. */
function wholeRows(buf: LogBuffer, scroll: LogScroll, rows: number, cols: number, labels: OriginLabels): string[] {
  return scroll.window(buf, rows, () => 1).map((r) => sliceCells(lineSpans(r.line, labels, opts), scroll.hscroll, cols).text);
}

/** The same, wrapped: each shown line made whole and wrapped. */
function wholeWrappedRows(buf: LogBuffer, scroll: LogScroll, rows: number, cols: number, labels: OriginLabels): string[] {
  const whole = (l: LogLine) => lineSpans(l, labels, opts);
  return scroll.window(buf, rows, (l) => wrapStarts(whole(l), cols).length).map((r) => wrappedRow(whole(r.line), wrapStarts(whole(r.line), cols), r.sub).text);
}

const textGetter = Object.getOwnPropertyDescriptor(StreamLine.prototype, 'text')!;
afterEach(() => {
  Object.defineProperty(StreamLine.prototype, 'text', textGetter);
});

/** Counts how many times a line's whole text is made (sanitised and expanded). */
function countWholeTexts(): { n: number } {
  const count = { n: 0 };
  Object.defineProperty(StreamLine.prototype, 'text', {
    configurable: true,
    get(this: StreamLine) {
      count.n++;
      return textGetter.get!.call(this) as string;
    },
  });
  return count;
}

describe('logs: very long lines full of tabs', () => {
  it('a frame of them shows the same text as expanding each line whole, without expanding any line whole', () => {
    const buf = new LogBuffer(10_000, 64 * 1024 * 1024);
    const odd = oddLines();
    for (let i = 0; i < 120; i++) buf.insert([stream(i, odd[i % odd.length]!, i % 3 ? A : B)]);
    const labels = new OriginLabels();
    for (const h of [0, 8, 16, 4000, 200_000]) {
      const scroll = new LogScroll();
      for (let k = 0; k < h / 8; k++) scroll.right();
      expect(scroll.hscroll).toBe(h);
      const want = wholeRows(buf, scroll, 39, 160, labels);
      const made = countWholeTexts();
      const frame = logFrame(buf, scroll, 39, 160, labels, opts);
      // Unfixed: every line shown was made whole (39 a frame, each up to half a million cells).
      expect(made.n, `hscroll ${h}`).toBe(0);
      Object.defineProperty(StreamLine.prototype, 'text', textGetter);
      expect(frame.lines.map((l) => l.text), `hscroll ${h}`).toEqual(want);
      expect(frame.lines.filter((l) => l.text.trim() !== '').length).toBeGreaterThan(0);
    }
    // Scrolling sideways still goes as far as the widest line shown (measured whole, when asked).
    const scroll = new LogScroll();
    const frame = logFrame(buf, scroll, 39, 160, labels, opts);
    expect(frame.maxH()).toBeGreaterThan(400_000);
  });

  it('wrapped, a frame of them shows the same rows as wrapping each line whole; lines of ASCII and tabs are not made whole', () => {
    const labels = new OriginLabels();
    const odd = oddLines();
    const mixed = new LogBuffer(10_000, 64 * 1024 * 1024);
    for (let i = 0; i < 40; i++) mixed.insert([stream(i, odd[i % odd.length]!, i % 3 ? A : B)]);
    const tabs = new LogBuffer(10_000, 64 * 1024 * 1024);
    for (let i = 0; i < 40; i++) tabs.insert([stream(i, [odd[0]!, odd[1]!, odd[4]!, odd[6]!][i % 4]!, i % 3 ? A : B)]);
    for (const buf of [mixed, tabs]) {
      const scroll = new LogScroll();
      scroll.toggleWrap();
      for (const up of [0, 5, 3000, 40_000]) {
        if (up) scroll.scroll(buf, -up);
        const want = wholeWrappedRows(buf, scroll, 39, 160, labels);
        const made = countWholeTexts();
        const frame = logFrame(buf, scroll, 39, 160, labels, opts);
        // Unfixed: each line shown (and each the view walked past to fill it) was made whole.
        if (buf === tabs) expect(made.n, `${up} rows up`).toBe(0);
        Object.defineProperty(StreamLine.prototype, 'text', textGetter);
        expect(frame.lines.map((l) => l.text), `${up} rows up`).toEqual(want);
      }
    }
  });

  it('a line of ASCII, tabs and controls wraps row by row as it wraps whole (prefix, timestamp, a cut note)', () => {
    let seed = 5;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const parts = ['\t', 'a', 'bc ', '\x00', '\x85', '\x7f', '\x1b[1m', '\r', 'xyz\t\t'];
    const labels = new OriginLabels();
    for (let round = 0; round < 300; round++) {
      let raw = '\t';
      for (let i = 0, n = rnd(80); i < n; i++) raw += parts[rnd(parts.length)]!;
      const l = new StreamLine(1_700_000_000, 5, arrivalSeq(), raw, 0, raw.length, round % 2 ? A : B, rnd(3) === 0 ? 1234 : 0);
      const o = { prefix: rnd(2) === 0, podInPrefix: rnd(2) === 0, timestamps: rnd(2) === 0 };
      const cols = 1 + rnd(40);
      const whole = lineSpans(l, labels, o);
      const starts = wrapStarts(whole, cols);
      const w = wrapAscii(l, labels, o, cols);
      if (!w) continue;
      expect(w.rows, JSON.stringify({ raw, cols })).toBe(starts.length);
      for (let r = 0; r < starts.length; r++) expect(w.row(r), JSON.stringify({ raw, cols, r })).toEqual(wrappedRow(whole, starts, r));
      // Rows asked for out of order are right too.
      if (starts.length > 2) expect(w.row(1)).toEqual(wrappedRow(whole, starts, 1));
    }
  });

  it('the start of a line, made as far as N cells, is the start of the whole text and covers N cells', () => {
    let seed = 11;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const parts = ['\t', 'a', 'bc ', '日', '🙂', '\u0301', '\x00', '\x85', '\x1b[1m', '\r', 'é', '\u200b'];
    for (let round = 0; round < 500; round++) {
      let raw = '';
      for (let i = 0, n = rnd(60); i < n; i++) raw += parts[rnd(parts.length)]!;
      const whole = sanitizeLogText(raw);
      const spansWhole = [{ text: whole }];
      for (const cells of [0, 1, 7, 8, 9, 20, 100]) {
        const start = finishUpTo(cleanLogText(raw), cells);
        expect(whole.startsWith(start), JSON.stringify({ raw, cells })).toBe(true);
        for (const [from, width] of [[0, cells], [Math.floor(cells / 2), cells - Math.floor(cells / 2)], [cells > 3 ? 3 : 0, cells > 3 ? cells - 3 : cells]] as const) {
          expect(sliceCells([{ text: start }], from, width), JSON.stringify({ raw, cells, from, width })).toEqual(sliceCells(spansWhole, from, width));
        }
      }
    }
  });
});
