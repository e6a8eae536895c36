/**
 * A whole number with thousands separators (`12,500`), as `toLocaleString('en')` writes it, without
 * ICU: the first `toLocaleString` of a process loads ICU's number formatting (~11 ms, 20–40 ms on a
 * loaded 2-core machine) and pages in ~5 MiB of its data, which the daemon then holds for good (a
 * logs pane's footer, a query's row count or a big list's `loading 500 / ~100,000` was enough).
 */
export function grouped(n: number): string {
  const s = String(Math.trunc(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
