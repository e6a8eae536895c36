import { z } from 'zod';

/** How many problems an error message names. */
const MAX_SAID = 5;

/**
 * A readable one-line message naming each invalid field (the first five), e.g. `size.cols: expected
 * number, received string`. With the schema, a field it does not take names the one meant when one
 * is a typo away: `sesion: unknown field (did you mean session?)`.
 */
export function formatZodError(error: z.ZodError, schema?: z.ZodType): string {
  // Only those said are worked out: params with 100,000 unknown fields cost the daemon ~200 ms when each got its did-you-mean.
  const said: string[] = [];
  for (const i of error.issues) {
    if (i.code !== 'unrecognized_keys') said.push(`${i.path.length ? i.path.join('.') : '(params)'}: ${i.message}`);
    else {
      for (const k of i.keys.slice(0, MAX_SAID - said.length)) {
        const meant = schema ? nearest(k, fieldsAt(schema, i.path)) : null;
        said.push(`${[...i.path, k].join('.')}: unknown field${meant ? ` (did you mean ${meant}?)` : ''}`);
      }
    }
    if (said.length >= MAX_SAID) break;
  }
  return said.join('; ');
}

/** The fields of the object `path` leads to in `schema` (through optional, nullable and default), else none. */
function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = schema;
  for (let step = 0; s !== undefined; ) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else if (step === path.length) return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
    else if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(path[step++])];
    else return [];
  }
  return [];
}

/** The field at most two edits from `key` (the closest; none when two are as close), else null. */
function nearest(key: string, fields: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  let tie = false;
  for (const f of fields) {
    // Capped one past the best so far: a capped distance is "farther", not a tie with the best (it hid every suggestion once a second field was seen).
    const d = editDistance(key.toLowerCase(), f.toLowerCase(), bestD + 1);
    if (d < bestD) [best, bestD, tie] = [f, d, false];
    else if (d === bestD) tie = true;
  }
  return tie || best === null ? null : best;
}

/** Levenshtein distance, or `cap` once it is clearly at least that. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return Math.min(prev[b.length]!, cap);
}

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

export function validate<S extends z.ZodType>(schema: S, value: unknown): Validated<z.infer<S>> {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: formatZodError(r.error, schema) };
}

export * from './json-bounds.js';
