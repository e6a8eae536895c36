/**
 * Printers for custom resources: Name, then the CRD's additionalPrinterColumns (or Age), with
 * cells as kube-apiserver's CRD table convertor makes them (apiextensions-apiserver
 * tableconvertor: only the first JSONPath result counts; `string` columns are printed by
 * JSONPath, the other types go through cellForJSONValue and are null when the value has
 * another type).
 */
import type { PrinterColumn } from '../api/resource-types.js';
import { type KubeObject } from '../types.js';
import { col, DESCRIPTIONS, type Cell, type ColumnDefinition, type Printer } from './columns.js';
import { goJson, goNumber } from './go-text.js';
import { humanDuration } from './humanize.js';
import { evaluateJsonPath } from './jsonpath.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** metav1.Time.UnmarshalQueryParameter: "" and "null" are the zero time; else RFC 3339 or an error. */
function parseTime(s: string): number | 'zero' | undefined {
  if (s === '' || s === 'null') return 'zero';
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return undefined;
  const t = Date.parse(s);
  if (Number.isNaN(t) || new Date(Date.UTC(Number(m[1]), mo - 1, d)).getUTCDate() !== d) return undefined;
  return t === Date.parse('0001-01-01T00:00:00Z') ? 'zero' : t;
}

/** A value printed by client-go's jsonpath (what `string` columns show). */
function jsonPathText(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  return goJson(v);
}

function cellOf(values: unknown[], type: string, now: number): Cell {
  if (values.length === 0) return null;
  const v = values[0];
  if (type === 'string') return jsonPathText(v);
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'integer': return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number': return typeof v === 'number' ? v : null;
    case 'boolean': return typeof v === 'boolean' ? v : null;
    case 'date': {
      if (typeof v !== 'string') return null;
      const t = parseTime(v);
      if (t === undefined) return '<invalid>';
      return t === 'zero' ? '<unknown>' : humanDuration(now - t);
    }
    default: return null;
  }
}

const DEFAULT_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: DESCRIPTIONS['Age'] ?? '' },
];

export function customPrinter(columns: readonly PrinterColumn[]): Printer {
  const specs = columns.length > 0 ? columns : DEFAULT_COLUMNS;
  const defs: ColumnDefinition[] = [col('Name'), ...specs.map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
    priority: c.priority ?? 0,
  }))];
  return {
    columns: defs,
    cells(obj: KubeObject, now: number): Cell[] {
      return [obj.metadata.name ?? '', ...specs.map((c) => cellOf(evaluateJsonPath(obj, c.jsonPath), c.type, now))];
    },
  };
}
