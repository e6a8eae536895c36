import type { PaneView, Rect } from '@kubetile/rpc-schema';
import { clip, sanitize, stringWidth } from '../util/text.js';
import { lineToAnsi } from './ansi.js';
import { seg, type Seg, type SegLine } from './segments.js';
import { borderColor, colorLevel, type TextStyle } from './theme.js';
import { viewLines } from './view-lines.js';

const LIGHT = { tl: '┌', tr: '┐', bl: '└', br: '┘', h: '─', v: '│' };
const HEAVY = { tl: '┏', tr: '┓', bl: '┗', br: '┛', h: '━', v: '┃' };

/** A border line `┌─ title ───┐` (or the bottom one with a right-hand badge) of exactly `width` cells. */
function borderLine(width: number, left: string, right: string, h: string, label: string, atRight: boolean, style: TextStyle, labelStyle: TextStyle): SegLine {
  if (width <= 0) return [];
  if (width === 1) return [seg(left, style)];
  const inner = width - 2;
  const text = label ? ` ${clip(sanitize(label), Math.max(0, inner - 3))} ` : '';
  if (!text || stringWidth(text) > inner - 1) return [seg(left + h.repeat(inner) + right, style)];
  const rest = inner - 1 - stringWidth(text);
  return atRight
    ? [seg(left + h.repeat(rest), style), seg(text, labelStyle), seg(h + right, style)]
    : [seg(left + h, style), seg(text, labelStyle), seg(h.repeat(rest) + right, style)];
}

/** A pane's pieces in `rect`: its top and bottom borders, its side border and its `rows` content lines of `cols` cells. */
function paneParts(rect: Rect, title: string, view: PaneView | undefined, focused: boolean, frame: number): { top: SegLine; side: Seg; content: SegLine[]; bottom: SegLine; cols: number; rows: number } {
  const { width, height } = rect;
  const b = focused ? HEAVY : LIGHT;
  const style: TextStyle = { color: borderColor(focused), bold: focused };
  const titleStyle: TextStyle = { color: borderColor(focused), bold: true };
  const cols = Math.max(0, width - 2);
  const rows = Math.max(0, height - 2);
  return {
    top: borderLine(width, b.tl, b.tr, b.h, title, false, style, titleStyle),
    side: seg(b.v, style),
    content: cols > 0 && height > 1 ? viewLines(view, cols, rows, frame, focused) : [],
    bottom: borderLine(width, b.bl, b.br, b.h, view?.badge ?? '', true, style, { color: borderColor(focused) }),
    cols,
    rows,
  };
}

/** Every line of a pane drawn in `rect`: border with title and badge around the view's content. */
export function paneLines(rect: Rect, title: string, view: PaneView | undefined, focused: boolean, frame = 0): SegLine[] {
  const { width, height } = rect;
  if (width <= 0 || height <= 0) return [];
  const p = paneParts(rect, title, view, focused, frame);
  const out: SegLine[] = [p.top];
  if (height === 1) return out;
  for (let i = 0; i < p.rows; i++) {
    const inner = p.content[i] ?? [seg(' '.repeat(p.cols))];
    out.push(width >= 2 ? [p.side, ...inner, p.side] : [p.side]);
  }
  out.push(p.bottom);
  return out;
}

/**
 * Content lines drawn before (a table's rows are kept and drawn again: see table-lines): the line's
 * text, and the screen row made of it between a pane's side borders (`side`).
 */
const ansiOf = new WeakMap<SegLine, { level: number; text: string; side: string; row: string }>();

/**
 * `side + the line's text + side`, the same string as long as the line is kept: an unchanged row of
 * a redrawn pane is then the very string painted last frame, and the painter's comparison of the
 * two is a pointer comparison — not a flattening of two new concatenations of the row's text
 * (every row of a 160×50 list, on every key that moves the selection).
 */
function framedContent(line: SegLine, side: string): string {
  const known = ansiOf.get(line);
  if (known && known.level === colorLevel) {
    if (known.side !== side) {
      known.side = side;
      known.row = `${side}${known.text}${side}`;
    }
    return known.row;
  }
  const text = lineToAnsi(line);
  const row = `${side}${text}${side}`;
  ansiOf.set(line, { level: colorLevel, text, side, row });
  return row;
}

/**
 * `paneLines` as screen text (each line `lineToAnsi` of paneLines' line), made from the same pieces:
 * the side border's text once, and each content line's text once for as long as that line is kept
 * (a row drawn again costs a lookup, not a walk through its segments).
 */
export function paneAnsiRows(rect: Rect, title: string, view: PaneView | undefined, focused: boolean, frame = 0): string[] {
  const { width, height } = rect;
  if (width < 2 || height < 2) return paneLines(rect, title, view, focused, frame).map((l) => lineToAnsi(l));
  const p = paneParts(rect, title, view, focused, frame);
  const side = lineToAnsi([p.side]);
  const out: string[] = [lineToAnsi(p.top)];
  for (let i = 0; i < p.rows; i++) {
    const inner = p.content[i];
    out.push(inner ? framedContent(inner, side) : `${side}${lineToAnsi([seg(' '.repeat(p.cols))])}${side}`);
  }
  out.push(lineToAnsi(p.bottom));
  return out;
}
