/**
 * Defensive readers for API JSON: objects from the server (or a plugin, or a test) may lack any field,
 * so every accessor takes `unknown` and returns a safe default instead of throwing.
 */

export type JsonObject = Record<string, unknown>;

export function isObj(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` as an object, or `{}`. */
export function obj(v: unknown): JsonObject {
  return isObj(v) ? v : {};
}

/** `v` as an array, or `[]`. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `v` as an array of objects (non-objects skipped). */
export function objs(v: unknown): JsonObject[] {
  return arr(v).filter(isObj);
}

/** `v` as a string (numbers and booleans stringified), or `''`. */
export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '';
}

/** `v` as a finite number (numeric strings accepted), or `undefined`. */
export function numOrUndef(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** `v` as a finite number, or `fallback` (0). */
export function num(v: unknown, fallback = 0): number {
  return numOrUndef(v) ?? fallback;
}

/** Walks `keys` through nested objects; `undefined` as soon as a step is missing. */
export function at(v: unknown, ...keys: string[]): unknown {
  let cur: unknown = v;
  for (const k of keys) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** A string map (`labels`, `nodeSelector`…): non-string values stringified, non-objects → `{}`. */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) out[k] = str(val);
  return out;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp, or `undefined` when absent/unparseable. */
export function timeMs(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}
