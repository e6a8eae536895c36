import type { Line, Span } from '@kubetile/rpc-schema';
import { StreamLine, type LogLine } from '../../kube/logs/log-line.js';
import { cleanLogText, hasControl, TAB_STOP } from '../../kube/logs/sanitize.js';
import { lineSpans, type OriginLabels, type RenderOptions } from './line-render.js';

/** Text whose sanitised form is printable ASCII: ASCII and C1 controls (tabs and controls become spaces). */
const ASCII_AFTER_FINISH = /^[\x00-\x9f]*$/;

/** A wrapped line: how many rows it takes, and any one of them. */
export interface WrappedLine {
  rows: number;
  row(i: number): Line;
}

/** Cells (= UTF-16 units) of finishLogText(u) for text that is ASCII once finished, without making it. */
function finishedLength(u: string): number {
  let col = 0;
  for (let i = 0; i < u.length; i++) col += u.charCodeAt(i) === 9 ? TAB_STOP - (col % TAB_STOP) : 1;
  return col;
}

/** A place in cleaned text: index `i`, at column `col` of the finished text. */
interface Cursor {
  i: number;
  col: number;
}

/**
 * Units `[a, b)` of finishLogText(u) for text that is ASCII once finished, walked to from `at` (a
 * place at or before `a`), not made from the start; `at` is moved to where this slice began, so
 * the next row down walks on from there.
 */
function finishedSlice(u: string, a: number, b: number, at: Cursor): string {
  let out = '';
  let col = at.col;
  let i = at.i;
  let first = true;
  for (; i < u.length && col < b; i++) {
    const c = u.charCodeAt(i);
    const w = c === 9 ? TAB_STOP - (col % TAB_STOP) : 1;
    const from = Math.max(col, a);
    const to = Math.min(col + w, b);
    if (to > from) {
      if (first) {
        at.i = i;
        at.col = col;
        first = false;
      }
      out += c < 0x20 || c >= 0x7f ? ' '.repeat(to - from) : u[i]!;
    }
    col += w;
  }
  return out;
}

/**
 * A line wrapped at `cols` cells, as wrapStarts and wrappedRow wrap lineSpans(l), made row by row:
 * for a line whose text is ASCII once its tabs and controls are spaces (a 64 KiB line of tabs is
 * half a million cells) — its rows are counted without expanding it, and a row shown is made
 * alone. Null for any other line (it is made whole: at most its own length, not eight times it;
 * LineLayouts keeps either for the frames after).
 */
export function wrapAscii(l: LogLine, labels: OriginLabels, opts: RenderOptions, cols: number, clean?: string): WrappedLine | null {
  if (!(l instanceof StreamLine)) return null;
  // `clean`: the line's cleanLogText, when the caller keeps it.
  const u = clean ?? cleanLogText(l.raw);
  // Without tabs or controls the line is made as it is (no bigger than its text).
  if (!hasControl(u) || !ASCII_AFTER_FINISH.test(u)) return null;
  const spans = lineSpans(l, labels, opts, '');
  const ti = spans.findIndex((s) => s.text === '' && s.style === undefined);
  if (ti < 0 || !spans.every((s, i) => i === ti || /^[\x20-\x7e]*$/.test(s.text))) return null;
  const textLen = finishedLength(u);
  const lengths = spans.map((s, i) => (i === ti ? textLen : s.text.length));
  const total = lengths.reduce((a, b) => a + b, 0);
  const width = Math.max(1, cols);
  // Rows are asked for top down: each walks on from where the one before began.
  const at: Cursor = { i: 0, col: 0 };
  return {
    rows: Math.max(1, Math.ceil(total / width)),
    row(r: number): Line {
      const from = r * width;
      const to = from + width;
      const out: Span[] = [];
      let pos = 0;
      spans.forEach((s, i) => {
        const start = pos;
        pos += lengths[i]!;
        const a = Math.max(start, from);
        const b = Math.min(pos, to);
        if (b <= a) return;
        if (i === ti && at.col > a - start) {
          at.i = 0;
          at.col = 0;
        }
        const text = i === ti ? finishedSlice(u, a - start, b - start, at) : s.text.slice(a - start, b - start);
        out.push(s.style ? { text, style: s.style } : { text });
      });
      return { text: out.map((s) => s.text).join(''), spans: out };
    },
  };
}
