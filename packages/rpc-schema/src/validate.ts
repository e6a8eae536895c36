import { z } from 'zod';

/** A readable one-line message naming each invalid field, e.g. `size.cols: expected number, received string`. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .flatMap((i) =>
      // A field the schema does not take (strict objects) is named by its own path, e.g. `view.arg: unknown field`.
      i.code === 'unrecognized_keys' ? i.keys.map((k) => `${[...i.path, k].join('.')}: unknown field`) : [`${i.path.length ? i.path.join('.') : '(params)'}: ${i.message}`],
    )
    .slice(0, 5)
    .join('; ');
}

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

export function validate<S extends z.ZodType>(schema: S, value: unknown): Validated<z.infer<S>> {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: formatZodError(r.error) };
}

export * from './json-bounds.js';
