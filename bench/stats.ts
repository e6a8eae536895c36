/** Percentiles of a sample, in the sample's unit. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summary(samples: number[]): { p50: number; p99: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), n: s.length };
}

export const ms = (n: number): string => `${n.toFixed(3)} ms`;

export function report(title: string, rows: Array<[string, string]>): void {
  process.stdout.write(`\n== ${title}\n`);
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(w)}  ${v}\n`);
}

export const sleep = (msDelay: number) => new Promise((r) => setTimeout(r, msDelay));
