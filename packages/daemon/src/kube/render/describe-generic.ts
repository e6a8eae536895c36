import { isObj, str, type JsonObject } from '../kinds/json.js';
import type { KubeObject } from '../types.js';
import { writeHead } from './describe-meta.js';
import type { DescribeWriter } from './describe-writer.js';

const ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

/** kubectl's `smartLabelFor`: `clusterIP` → `Cluster IP`, `apiVersion` → `API Version`; fields with digits or symbols as-is. */
export function smartLabel(field: string): string {
  if (/[^A-Za-z-]/.test(field) || field === '') return field;
  const parts = field.match(/[A-Z]+(?=[A-Z][a-z])|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|-+/g) ?? [field];
  return parts.map((p) => (ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1))).join(' ');
}

const SKIP = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'object') return JSON.stringify(v) ?? '';
  return str(v);
}

function writeValue(w: DescribeWriter, level: number, label: string, v: unknown): void {
  const lines = scalar(v).split('\n');
  lines.forEach((l, i) => (i === 0 ? w.write(level, `${label}:`, l) : w.write(level, '', l)));
}

/** Levels of nesting written out (the writer recurses). */
const MAX_DEPTH = 32;

/** kubectl's `printUnstructuredContent`: sorted fields, maps and lists as indented sections, scalars as `Label:\tvalue`. */
export function writeUnstructured(w: DescribeWriter, level: number, content: JsonObject, prefix = '', depth = 0): void {
  if (depth > MAX_DEPTH) {
    w.write(level, `(nested more than ${MAX_DEPTH} levels deep: the YAML pane shows more)`);
    return;
  }
  for (const field of Object.keys(content).sort()) {
    const path = `${prefix}.${field}`;
    if (SKIP.has(path)) continue;
    const value = content[field];
    const label = smartLabel(field);
    if (isObj(value)) {
      w.row(level, [`${label}:`], level === 0 ? 'header' : undefined);
      writeUnstructured(w, level + 1, value, path, depth + 1);
    } else if (Array.isArray(value)) {
      w.row(level, [`${label}:`], level === 0 ? 'header' : undefined);
      for (const child of value) {
        if (isObj(child)) writeUnstructured(w, level + 1, child, path, depth + 1);
        else w.write(level + 1, scalar(child));
      }
    } else {
      writeValue(w, level, label, value);
    }
  }
}

/** kubectl's generic describer (custom resources and kinds without a dedicated describer). */
export function describeGeneric(w: DescribeWriter, o: KubeObject): void {
  writeHead(w, o, str(o.metadata?.namespace) !== '');
  writeUnstructured(w, 0, o as unknown as JsonObject);
}
