/** Printers for custom resources: Name, the CRD's additionalPrinterColumns, or Age by default. */
import type { PrinterColumn } from '../api/resource-types.js';
import { type KubeObject } from '../types.js';
import { col, type Cell, type ColumnDefinition, type Printer } from './columns.js';
import { evaluateJsonPath } from './jsonpath.js';

function cellOf(values: unknown[], type: string): Cell {
  if (values.length === 0) return null;
  const v = values.length === 1 ? values[0] : values;
  if (type === 'integer' || type === 'number') return typeof v === 'number' ? v : null;
  if (type === 'boolean') return typeof v === 'boolean' ? v : null;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(',');
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

export function customPrinter(columns: readonly PrinterColumn[]): Printer {
  const specs: PrinterColumn[] = columns.length > 0 ? [...columns] : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
  const defs: ColumnDefinition[] = [col('Name'), ...specs.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }))];
  return {
    columns: defs,
    cells(obj: KubeObject): Cell[] {
      return [obj.metadata.name ?? '', ...specs.map((c) => cellOf(evaluateJsonPath(obj, c.jsonPath), c.type))];
    },
  };
}
