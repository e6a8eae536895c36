import type { KubeObject } from '../types.js';
import { ageSince } from './age.js';
import { ageCol, col, nameCol, namespaceCol } from './common.js';
import { evaluateJsonPath } from './jsonpath.js';
import type { ColumnDef, KindDef, SortKind } from './types.js';

/** One of a CRD version's `additionalPrinterColumns`, as the API server stores it. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  priority?: number;
}

/** Below this a whole number decodes as an int64 (apimachinery's JSON): printed as it is. */
const INT64_LIMIT = 2 ** 63;

/**
 * A number as kubectl prints a printer column's value: a whole number (an int64 once decoded) as it is,
 * any other as Go's `%v` of a float64 — the shortest digits, in exponent form when the exponent is
 * below -4 or at least 6 (`1.2345675e+06`, `5e-05`, `0.5`, `1e+21`).
 */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < INT64_LIMIT) return String(n);
  if (!Number.isFinite(n)) return String(n);
  const [mant, e] = n.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

/** A value printed the way client-go's jsonpath prints it (what `string` columns show). */
function jsonPathText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return '<invalid>';
  }
}

/**
 * A cell as kube-apiserver's CRD table convertor computes it and kubectl prints it: only the first
 * JSONPath result counts; `string` columns print the value; the other types need a value of their type
 * (else `<none>`, kubectl's nil cell); `date` is an age, recomputed as time passes.
 */
export function printerCell(obj: unknown, c: PrinterColumn, now: number): string {
  const values = evaluateJsonPath(obj, c.jsonPath);
  if (values.length === 0) return '<none>';
  const v = values[0];
  switch (c.type) {
    case 'string':
      return jsonPathText(v);
    case 'integer':
      return typeof v === 'number' ? String(Math.trunc(v)) : '<none>';
    case 'number':
      return typeof v === 'number' ? goNumber(v) : '<none>';
    case 'boolean':
      return typeof v === 'boolean' ? String(v) : '<none>';
    case 'date':
      if (typeof v !== 'string') return '<none>';
      if (v === '' || v === 'null') return '<unknown>';
      // An RFC 3339 time is ~35 characters at most: a longer text is not one, and parsing a megabyte of
      // it for every cell on screen, every second, cost the daemon ~1.3 ms a cell.
      if (v.length > 64) return '<invalid>';
      return Number.isNaN(Date.parse(v)) ? '<invalid>' : ageSince(v, now);
    default:
      return '<none>';
  }
}

const sortOf = (type: string): SortKind => (type === 'integer' || type === 'number' ? 'number' : type === 'date' ? 'age' : 'text');

/** A column id from a header: `Ready Replicas` → `ready-replicas`. */
export function columnId(name: string): string {
  return (
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'column'
  );
}

/** Ids unique within a kind: a second `status` becomes `status-2`. */
export function uniqueId(id: string, taken: Set<string>): string {
  let out = id;
  for (let n = 2; taken.has(out); n++) out = `${id}-${n}`;
  taken.add(out);
  return out;
}

/** The API server's default when a CRD version declares no printer columns: Age. */
const DEFAULT_PRINTER_COLUMNS: readonly PrinterColumn[] = [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];

/**
 * A kind whose columns are its CRD's `additionalPrinterColumns` (as `kubectl get` shows them: NAME, then the
 * columns of priority 0; those of higher priority are wide ones), computed from each object so they stay live.
 */
export function printerColumnsKind(base: KindDef, printerColumns: readonly PrinterColumn[]): KindDef {
  const specs = printerColumns.length > 0 ? printerColumns : DEFAULT_PRINTER_COLUMNS;
  const taken = new Set<string>(['name', 'namespace']);
  const columns: ColumnDef[] = [nameCol];
  if (base.namespaced) columns.push(namespaceCol);
  const defaults = ['name'];
  const wide: string[] = [];
  for (const spec of specs) {
    const isAge = spec.type === 'date' && spec.jsonPath.replace(/^\$/, '').trim() === '.metadata.creationTimestamp' && !taken.has('age');
    const id = isAge ? uniqueId('age', taken) : uniqueId(columnId(spec.name), taken);
    const c = isAge
      ? { ...ageCol, title: spec.name.toUpperCase() }
      : col(id, spec.name.toUpperCase(), sortOf(spec.type), (o: KubeObject, now: number) => printerCell(o, spec, now), undefined, spec.type === 'integer' || spec.type === 'number' ? 'right' : undefined);
    columns.push(c);
    ((spec.priority ?? 0) > 0 ? wide : defaults).push(c.id);
  }
  return { ...base, columns, defaultColumns: defaults, wideColumns: wide, columnSource: 'printer-columns' };
}
