import { isScalar, parseAllDocuments, visit, type Document } from 'yaml';
import { yamlDepthError } from './yaml-depth.js';

/**
 * The YAML an editor returned, read into a value: the one heavy step of an edit (a big or hostile
 * text runs in a worker thread, see edit-yaml-off-thread.ts), so it is pure and its answer plain data.
 */
export type ParsedEdit =
  /** No document with content (empty, comments only). */
  | { kind: 'empty' }
  | { kind: 'invalid'; errors: string[] }
  | { kind: 'value'; value: unknown };

/** How many of the parser's reasons are shown (the editor's header). */
const MAX_REASONS = 3;

export function parseEditYaml(text: string): ParsedEdit {
  const tooDeep = yamlDepthError(text);
  if (tooDeep) return { kind: 'invalid', errors: [tooDeep] };
  // Pretty errors cost a scan of the text each (minutes for a file of 600k stray `]`): the few
  // shown are placed here instead. Duplicate keys are found below in one pass (the parser's own
  // check compares each key with every other one: seconds for a ConfigMap of 50,000 keys).
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  const live = Array.from(docs).filter((d) => d.contents !== null);
  if (live.length === 0) return { kind: 'empty' };
  if (live.length !== 1) return { kind: 'invalid', errors: [`the file holds ${live.length} YAML documents; it must hold exactly one, the object`] };
  const doc = live[0]!;
  if (doc.errors.length) return { kind: 'invalid', errors: doc.errors.slice(0, MAX_REASONS).map((e) => `YAML: ${firstLine(e.message)} at ${where(text, e.pos[0])}`) };
  const dup = duplicateKeys(doc, text);
  if (dup.length) return { kind: 'invalid', errors: dup };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { kind: 'invalid', errors: [`YAML: ${firstLine(err instanceof Error ? err.message : String(err))}`] };
  }
  const odd = notJson(value);
  if (odd) return { kind: 'invalid', errors: [odd] };
  return { kind: 'value', value };
}

/**
 * Keys a mapping holds twice, as the object will have them (`1` and `"1"` are the same key in
 * JSON: one would silently replace the other).
 */
function duplicateKeys(doc: Document, text: string): string[] {
  const out: string[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const at = isScalar(pair.key) && pair.key.range ? ` at ${where(text, pair.key.range[0])}` : '';
        out.push(`YAML: Map keys must be unique: ${JSON.stringify(key).slice(0, 100)} is there twice${at}`);
        if (out.length >= MAX_REASONS) return visit.BREAK;
      }
      return undefined;
    },
  });
  return out;
}

/**
 * Where a value that JSON cannot carry is (a `!!binary` tag's bytes, a `!!set`, `.nan`, `.inf`):
 * written as it is, it would reach the API server as something else (`{}`, `null`).
 */
function notJson(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    const at = path || 'the top';
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `${at}: ${v} is not a number an object can hold`;
      continue;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push([x, `${path}[${i}]`]));
      continue;
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, x] of Object.entries(v)) stack.push([x, path ? `${path}.${k}` : k]);
      continue;
    }
    const what = v instanceof Date ? 'a timestamp (!!timestamp)' : v instanceof Uint8Array ? 'bytes (!!binary)' : v instanceof Set ? 'a set (!!set)' : v instanceof Map ? 'an ordered map (!!omap)' : typeof v;
    return `${at}: ${what} cannot be written to an object; write it as a quoted string`;
  }
  return null;
}

/** `line L, column C` of `offset` in `text` (1-based). */
function where(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${offset - start + 1}`;
}

const firstLine = (s: string): string => s.split('\n')[0]!.slice(0, 300);
