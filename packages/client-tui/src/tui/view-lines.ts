import type { Line, LinesView, MessageView, PaneView } from '@kubetile/rpc-schema';
import { centre, fit, sanitize, wrap } from '../util/text.js';
import { fitLine, overlayStyle, seg, type SegLine } from './segments.js';
import { palette, styleFor, withLook } from './theme.js';
import { tableLines } from './table-lines.js';
import { terminalLines } from './terminal-lines.js';

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

const blank = (cols: number): SegLine => [seg(' '.repeat(cols))];

/** One view line as segments: plain with a style, or spans (with a plugin's colours, if any). */
export function lineSegs(l: Line): SegLine {
  return l.spans && l.spans.length > 0
    ? l.spans.map((s) => seg(sanitize(s.text), withLook(styleFor(s.style ?? l.style), s)))
    : [seg(sanitize(l.text), styleFor(l.style))];
}

/** A lines view: each line plain with a style or as spans; the `cursor` line highlighted; footer last. */
export function linesLines(view: LinesView, cols: number, rows: number): SegLine[] {
  if (rows <= 0 || cols <= 0) return [];
  const footer = view.footer !== undefined && rows > 1 ? sanitize(view.footer) : undefined;
  const body = rows - (footer !== undefined ? 1 : 0);
  const out: SegLine[] = [];
  for (let i = 0; i < body; i++) {
    const l = view.lines[i];
    if (!l) {
      out.push(blank(cols));
      continue;
    }
    const fitted = fitLine(lineSegs(l), cols);
    const isCursor = view.cursor !== undefined && view.cursor !== null && view.offset + i === view.cursor;
    out.push(isCursor ? overlayStyle(fitted, { backgroundColor: palette.selectionBg, bold: true }) : fitted);
  }
  if (footer !== undefined) out.push([seg(fit(footer, cols), styleFor('dim'))]);
  return out;
}

/** A message view: the text wrapped and centred; errors in red, loading with a spinner. */
export function messageLines(view: MessageView, cols: number, rows: number, frame = 0): SegLine[] {
  if (rows <= 0 || cols <= 0) return [];
  const footer = view.footer !== undefined && rows > 1 ? sanitize(view.footer) : undefined;
  const body = rows - (footer !== undefined ? 1 : 0);
  const prefix = view.level === 'loading' ? `${SPINNER[frame % SPINNER.length]} ` : '';
  const style = view.level === 'error' ? styleFor('error') : view.level === 'loading' ? styleFor('accent') : styleFor('normal');
  const text = wrap(prefix + view.text, Math.max(1, cols - 2), body);
  const top = Math.max(0, Math.floor((body - text.length) / 2));
  const out: SegLine[] = [];
  for (let i = 0; i < body; i++) {
    const t = text[i - top];
    out.push(t === undefined ? blank(cols) : [seg(centre(t, cols), style)]);
  }
  if (footer !== undefined) out.push([seg(fit(footer, cols), styleFor('dim'))]);
  return out;
}

/** Any pane view as exactly `rows` lines of `cols` cells (a terminal's cursor only in the focused pane). */
export function viewLines(view: PaneView | undefined, cols: number, rows: number, frame = 0, focused = true): SegLine[] {
  if (!view) {
    const out: SegLine[] = [];
    for (let i = 0; i < rows; i++) out.push(blank(cols));
    return out;
  }
  switch (view.type) {
    case 'table':
      return tableLines(view, cols, rows, lineSegs);
    case 'lines':
      return linesLines(view, cols, rows);
    case 'message':
      return messageLines(view, cols, rows, frame);
    case 'terminal':
      return terminalLines(view, cols, rows, focused);
  }
}
