/**
 * Orders names as people read a list of them: letters case-insensitively, then by code unit (so the
 * order is total and stable) — without ICU's collation, which `localeCompare` loads on its first call
 * (~7 ms) and whose data (~3 MiB) the daemon then holds for good.
 */
export function compareText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders by code unit, as Go compares strings (kubectl's sorts). */
export const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
