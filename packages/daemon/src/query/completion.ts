import type { SchemaColumn } from './backend.js';
import { SQL_KEYWORDS } from './sql-keywords.js';

/** At most this many suggestions are offered (KubeTile's 8). */
export const MAX_SUGGESTIONS = 8;

export interface Completion {
  /** The word being completed (replaced by the choice). */
  prefix: string;
  items: Array<{ text: string; detail: string }>;
}

/** Tables and their columns, for completion (from information_schema at connect time). */
export class SchemaIndex {
  /** table (lower case) → its columns, for tables of every schema; `schema.table` keys too. */
  private readonly tables = new Map<string, { name: string; columns: Array<{ name: string; type: string }> }>();

  constructor(rows: readonly SchemaColumn[] = []) {
    for (const r of rows) {
      for (const key of [r.table, `${r.schema}.${r.table}`]) {
        const k = key.toLowerCase();
        let t = this.tables.get(k);
        if (!t) {
          t = { name: r.schema === 'public' || key === r.table ? r.table : key, columns: [] };
          this.tables.set(k, t);
        }
        if (t.columns.length < 2000) t.columns.push({ name: r.column, type: r.type });
      }
    }
  }

  get size(): number {
    return this.tables.size;
  }

  tableNames(): string[] {
    return [...new Set([...this.tables.values()].map((t) => t.name))];
  }

  columns(table: string): Array<{ name: string; type: string }> {
    return this.tables.get(table.toLowerCase().replace(/"/g, ''))?.columns ?? [];
  }
}

const TABLE_CONTEXT = new Set(['FROM', 'JOIN', 'UPDATE', 'INTO', 'TABLE', 'TRUNCATE']);
const COLUMN_CONTEXT = new Set(['SELECT', 'WHERE', 'HAVING', 'SET', 'ON', 'AND', 'OR', 'BY', 'DISTINCT', 'RETURNING', ',', '(', '=', '<', '>', 'NOT', 'WHEN', 'THEN', 'ELSE', 'CASE']);
const NOT_ALIAS = new Set(['WHERE', 'JOIN', 'ON', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'GROUP', 'ORDER', 'LIMIT', 'SET', 'USING', 'NATURAL', 'OUTER', 'HAVING', 'UNION', 'AS']);

/** Tables named after FROM/JOIN/UPDATE/INTO in `sql`, with their aliases (`orders o`, `orders AS o`). */
export function tablesInScope(sql: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\b(?:from|join|update|into)\s+((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))?)(?:\s+(?:as\s+)?([A-Za-z_][\w$]*))?/gi;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    const table = m[1]!.replace(/"/g, '');
    out.set(table.toLowerCase(), table);
    const alias = m[2];
    if (alias && !NOT_ALIAS.has(alias.toUpperCase())) out.set(alias.toLowerCase(), table);
  }
  return out;
}

const matches = (word: string, prefix: string): boolean => word.toLowerCase().startsWith(prefix.toLowerCase()) && word.length > 0;

/**
 * Suggestions for the cursor in `text` (the editor's text up to the cursor, and the whole text for
 * the tables in scope): after `ident.` the columns of that table or alias; after FROM/JOIN/… table
 * names; after SELECT/WHERE/… columns of the tables in scope, then key words; otherwise key words.
 */
export function complete(before: string, whole: string, schema: SchemaIndex): Completion {
  const dotted = /([A-Za-z_][\w$]*|"[^"]+")\.([\w$]*)$/.exec(before);
  if (dotted) {
    const scope = tablesInScope(whole);
    const ref = dotted[1]!.replace(/"/g, '');
    const table = scope.get(ref.toLowerCase()) ?? ref;
    const prefix = dotted[2]!;
    const items = schema
      .columns(table)
      .filter((c) => matches(c.name, prefix))
      .slice(0, MAX_SUGGESTIONS)
      .map((c) => ({ text: c.name, detail: c.type }));
    return { prefix, items };
  }
  const m = /([\w$]*)$/.exec(before);
  const prefix = m?.[1] ?? '';
  const head = before.slice(0, before.length - prefix.length);
  const prev = /([A-Za-z_]+|[,(=<>])\s*$/.exec(head)?.[1]?.toUpperCase() ?? '';
  const items: Completion['items'] = [];
  const seen = new Set<string>();
  const add = (text: string, detail: string): void => {
    if (items.length >= MAX_SUGGESTIONS || seen.has(text.toLowerCase())) return;
    seen.add(text.toLowerCase());
    items.push({ text, detail });
  };
  if (TABLE_CONTEXT.has(prev)) {
    for (const t of schema.tableNames().sort()) if (matches(t, prefix)) add(t, 'table');
    return { prefix, items };
  }
  if (COLUMN_CONTEXT.has(prev) && prefix !== '') {
    const scope = tablesInScope(whole);
    for (const table of new Set(scope.values())) for (const c of schema.columns(table)) if (matches(c.name, prefix)) add(c.name, `${table}.${c.type}`);
  }
  if (prefix !== '') {
    const upper = prefix === prefix.toLowerCase() ? (k: string) => k.toLowerCase() : (k: string) => k;
    for (const k of SQL_KEYWORDS) if (matches(k, prefix)) add(upper(k), 'keyword');
    if (prev === '' || !COLUMN_CONTEXT.has(prev)) for (const t of schema.tableNames().sort()) if (matches(t, prefix)) add(t, 'table');
  }
  return { prefix, items };
}
