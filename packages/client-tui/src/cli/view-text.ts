import type { PaneView, TableView } from '@kubetile/rpc-schema';

/** Columns are separated like kubectl's: three spaces. */
const GAP = '   ';

/** A table as aligned columns under a header line (no trailing blanks), one row per line. */
function tableText(v: TableView): string[] {
  if (v.rows.length === 0) return [];
  const cols = v.columns;
  const cell = (r: TableView['rows'][number], id: string): string => (r.cells[id] ?? '').replace(/[\r\n\t]+/g, ' ');
  const widths = cols.map((c) => Math.max(c.title.length, ...v.rows.map((r) => cell(r, c.id).length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((text, i) => (cols[i]!.align === 'right' ? text.padStart(widths[i]!) : i === cells.length - 1 ? text : text.padEnd(widths[i]!)))
      .join(GAP)
      .trimEnd();
  return [fmt(cols.map((c) => c.title)), ...v.rows.map((r) => fmt(cols.map((c) => cell(r, c.id))))];
}

/**
 * What a pane shows, as text a shell can grep: a table as aligned columns under its header, lines
 * as lines, a message as its text, a terminal as its rows. `note` says what the text leaves out
 * (rows beyond the viewport, an empty list's reason), for stderr.
 */
export function viewText(v: PaneView): { lines: string[]; note: string | null } {
  switch (v.type) {
    case 'table': {
      const lines = tableText(v);
      if (v.rows.length === 0) return { lines, note: v.empty ?? (v.total === 0 ? 'no rows' : null) };
      const shownTo = v.offset + v.rows.length;
      const note = v.offset > 0 || shownTo < v.total ? `rows ${v.offset + 1}-${shownTo} of ${v.total}; --rows shows more` : null;
      return { lines, note };
    }
    case 'lines':
      return { lines: v.lines.map((l) => l.text), note: v.offset + v.lines.length < v.total ? `lines ${v.offset + 1}-${v.offset + v.lines.length} of ${v.total}` : null };
    case 'message':
      return { lines: v.text.split('\n'), note: null };
    case 'terminal':
      return { lines: v.rows.map((runs) => runs.map((r) => r.text).join('').trimEnd()), note: null };
  }
}

/** Still loading: a snapshot taken now would show "Loading..." rather than the pane's content. */
export function isLoading(v: PaneView): boolean {
  if (v.type === 'message') return v.level === 'loading';
  if (v.type === 'table') return v.rows.length === 0 && /^loading/i.test(v.empty ?? '');
  return false;
}

/** Rows of cells as aligned columns (the first row is the header), as `kubectl get` prints them. */
export function alignColumns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(GAP).trimEnd());
}
