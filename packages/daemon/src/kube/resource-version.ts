/**
 * resourceVersions are opaque strings, but every API server in practice (and conformance since
 * 1.35) uses decimal integers that grow. Compares two; null when either is not such a number.
 */
export function compareResourceVersions(a: string, b: string): number | null {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return null;
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True when `next` is known to be older than `prev`: the server's store went backwards. */
export function wentBackwards(prev: string, next: string): boolean {
  const c = compareResourceVersions(next, prev);
  return c !== null && c < 0;
}
