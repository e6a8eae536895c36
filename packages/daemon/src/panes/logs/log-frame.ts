import type { Line, Span } from '@kubetile/rpc-schema';
import type { LogLine } from '../../kube/logs/log-line.js';
import type { LogScroll, MatchList, RowRef } from './log-scroll.js';
import { lineSpans, sliceCells, spansWidth, wrappedRow, wrapStarts, type OriginLabels, type RenderOptions } from './line-render.js';
import { visibleText } from './visible-text.js';
import { wrapAscii, type WrappedLine } from './wrap-layout.js';

/** What a logs pane shows in a viewport: its rows, and how far a sideways scroll may go from them. */
export interface LogFrame {
  refs: RowRef[];
  lines: Line[];
  /** Measured only when a scroll to the right asks (it needs each shown line whole). */
  maxH(): number;
}

/**
 * The rows of a logs pane's view. Unwrapped, a line is made only as far as the cells shown
 * (visibleText): a frame costs the rows and columns shown, not the length of the lines behind them.
 * Wrapped, a line whose tabs and controls would make it many times its length is counted and made
 * row by row (wrapAscii); any other line shown is made whole: a frame costs the lines it shows.
 */
export function logFrame(buffer: MatchList, scroll: LogScroll, rows: number, cols: number, labels: OriginLabels, opts: RenderOptions): LogFrame {
  const wrap = scroll.wrap;
  const whole = new Map<LogLine, Span[]>();
  const spans = (l: LogLine): Span[] => {
    let s = whole.get(l);
    if (!s) {
      s = lineSpans(l, labels, opts);
      whole.set(l, s);
    }
    return s;
  };
  const startsOf = new Map<LogLine, number[]>();
  const starts = (l: LogLine): number[] => {
    let s = startsOf.get(l);
    if (!s) {
      s = wrapStarts(spans(l), cols);
      startsOf.set(l, s);
    }
    return s;
  };
  const wrappedOf = new Map<LogLine, WrappedLine | null>();
  const wrapped = (l: LogLine): WrappedLine | null => {
    let w = wrappedOf.get(l);
    if (w === undefined) {
      w = wrapAscii(l, labels, opts, cols);
      wrappedOf.set(l, w);
    }
    return w;
  };
  const rowsOf = wrap ? (l: LogLine) => wrapped(l)?.rows ?? starts(l).length : () => 1;
  const refs = scroll.window(buffer, rows, rowsOf);
  const h = scroll.hscroll;
  const lines: Line[] = refs.map((r) => {
    if (!wrap) return sliceCells(lineSpans(r.line, labels, opts, visibleText(r.line, h + cols)), h, cols);
    return wrapped(r.line)?.row(r.sub) ?? wrappedRow(spans(r.line), starts(r.line), r.sub);
  });
  return { refs, lines, maxH: () => Math.max(0, ...refs.map((r) => spansWidth(spans(r.line)) - cols)) };
}
