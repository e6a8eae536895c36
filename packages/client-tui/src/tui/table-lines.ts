import type { Column, Line, Row, TableView } from '@kubetile/rpc-schema';
import { RecentCache } from '../util/recent-cache.js';
import { centre, fit, sanitize, stringWidth } from '../util/text.js';
import { fitLine, overlayStyle, seg, type SegLine } from './segments.js';
import { colorLevel, palette, styleFor, withLook, type TextStyle } from './theme.js';

const GAP = 2;
const MAX_AUTO_WIDTH = 60;

/**
 * A column's header. Titles are the cluster's text too (a CRD's printer column names, the server's
 * Table columns), sanitised like the cells: a C1 control left in one (U+009B is CSI, U+009D OSC to
 * a terminal) cleared the screen or wrote the clipboard each time the header was drawn.
 */
const headerText = (c: Column, view: TableView): string => {
  const title = sanitize(c.title);
  return view.sort && view.sort.column === c.id ? `${title} ${view.sort.order === 'asc' ? '▲' : '▼'}` : title;
};

/**
 * Column widths for `width` cells: a column's own `width` when given, else the widest of its header
 * and visible cells, up to MAX_AUTO_WIDTH — and past it when the pane has the room (an event's
 * MESSAGE gets the width left over, as kubectl prints it whole). When they do not fit, the widest
 * columns shrink first (never below 3 cells or their header), the NAME column last (the one that
 * tells the rows apart: five `front…` pods cannot be told apart), then the gap narrows to one cell.
 */
export function columnWidths(view: TableView, width: number): { widths: number[]; gap: number } {
  /**
   * Each auto column's widest cell, uncapped; a fixed width at most the pane's (one wider is cut to
   * it anyway: a daemon's `width: 2000000000` made the shrinking below take a cell per step, and the
   * client hung drawing the frame, deaf to ctrl+q).
   */
  const natural = view.columns.map((c) => {
    if (c.width !== undefined && c.width > 0) return Math.min(c.width, Math.max(1, width));
    let w = stringWidth(headerText(c, view));
    for (const r of view.rows) w = Math.max(w, stringWidth(sanitize(r.cells[c.id] ?? '')));
    return w;
  });
  const widths = natural.map((w, i) => (view.columns[i]!.width !== undefined && view.columns[i]!.width! > 0 ? w : Math.min(w, MAX_AUTO_WIDTH)));
  const n = widths.length;
  if (n === 0) return { widths, gap: GAP };
  let gap = GAP;
  const total = (): number => widths.reduce((a, b) => a + b, 0) + gap * (n - 1);
  if (total() > width) gap = 1;
  const floor = view.columns.map((c) => Math.min(3, stringWidth(sanitize(c.title))));
  // What tells the rows apart shrinks last: NAME, or the first column of a table without one (the
  // port-forwards pane's TARGET: two forwards of one Deployment's pods showed the same cut name).
  const named = view.columns.findIndex((c) => c.id === 'name');
  const name = named >= 0 ? named : 0;
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < n; i++) if (i !== name && widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0 && name >= 0 && widths[name]! > floor[name]!) widest = name;
    if (widest < 0) break; // cannot shrink further: the line is clipped at the edge
    widths[widest]! -= 1;
  }
  // Room left: the columns cut at MAX_AUTO_WIDTH take it, left to right.
  let spare = width - total();
  for (let i = 0; i < n && spare > 0; i++) {
    const more = Math.min(spare, natural[i]! - widths[i]!);
    if (more > 0) {
      widths[i]! += more;
      spare -= more;
    }
  }
  return { widths, gap };
}

function rowLine(cells: Array<{ text: string; style: TextStyle }>, widths: number[], aligns: Array<'left' | 'right'>, gap: number): SegLine {
  const line: SegLine = [];
  cells.forEach((c, i) => {
    if (i > 0) line.push(seg(' '.repeat(gap)));
    line.push(seg(fit(c.text, widths[i]!, aligns[i]), c.style));
  });
  return line;
}

/**
 * Rows drawn lately, by everything their line is made of: a list moved by a row, moved back and
 * forth, or shown on another tab and back draws the same rows again (each drawn line is never
 * changed after, so one is shared by every frame that shows it). Rows with a plugin's own colours
 * (`looks`) are drawn each time.
 */
const drawnRows = new RecentCache<string, SegLine>(256);

/**
 * What a row's line is made of, unambiguously: the colour level, width, gap, column widths and
 * alignments (`shape`), whether it is selected, and each column's text and style, each prefixed
 * with its length (the texts are the daemon's, with any character in them).
 */
function rowKey(shape: string, selected: boolean, columns: readonly Column[], r: Row): string {
  let key = `${shape}|${selected ? 1 : 0}`;
  for (const c of columns) {
    const text = r.cells[c.id] ?? '';
    const style = r.styles?.[c.id] ?? '';
    key += `|${text.length}:${text}${style.length}:${style}`;
  }
  return key;
}

