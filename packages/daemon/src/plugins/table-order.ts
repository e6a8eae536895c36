import { naturalKey } from '../panes/resource/sort-keys.js';
import type { RichColumn, RichRow } from './render-v2.js';

/**
 * Rows ordered by one column, typed as built-in lists order theirs: numbers, durations, bytes and
 * timestamps by value, text in natural order (`pod-2` < `pod-10`, case folded); blanks last in
 * both orders; ties in the plugin's order. Sorts `rows` in place and returns it.
 */
export function sortRows(rows: RichRow[], columns: readonly RichColumn[], column: number, desc: boolean): RichRow[] {
  const c = column;
  const sign = desc ? -1 : 1;
  if (columns[c]!.type === 'string') {
    const keys = new Map<RichRow, string>();
    for (const r of rows) {
      const v = r.cells[c]!.value;
      if (typeof v === 'string' && v !== '') keys.set(r, `${naturalKey(v)}\u0000${v}`);
    }
    return rows.sort((a, b) => {
      const ka = keys.get(a);
      const kb = keys.get(b);
      if (ka === undefined || kb === undefined) return ka === kb ? a.index - b.index : ka === undefined ? 1 : -1;
      return ka < kb ? -sign : ka > kb ? sign : a.index - b.index;
    });
  }
  return rows.sort((a, b) => {
    const va = a.cells[c]!.value;
    const vb = b.cells[c]!.value;
    if (typeof va !== 'number' || typeof vb !== 'number') return typeof va === typeof vb ? a.index - b.index : typeof va !== 'number' ? 1 : -1;
    return va < vb ? -sign : va > vb ? sign : a.index - b.index;
  });
}
