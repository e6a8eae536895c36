/** Percentiles of a sample, in the sample's unit. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Summary {
  p50: number;
  p99: number;
  max: number;
  min: number;
  n: number;
}

/** A timed sample: when it was sent and when it was answered (performance.now()). */
export type Span = [sent: number, answered: number];

/** Each span's duration. */
export const durations = (spans: readonly Span[]): number[] => spans.map(([sent, answered]) => answered - sent);

export function summary(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN, min: s[0] ?? NaN, n: s.length };
}

export const ms = (n: number): string => `${n.toFixed(3)} ms`;
/** A duration rounded for a table: 0.42 ms, 12.3 ms, 1,234 ms. */
export const msShort = (n: number): string => (!Number.isFinite(n) ? '—' : n < 10 ? `${n.toFixed(2)} ms` : n < 100 ? `${n.toFixed(1)} ms` : `${Math.round(n).toLocaleString('en')} ms`);
/** `p50 x  p99 y  max z  (n=…)` */
export const dist = (s: Summary): string => `p50 ${msShort(s.p50)}  p99 ${msShort(s.p99)}  max ${msShort(s.max)}  (n=${s.n})`;

export function report(title: string, rows: Array<[string, string]>): void {
  process.stdout.write(`\n== ${title}\n`);
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(w)}  ${v}\n`);
}

export const sleep = (msDelay: number) => new Promise((r) => setTimeout(r, msDelay));

/** A pause of `base` ms ± `jitter` ms, so samples do not lock onto a timer's phase. */
export const pace = (base: number, jitter = base / 2) => sleep(base + (Math.random() * 2 - 1) * jitter);

/** Runs `a` and `b` alternately, `rounds` times each (A B A B …). */
export async function interleave(rounds: number, a: (round: number) => Promise<void>, b: (round: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await a(i);
    await b(i);
  }
}
