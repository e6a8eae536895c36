/**
 * Where an object holds an integer JavaScript cannot carry exactly (beyond ±2^53): the daemon reads
 * objects with JSON.parse, so 9007199254740993 arrives as …992, and an edit — a PUT of the whole
 * object — wrote the rounded value back into a field the user never touched. Such an object is not
 * opened for editing; its path is named. Null when there is none.
 */
export function unsafeNumberAt(v: unknown, path = ''): string | null {
  if (typeof v === 'number') return Number.isInteger(v) && !Number.isSafeInteger(v) ? path || '(the object)' : null;
  if (v === null || typeof v !== 'object') return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const at = unsafeNumberAt(v[i], `${path}[${i}]`);
      if (at) return at;
    }
    return null;
  }
  for (const [k, x] of Object.entries(v)) {
    const at = unsafeNumberAt(x, path ? `${path}.${k}` : k);
    if (at) return at;
  }
  return null;
}
