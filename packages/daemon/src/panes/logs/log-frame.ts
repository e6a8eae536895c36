import type { Line, Span } from '@kubetile/rpc-schema';
import { finishLogText } from '../../kube/logs/sanitize.js';
import { StreamLine, type LogLine } from '../../kube/logs/log-line.js';
import type { LogScroll, MatchList, RowRef } from './log-scroll.js';
import { lineSpans, sliceCells, spansWidth, type OriginLabels, type RenderOptions } from './line-render.js';
import { LineLayouts } from './line-layouts.js';
import { visibleText } from './visible-text.js';
import type { WrappedLine } from './wrap-layout.js';

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
 * Wrapped, a line is laid out once per width and kept (`layouts`, the pane's: see LineLayouts), so
 * a frame costs the rows it shows, and a line costs its length once, when it is first shown; a line
 * whose tabs and controls would make it many times its length is counted and made row by row
 * (wrapAscii). Without `layouts`, what this frame lays out is kept for this frame only.
 */
export function logFrame(
  buffer: MatchList,
  scroll: LogScroll,
  rows: number,
  cols: number,
  labels: OriginLabels,
  opts: RenderOptions,
  layouts: LineLayouts = new LineLayouts(),
): LogFrame {
  const wrap = scroll.wrap;
  const clean = (l: StreamLine) => layouts.clean(l);
  // A short line (not kept by `layouts`) is laid out once for all its rows in this frame.
  const frameOf = new Map<LogLine, WrappedLine>();
  const wrapped = (l: LogLine): WrappedLine => {
    let w = frameOf.get(l);
    if (!w) {
      w = layouts.wrapped(l, labels, opts, cols);
      frameOf.set(l, w);
    }
    return w;
  };
  const rowsOf = wrap ? (l: LogLine) => wrapped(l).rows : () => 1;
  const refs = scroll.window(buffer, rows, rowsOf);
  const h = scroll.hscroll;
  const lines: Line[] = refs.map((r) => {
    if (!wrap) return sliceCells(lineSpans(r.line, labels, opts, visibleText(r.line, h + cols, clean)), h, cols);
    return wrapped(r.line).row(r.sub);
  });
  const whole = (l: LogLine): Span[] => lineSpans(l, labels, opts, l instanceof StreamLine ? finishLogText(clean(l).text) : undefined);
  return { refs, lines, maxH: () => Math.max(0, ...refs.map((r) => spansWidth(whole(r.line)) - cols)) };
}
