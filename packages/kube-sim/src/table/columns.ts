/** Table column definitions and small helpers shared by the printers. */
import { asArray, asString, getPath, type KubeObject } from '../types.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean | null | Record<string, unknown> | unknown[];

export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface Printer {
  readonly columns: readonly ColumnDefinition[];
  cells(obj: KubeObject, now: number): Cell[];
  conditions?(obj: KubeObject): RowCondition[] | undefined;
  /**
   * The row's cells with what they read from `obj` taken out once (when the object is stored), the
   * time-dependent ones (ages) made at print time: a list printed as a Table then needs no decode of
   * each object (kube-apiserver prints from the decoded objects of its watch cache). `cells` must
   * equal `prepare(obj)(now)`; a printer without it decodes the object for every row it prints.
   */
  prepare?(obj: KubeObject): (now: number) => Cell[];
}

export const DESCRIPTIONS: Record<string, string> = {
  Name: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  Age: "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
};

export function col(name: string, type = 'string', priority = 0, format = ''): ColumnDefinition {
  return { name, type, format: name === 'Name' ? 'name' : format, description: DESCRIPTIONS[name] ?? name, priority };
}

export function str(obj: unknown, path: string[], dflt = ''): string {
  const v = getPath(obj, path);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return dflt;
}

export function int(obj: unknown, path: string[]): number {
  const v = getPath(obj, path);
  return typeof v === 'number' ? v : 0;
}

export function orNone(s: string): string {
  return s === '' ? '<none>' : s;
}

/** Containers and images columns of a pod template. */
export function containersAndImages(podSpec: unknown): [string, string] {
  const cs = asArray(getPath(podSpec, ['containers']));
  return [
    cs.map((c) => asString(getPath(c, ['name'])) ?? '').join(','),
    cs.map((c) => asString(getPath(c, ['image'])) ?? '').join(','),
  ];
}

const byKey = <T extends { key: string }>(a: T, b: T): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * A label selector rendered as kubectl does (`metav1.FormatLabelSelector`: "app=web,tier in (a,b),!legacy"): the
 * requirements sorted by key in byte order (`labels.ByKey`), the values of in/notin sorted.
 */
export function formatSelector(sel: unknown): string {
  const ml = getPath(sel, ['matchLabels']);
  const parts: Array<{ key: string; text: string }> = [];
  if (ml && typeof ml === 'object') for (const [k, v] of Object.entries(ml)) parts.push({ key: k, text: `${k}=${String(v)}` });
  for (const e of asArray(getPath(sel, ['matchExpressions']))) {
    const key = asString(getPath(e, ['key'])) ?? '';
    const op = asString(getPath(e, ['operator'])) ?? '';
    const vals = asArray(getPath(e, ['values'])).map(String).sort().join(',');
    if (op === 'In') parts.push({ key, text: `${key} in (${vals})` });
    else if (op === 'NotIn') parts.push({ key, text: `${key} notin (${vals})` });
    else if (op === 'Exists') parts.push({ key, text: key });
    else if (op === 'DoesNotExist') parts.push({ key, text: `!${key}` });
  }
  return parts.length ? parts.sort(byKey).map((p) => p.text).join(',') : '<none>';
}

/** A label map as `labels.FormatLabels`: `k=v` pairs sorted by key, `<none>` when empty. */
export function formatMapSelector(sel: unknown): string {
  if (!sel || typeof sel !== 'object') return '<none>';
  const parts = Object.entries(sel).map(([k, v]) => ({ key: k, text: `${k}=${String(v)}` }));
  return parts.length ? parts.sort(byKey).map((p) => p.text).join(',') : '<none>';
}
