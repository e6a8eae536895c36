import type { Style } from '@kubetile/rpc-schema';
import { stringify } from 'yaml';
import { plain, spans, type Line } from './lines.js';

export interface YamlOptions {
  /** Keep `metadata.managedFields` (hidden by default, like `kubectl get -o yaml` since 1.21). */
  showManagedFields: boolean;
}

/** Levels of nesting written out (the copy and the `yaml` library both recurse); a deeper value says so. */
const MAX_DEPTH = 100;

/**
 * A JSON-safe copy: drops functions, symbols and `undefined` members, cuts cycles (`[Circular]`), turns bigints and
 * Dates into strings. Shared sub-objects are copied, so the YAML never needs anchors.
 */
function toPlain(v: unknown, ancestors: object[] = []): unknown {
  if (v === null) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'bigint':
      return v.toString();
    case 'object': {
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
      if (ancestors.includes(v)) return '[Circular]';
      if (ancestors.length > MAX_DEPTH) return `[nested more than ${MAX_DEPTH} levels deep: not shown]`;
      const next = [...ancestors, v];
      if (Array.isArray(v)) return v.map((x) => (x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : toPlain(x, next)));
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        out[k] = toPlain(x, next);
      }
      return out;
    }
    default:
      return undefined;
  }
}

function withoutManagedFields(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const meta = (v as Record<string, unknown>)['metadata'];
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta) || !('managedFields' in meta)) return v;
  const { managedFields: _dropped, ...rest } = meta as Record<string, unknown>;
  return { ...(v as Record<string, unknown>), metadata: rest };
}

/** The YAML text of `obj` (no trailing newline); never throws. */
export function toYamlText(obj: unknown, opts: YamlOptions): string {
  const value = toPlain(opts.showManagedFields ? obj : withoutManagedFields(obj));
  try {
    return stringify(value === undefined ? null : value, { lineWidth: 0, aliasDuplicateObjects: false }).replace(/\n$/, '');
  } catch {
    try {
      return JSON.stringify(value, null, 2) ?? 'null';
    } catch {
      return String(value);
    }
  }
}

const NUMBER = /^[-+]?(?:\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.Inf|\.INF)$|^\.nan$|^\.NaN$|^\.NAN$/;

/** The style of a scalar (or flow) value as written in the YAML text. */
export function scalarStyle(value: string): Style | undefined {
  if (value === '') return undefined;
  if (value.startsWith('"') || value.startsWith("'")) return 'ok';
  if (/^(?:true|false|True|False|TRUE|FALSE)$/.test(value)) return 'dim';
  if (/^(?:null|Null|NULL|~)$/.test(value)) return 'dim';
  if (value === '{}' || value === '[]') return 'dim';
  if (NUMBER.test(value)) return 'warn';
  if (/^[|>][-+]?\d*$/.test(value)) return 'dim';
  return 'ok';
}

/** Splits `rest` (a line after indentation and list markers) into key and value when it is a mapping entry. */
function splitKey(rest: string): { key: string; value: string } | undefined {
  const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'):(?: (.*))?$/.exec(rest);
  if (quoted) return { key: quoted[1] ?? '', value: quoted[2] ?? '' };
  if (rest.startsWith('"') || rest.startsWith("'") || rest.startsWith('#')) return undefined;
  const m = /:(?: |$)/.exec(rest);
  if (!m || m.index === 0) return undefined;
  return { key: rest.slice(0, m.index), value: rest.slice(m.index + 2) };
}

/**
 * Colours YAML text line by line: keys accent, strings ok, numbers warn, booleans/null dim, comments dim,
 * list markers dim, block scalar bodies ok. Each line's text is the YAML line (no line numbers).
 */
export function highlightYaml(text: string): Line[] {
  const out: Line[] = [];
  let blockThreshold: number | undefined;
  for (const raw of text.split('\n')) {
    const indentLen = raw.length - raw.trimStart().length;
    if (blockThreshold !== undefined) {
      if (raw.trim() === '' || indentLen > blockThreshold) {
        out.push(raw === '' ? plain('') : plain(raw, 'ok'));
        continue;
      }
      blockThreshold = undefined;
    }
    const m = /^(\s*)((?:-(?: |$))*)(.*)$/.exec(raw);
    const indent = m?.[1] ?? '';
    const markers = m?.[2] ?? '';
    const rest = m?.[3] ?? raw;
    if (rest.startsWith('#')) {
      out.push(spans([{ text: indent }, { text: markers, style: 'dim' }, { text: rest, style: 'dim' }]));
      continue;
    }
    const kv = splitKey(rest);
    const value = kv ? kv.value : rest;
    if (/^[|>][-+]?\d*$/.test(value)) {
      blockThreshold = kv ? indent.length + markers.length : indent.length + Math.max(0, markers.length - 2);
    }
    const parts: Array<{ text: string; style?: Style | undefined }> = [{ text: indent }, { text: markers, style: 'dim' }];
    if (kv) {
      parts.push({ text: kv.key, style: 'accent' }, { text: rest.length > kv.key.length + 1 ? ': ' : ':' });
    }
    parts.push({ text: value, style: scalarStyle(value) });
    out.push(spans(parts));
  }
  return out;
}

/**
 * `obj` as YAML lines for the YAML pane: managedFields removed unless `showManagedFields`, styled spans,
 * no line numbers in the text. Never throws, whatever `obj` is.
 */
export function renderYaml(obj: unknown, opts: YamlOptions = { showManagedFields: false }): Line[] {
  try {
    return highlightYaml(toYamlText(obj, opts ?? { showManagedFields: false }));
  } catch {
    return [plain('<cannot render this object as YAML>', 'error')];
  }
}
