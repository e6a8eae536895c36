import type { Style } from '@kubetile/rpc-schema';
import type { KubeObject } from '../types.js';
import { ageSince } from './age.js';
import { at, objs, str, strMap } from './json.js';
import { ratioStyle, statusStyle } from './styles.js';
import type { ColumnDef, SortKind } from './types.js';

type Cell = (obj: KubeObject, now: number) => string;

/** A column whose cell is `cell`; `style` optional. */
export function col(
  id: string,
  title: string,
  sort: SortKind,
  cell: Cell,
  style?: (obj: KubeObject, now: number) => Style | undefined,
  align?: 'left' | 'right',
): ColumnDef {
  const c: ColumnDef = { id, title, sort, cell };
  if (style) c.style = style;
  if (align) c.align = align;
  return c;
}

/** A status-like column: styled by its own text (Running → ok, CrashLoopBackOff → error…). */
export function statusCol(id: string, title: string, cell: Cell): ColumnDef {
  return col(id, title, 'text', cell, (o, now) => statusStyle(cell(o, now)));
}

/** A `ready/total` column: warn while not all are ready. */
export function ratioCol(id: string, title: string, cell: Cell): ColumnDef {
  return col(id, title, 'ratio', cell, (o, now) => ratioStyle(cell(o, now)));
}

export function numberCol(id: string, title: string, cell: (obj: KubeObject) => number): ColumnDef {
  return col(id, title, 'number', (o) => String(cell(o)), undefined, 'right');
}

export const nameCol: ColumnDef = col('name', 'NAME', 'text', (o) => str(at(o, 'metadata', 'name')));
export const namespaceCol: ColumnDef = col('namespace', 'NAMESPACE', 'text', (o) => str(at(o, 'metadata', 'namespace')));
export const ageCol: ColumnDef = col('age', 'AGE', 'age', (o, now) => ageSince(at(o, 'metadata', 'creationTimestamp'), now));

/** `v` or `<none>` when empty, as kubectl prints missing values. */
export function orNone(v: string): string {
  return v === '' ? '<none>' : v;
}

/** `k=v,k2=v2` sorted by key (kubectl's `labels.FormatLabels`), `<none>` when empty. */
export function formatLabels(v: unknown): string {
  const m = strMap(v);
  const keys = Object.keys(m).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${m[k] ?? ''}`).join(',');
}

/**
 * A LabelSelector as kubectl prints it (`metav1.FormatLabelSelector`): `app=web,tier in (a,b),!legacy`, the
 * requirements ordered by key in byte order (`labels.ByKey`, so `Zone` before `app` and `app` before `app-name`),
 * the values of `in`/`notin` sorted; `<none>` when empty.
 */
export function formatSelector(v: unknown): string {
  const parts: Array<{ key: string; text: string }> = [];
  const ml = strMap(at(v, 'matchLabels'));
  for (const k of Object.keys(ml)) parts.push({ key: k, text: `${k}=${ml[k] ?? ''}` });
  for (const e of objs(at(v, 'matchExpressions'))) {
    const key = str(e['key']);
    const values = Array.isArray(e['values']) ? (e['values'] as unknown[]).map(str).sort() : [];
    switch (str(e['operator'])) {
      case 'In':
        parts.push({ key, text: `${key} in (${values.join(',')})` });
        break;
      case 'NotIn':
        parts.push({ key, text: `${key} notin (${values.join(',')})` });
        break;
      case 'DoesNotExist':
        parts.push({ key, text: `!${key}` });
        break;
      default: // Exists
        parts.push({ key, text: key });
    }
  }
  // Code-unit order, as Go compares strings (localeCompare would put `app-name` before `app`, `app` before `Zone`).
  parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return parts.length === 0 ? '<none>' : parts.map((p) => p.text).join(',');
}

/** The containers of a pod template (`spec.template.spec.containers`), for wide columns. */
export function templateContainers(o: unknown, ...path: string[]): Array<Record<string, unknown>> {
  return objs(at(o, ...path, 'containers'));
}

export function containerNamesCol(...path: string[]): ColumnDef {
  return col('containers', 'CONTAINERS', 'text', (o) => orNone(templateContainers(o, ...path).map((c) => str(c['name'])).join(',')));
}

export function imagesCol(...path: string[]): ColumnDef {
  return col('images', 'IMAGES', 'text', (o) => orNone(templateContainers(o, ...path).map((c) => str(c['image'])).join(',')));
}
