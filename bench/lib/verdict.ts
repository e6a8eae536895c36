import { load } from './proc.js';

/** One row of the final table: a figure from the table, measured against its baseline in the same run. */
export interface Figure {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  goal: string;
  /** null when the figure could not be measured here (skipped, with the reason in `value`). */
  met: boolean | null;
  /** Machine load (1/5/15 min) while it was measured. */
  load: string;
  /** A figure without a goal (reported, not judged). */
  info?: boolean;
  /** The benchmark threw before it could measure. */
  failed?: boolean;
}

export const figures: Figure[] = [];

export function record(f: Omit<Figure, 'load'> & { load?: string }): void {
  figures.push({ ...f, load: f.load ?? load() });
}

/** A figure reported in the table without a goal (verdict `—`). */
export function info(figure: string, value: string, baseline = '—', ratio = '—'): void {
  figures.push({ figure, value, baseline, ratio, goal: '—', met: null, load: load(), info: true });
}

/** A benchmark that threw: its row says so (verdict FAILED). */
export function failure(figure: string, why: string): void {
  figures.push({ figure, value: `failed: ${why}`, baseline: '—', ratio: '—', goal: '—', met: false, load: load(), failed: true });
}

export function skipped(figure: string, goal: string, why: string): void {
  record({ figure, value: `skipped: ${why}`, baseline: '—', ratio: '—', goal, met: null });
}

/** The table at the end of `npm run bench`: figure, baseline, ratio, goal, met / not met. */
export function printTable(startLoad: string): void {
  const head = ['figure', 'measured', 'baseline (same run)', 'ratio', 'goal', 'verdict', 'load 1/5/15'];
  const rows = figures.map((f) => [f.figure, f.value, f.baseline, f.ratio, f.goal, f.failed ? 'FAILED' : f.info ? '—' : f.met === null ? 'skipped' : f.met ? 'met' : 'NOT MET', f.load]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  process.stdout.write(`\n== summary (machine load before: ${startLoad}; after: ${load()}; ${figures.filter((f) => f.met).length}/${figures.filter((f) => f.met !== null).length} goals met)\n\n`);
  process.stdout.write(`${line(head)}\n|${w.map((n) => '-'.repeat(n + 2)).join('|')}|\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}