/**
 * What was drawn last from the very same rows (the array, and each row in it): a view put together
 * from the rows the client kept (`rowsOf`: a key that only moved the selection) draws them again
 * without measuring every cell for the column widths or spelling out every row's key.
 */
const fittedTo = new WeakMap<readonly Row[], { columns: readonly Column[]; width: number; sort: string; fit: { widths: number[]; gap: number } }>();
const drawnFrom = new WeakMap<Row, { columns: readonly Column[]; shape: string; selected: boolean; line: SegLine }>();

/** `columnWidths`, once for the same rows, columns, width and sort (the header's arrow). */
function widthsFor(view: TableView, width: number): { widths: number[]; gap: number } {
  const sort = view.sort ? `${view.sort.column}|${view.sort.order}` : '';
  const known = fittedTo.get(view.rows);
  if (known && known.columns === view.columns && known.width === width && known.sort === sort) return known.fit;
  const fit = columnWidths(view, width);
  fittedTo.set(view.rows, { columns: view.columns, width, sort, fit });
  return fit;
}

/**
 * A table view as exactly `rows` lines of exactly `cols` cells: the header, the rows (absolute
 * index `offset + i`; the `selected` one highlighted), `empty` centred when there are none, and
 * the `footer` on the last line.
 */
export function tableLines(view: TableView, cols: number, rows: number, captionSegs?: (l: Line) => SegLine): SegLine[] {
  if (rows <= 0 || cols <= 0) return [];
  const height = rows;
  const out: SegLine[] = [];
  // A caption (a plugin's summary) above the header, leaving room for the header and a row.
  if (view.caption && captionSegs) {
    const n = Math.min(view.caption.length, Math.max(0, rows - 2));
    for (let i = 0; i < n; i++) out.push(fitLine(captionSegs(view.caption[i]!), cols));
    rows -= n;
  }
  const { widths, gap } = widthsFor(view, cols);
  const aligns = view.columns.map((c) => c.align ?? 'left');
  const headerStyle: TextStyle = { ...styleFor('header'), backgroundColor: palette.headerBg };
  const header = rowLine(view.columns.map((c) => ({ text: headerText(c, view), style: headerStyle })), widths, aligns, gap);
  out.push(fitLine(header, cols, headerStyle));

  const footer = view.footer !== undefined ? sanitize(view.footer) : undefined;
  const dataRows = Math.max(0, rows - 1 - (footer !== undefined && rows > 1 ? 1 : 0));
  // The daemon cuts the rows to our viewport; should it send more, keep the selection in sight.
  let start = 0;
  if (view.rows.length > dataRows && view.selected !== null) {
    const sel = view.selected - view.offset;
    if (sel >= dataRows) start = Math.min(sel - dataRows + 1, view.rows.length - dataRows);
  }
  const visible = view.rows.slice(start, start + dataRows);
  if (visible.length === 0 && dataRows > 0) {
    const mid = Math.floor((dataRows - 1) / 2);
    for (let i = 0; i < dataRows; i++) {
      out.push(i === mid ? [seg(centre(sanitize(view.empty ?? ''), cols), styleFor('dim'))] : [seg(' '.repeat(cols))]);
    }
  } else {
    const selStyle: TextStyle = { backgroundColor: palette.selectionBg, bold: true };
    const shape = `${colorLevel}|${cols}|${gap}|${widths.join(',')}|${aligns.join(',')}`;
    visible.forEach((r, i) => {
      const abs = view.offset + start + i;
      const selected = view.selected !== null && abs === view.selected;
      const again = r.looks ? undefined : drawnFrom.get(r);
      if (again && again.columns === view.columns && again.shape === shape && again.selected === selected) {
        out.push(again.line);
        return;
      }
      const key = r.looks ? null : rowKey(shape, selected, view.columns, r);
      const known = key !== null ? drawnRows.get(key) : undefined;
      if (known) {
        drawnFrom.set(r, { columns: view.columns, shape, selected, line: known });
        out.push(known);
        return;
      }
      const line = rowLine(
        view.columns.map((c) => ({ text: sanitize(r.cells[c.id] ?? ''), style: withLook(styleFor(r.styles?.[c.id]), r.looks?.[c.id]) })),
        widths,
        aligns,
        gap,
      );
      const drawn = selected ? overlayStyle(fitLine(line, cols), selStyle) : fitLine(line, cols);
      if (key !== null) {
        drawnRows.set(key, drawn);
        drawnFrom.set(r, { columns: view.columns, shape, selected, line: drawn });
      }
      out.push(drawn);
    });
    for (let i = visible.length; i < dataRows; i++) out.push([seg(' '.repeat(cols))]);
  }
  if (footer !== undefined && rows > 1) out.push([seg(fit(footer, cols), styleFor('dim'))]);
  return out.slice(0, height);
}
