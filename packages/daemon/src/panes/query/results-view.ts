import { stringWidth, type TermRun } from '@kubetile/rpc-schema';
import type { ResultSet } from '../../query/result-set.js';
import { cellText, cut } from './cell-format.js';

export const GAP = '  ';
/** Rows measured for column widths (the rest are cut to these widths). */
const MEASURE_ROWS = 2000;

/** Where the user is in a result: the selected row and column, and what is scrolled into view. */
export interface TableCursor {
  row: number;
  col: number;
  rowOffset: number;
  colOffset: number;
}

export const newCursor = (): TableCursor => ({ row: 0, col: 0, rowOffset: 0, colOffset: 0 });

/** Column widths of a result: header and values (measured on the first rows), at most `max`. */
export function columnWidths(r: ResultSet, max: number): number[] {
  return r.columns.map((c, i) => {
    let w = stringWidth(c.name);
    const n = Math.min(r.rows.length, MEASURE_ROWS);
    for (let k = 0; k < n && w < max; k++) w = Math.max(w, stringWidth(cellText(r.rows[k]![i] ?? null, c.kind)));
    return Math.max(4, Math.min(max, w));
  });
}

/** How many columns from `from` fit in `width`. */
function fitting(widths: number[], from: number, width: number): number {
  let used = 0;
  let n = 0;
  for (let i = from; i < widths.length; i++) {
    const w = widths[i]! + (n > 0 ? GAP.length : 0);
    if (n > 0 && used + w > width) break;
    used += w;
    n++;
  }
  return n;
}

/** Scrolls so the selected row and column are in view (columns by whole columns, as KubeTile does). */
export function keepInView(c: TableCursor, r: ResultSet, widths: number[], width: number, height: number): void {
  const rows = Math.max(1, height - 1);
  c.row = Math.max(0, Math.min(c.row, r.rows.length - 1));
  c.col = Math.max(0, Math.min(c.col, r.columns.length - 1));
  if (c.row < c.rowOffset) c.rowOffset = c.row;
  if (c.row >= c.rowOffset + rows) c.rowOffset = c.row - rows + 1;
  c.rowOffset = Math.max(0, Math.min(c.rowOffset, Math.max(0, r.rows.length - rows)));
  if (c.col < c.colOffset) c.colOffset = c.col;
  while (c.colOffset < c.col && c.col >= c.colOffset + fitting(widths, c.colOffset, width)) c.colOffset++;
}

/** `s` padded to `w` terminal cells (CJK and emoji take two). */
const pad = (s: string, w: number, right: boolean): string => {
  const n = stringWidth(s);
  return n >= w ? s : right ? ' '.repeat(w - n) + s : s + ' '.repeat(w - n);
};

/**
 * The result as screen rows: a bold header, then the rows in view; numbers right-aligned, NULL
 * dimmed, the selected row inverted while browsing and its selected cell underlined.
 */
export function renderTable(r: ResultSet, c: TableCursor, widths: number[], width: number, height: number, browsing: boolean): { rows: TermRun[][]; shown: [number, number] } {
  const out: TermRun[][] = [];
  if (height <= 0) return { rows: out, shown: [0, 0] };
  const n = Math.max(1, fitting(widths, c.colOffset, width));
  const cols = r.columns.slice(c.colOffset, c.colOffset + n).map((col, k) => ({ col, i: c.colOffset + k, w: widths[c.colOffset + k]! }));
  const header: TermRun[] = [];
  cols.forEach(({ col, i, w }, k) => {
    if (k > 0) header.push({ text: GAP });
    header.push({ text: pad(cut(col.name, w), w, col.kind === 'number'), bold: true, ...(browsing && i === c.col ? { underline: true } : {}) });
  });
  out.push(header);
  for (let k = 0; k < height - 1; k++) {
    const ri = c.rowOffset + k;
    const row = r.rows[ri];
    if (!row) break;
    const selected = browsing && ri === c.row;
    const runs: TermRun[] = [];
    cols.forEach(({ col, i, w }, j) => {
      if (j > 0) runs.push({ text: GAP, ...(selected ? { inverse: true } : {}) });
      const v = row[i] ?? null;
      const text = pad(cut(cellText(v, col.kind), w), w, col.kind === 'number' && v !== null);
      runs.push({
        text,
        ...(v === null ? { dim: true } : col.kind === 'json' ? { fg: 6 } : col.kind === 'bool' ? { fg: 3 } : {}),
        ...(selected ? { inverse: true } : {}),
        ...(selected && i === c.col ? { underline: true, bold: true } : {}),
      });
    });
    out.push(runs);
  }
  return { rows: out, shown: [c.colOffset + 1, c.colOffset + n] };
}
