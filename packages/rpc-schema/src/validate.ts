import { z } from 'zod';

/** A readable one-line message naming each invalid field, e.g. `size.cols: expected number, received string`. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(params)'}: ${i.message}`)
    .join('; ');
}

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

export function validate<S extends z.ZodType>(schema: S, value: unknown): Validated<z.infer<S>> {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: formatZodError(r.error) };
}

export * from './json-bounds.js';
