import { ageCol, col, nameCol, namespaceCol } from './common.js';
import { oneLine } from './events.js';
import { columnId, uniqueId } from './printer-columns.js';
import type { ColumnDef, KindDef, SortKind } from './types.js';

/** A column definition of a meta.k8s.io/v1 Table. */
export interface ServerColumn {
  name: string;
  type: string;
  format: string;
  priority: number;
}

/** A Table cell as kubectl prints it: nil is `<none>`, numbers and booleans as Go prints them, text on one line. */
export function serverCellText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'string') return oneLine(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '<invalid>';
  if (typeof v === 'boolean') return String(v);
  try {
    return oneLine(JSON.stringify(v));
  } catch {
    return '<invalid>';
  }
}

const AGE_LIKE = /^(age|last seen|first seen|duration|last schedule|created)$/i;
const RATIO_LIKE = /^(ready|completions)$/i;

function sortOf(c: ServerColumn): SortKind {
  if (c.type === 'integer' || c.type === 'number') return 'number';
  if (c.type === 'date' || AGE_LIKE.test(c.name)) return 'age';
  if (RATIO_LIKE.test(c.name)) return 'ratio';
  return 'text';
}

/**
 * A kind whose columns are the server's Table columns (kubectl's for a kind we have no printer for). NAME and AGE
 * come from the object itself (AGE ticks); the other cells are the server's, by object uid, from `cells` — a Table
 * fetched again when the objects change, so they follow the watch. Columns of priority > 0 are wide ones.
 */
export function serverTableKind(base: KindDef, columns: readonly ServerColumn[], cells: (uid: string) => readonly unknown[] | undefined): KindDef {
  const taken = new Set<string>(['name', 'namespace']);
  const out: ColumnDef[] = [nameCol];
  if (base.namespaced) out.push(namespaceCol);
  const defaults = ['name'];
  const wide: string[] = [];
  columns.forEach((c, i) => {
    if (i === 0 && (c.format === 'name' || c.name.toLowerCase() === 'name')) return;
    let def: ColumnDef;
    if (c.name.toLowerCase() === 'age' && !taken.has('age')) {
      taken.add('age');
      def = ageCol;
    } else {
      const id = uniqueId(columnId(c.name), taken);
      const sort = sortOf(c);
      def = col(id, c.name.toUpperCase(), sort, (o) => serverCellText(cells(o.metadata.uid)?.[i]), undefined, sort === 'number' ? 'right' : undefined);
    }
    out.push(def);
    (c.priority > 0 ? wide : defaults).push(def.id);
  });
  return { ...base, columns: out, defaultColumns: defaults, wideColumns: wide, columnSource: 'server-table' };
}
