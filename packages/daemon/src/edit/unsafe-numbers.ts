import { dottedPath, firstLeafAt } from '@kubetile/rpc-schema';

/** An integer JavaScript holds rounded (beyond ±2^53). */
const unsafeInteger = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v);

/**
 * Where an object holds an integer JavaScript cannot carry exactly (beyond ±2^53): the daemon reads
 * objects with JSON.parse, so 9007199254740993 arrives as …992, and an edit — a PUT of the whole
 * object — wrote the rounded value back into a field the user never touched. Such an object is not
 * opened for editing; its path is named. Null when there is none.
 */
export function unsafeNumberAt(v: unknown): string | null {
  const at = firstLeafAt(v, unsafeInteger);
  return at === null ? null : dottedPath(at, '(the object)');
}
