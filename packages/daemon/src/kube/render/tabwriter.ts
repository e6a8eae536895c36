import { stringWidth, type Style } from '@kubetile/rpc-schema';
import { clean, spans, type Line } from './lines.js';

export interface Cell {
  text: string;
  style?: Style | undefined;
}

/** One output line before alignment: cells that were tab-separated in kubectl's format strings. */
export interface Row {
  cells: Cell[];
  /** Style for the whole line (headers). */
  style?: Style | undefined;
}

const PADDING = 2;
/** Terminal cells, as the client draws them (Go's tabwriter counts runes: CJK values pushed their columns out of line). */
const width = (s: string): number => stringWidth(s);

/**
 * Go's `text/tabwriter` (minwidth 0, padding 2, space padding) over rows of cells, as kubectl's describe uses it:
 * every cell but a row's last is tab-terminated; a column is aligned over each block of consecutive rows that
 * have a terminated cell in it, so a row without tabs (`Containers:`) starts new blocks.
 */
export function alignRows(rows: readonly Row[]): Line[] {
  const widths: number[][] = rows.map((r) => new Array<number>(Math.max(0, r.cells.length - 1)).fill(0));
  const texts = rows.map((r) => r.cells.map((c) => clean(c.text)));
  const block = (start: number, end: number, col: number): void => {
    let i = start;
    while (i < end) {
      if (col >= (texts[i]?.length ?? 0) - 1) {
        i++;
        continue;
      }
      let j = i;
      let w = 0;
      while (j < end && col < (texts[j]?.length ?? 0) - 1) {
        w = Math.max(w, width(texts[j]?.[col] ?? '') + PADDING);
        j++;
      }
      for (let k = i; k < j; k++) (widths[k] as number[])[col] = w;
      block(i, j, col + 1);
      i = j;
    }
  };
  block(0, rows.length, 0);

  return rows.map((r, ri) => {
    const t = texts[ri] ?? [];
    const w = widths[ri] ?? [];
    const parts = r.cells.map((c, ci) => {
      const text = t[ci] ?? '';
      const pad = ci < t.length - 1 ? Math.max(0, (w[ci] ?? 0) - width(text)) : 0;
      return { text: text + ' '.repeat(pad), style: c.style };
    });
    return spans(parts, r.style);
  });
}
