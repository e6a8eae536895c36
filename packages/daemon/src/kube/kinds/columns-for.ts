import type { ColumnDef, KindDef } from './types.js';

/**
 * The columns a resource list shows, plus what was wrong with the configuration.
 * It is an array of the columns itself (so it can be used directly), and also carries `columns` (the same
 * columns as a plain array) and `problems` (human-readable, one per unknown id or fallback).
 */
export type ColumnSelection = ColumnDef[] & { readonly columns: ColumnDef[]; readonly problems: string[] };

const norm = (s: string): string => s.trim().toLowerCase();

/** A configured name matches a column by id, or by its header (`port(s)`, `last schedule`, `last-schedule`). */
function matches(c: ColumnDef, name: string): boolean {
  const title = c.title.toLowerCase();
  return c.id === name || title === name || title.replace(/\s+/g, '-') === name;
}

/**
 * Applies `views.<kind>.columns`: configured ids in the configured order (duplicates ignored); unknown ids are
 * reported in `problems`, not silently dropped; nothing configured, or nothing matching, means the kind's defaults.
 * In all-namespaces mode a namespaced kind gets NAMESPACE first, as `kubectl get -A` prints it (moved there if
 * configured elsewhere); otherwise NAMESPACE appears only if configured explicitly. `wide` adds the kind's wide
 * columns (`-o wide`) after the others.
 */
export function columnsFor(kind: KindDef, configured: readonly string[] | undefined, allNamespaces: boolean, wide = false): ColumnSelection {
  const problems: string[] = [];
  const picked: ColumnDef[] = [];
  const add = (c: ColumnDef | undefined): void => {
    if (c && !picked.includes(c)) picked.push(c);
  };
  const names = (configured ?? []).map(norm).filter((n) => n !== '');
  for (const n of names) {
    const c = kind.columns.find((x) => matches(x, n));
    if (c) add(c);
    else problems.push(`views.${kind.id}.columns: unknown column "${n}" (known: ${kind.columns.map((x) => x.id).join(', ')})`);
  }
  if (picked.length === 0) {
    if (names.length > 0) problems.push(`views.${kind.id}.columns: no configured column matched; showing the defaults`);
    for (const id of kind.defaultColumns) add(kind.columns.find((x) => x.id === id));
  }
  if (picked.length === 0) add(kind.columns[0]);
  // `-o wide`: the kind's wide columns after what is shown (kubectl's order), those already shown kept where they are.
  if (wide) for (const id of kind.wideColumns ?? []) add(kind.columns.find((x) => x.id === id));

  let out = picked;
  const ns = kind.columns.find((x) => x.id === 'namespace');
  if (kind.namespaced && allNamespaces && ns) {
    // `kubectl get -A`: NAMESPACE is the first column.
    out = [ns, ...picked.filter((c) => c !== ns)];
  }
  return Object.assign([...out], { columns: [...out], problems });
}
