/**
 * A bounded string pool, so the many copies of the same short value in stored indexes (phase,
 * node name, label keys and values) share one string.
 */
const pool = new Map<string, string>();
const MAX_ENTRIES = 200_000;
const MAX_LENGTH = 64;

export function intern(s: string): string {
  if (s.length > MAX_LENGTH) return s;
  const hit = pool.get(s);
  if (hit !== undefined) return hit;
  if (pool.size < MAX_ENTRIES) pool.set(s, s);
  return s;
}
