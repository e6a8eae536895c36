/**
 * How much to measure: `npm run bench` (100k pods, enough samples for a p99) or
 * `npm run bench -- --quick` (20k pods, fewer samples: for development, under 3 minutes).
 */
export const QUICK = process.argv.includes('--quick');

export const opts = {
  quick: QUICK,
  /** Pods in the big list. */
  pods: Number(process.env.KT_BENCH_PODS ?? (QUICK ? 20_000 : 100_000)),
  /** Terminal size of every client. */
  cols: 160,
  rows: 50,
  /** Key → painted samples per side (interleaved); KT_BENCH_KEYS for a longer look at the tail. */
  keySamples: Number(process.env.KT_BENCH_KEYS ?? (QUICK ? 40 : 200)),
  /** Cold loads of the big list (each against one curl). */
  loads: Number(process.env.KT_BENCH_LOADS ?? (QUICK ? 1 : 2)),
  /** Rounds of holding `j` for 5 s. */
  holds: QUICK ? 1 : 2,
  /**
   * Filter/sort rounds, each `j`, `/9`, `8`, `7`, Esc and a sort by every column (~1 s): the first filter
   * key and `j` get one sample a round, so 100 rounds make their p99 the second worst of 100, not the
   * worst of 4 (the full run's figure had been the max of 4 samples).
   */
  filterRounds: QUICK ? 6 : 100,
  /** Marker pods per window under churn, and windows per order (sorted / unsorted, interleaved). */
  markers: QUICK ? 8 : 12,
  churnRounds: QUICK ? 1 : 2,
  /** CPU windows (each side) under churn, seconds each. */
  cpuWindows: QUICK ? 2 : 4,
  cpuWindowS: 3,
  /**
   * Clients for the fan-out figure (the 32; fewer with --quick, said in the figure), and keys
   * measured a side (in blocks of 25, interleaved): 200 make the p99 the second worst of 200, not the
   * worst of 50 (one stall of the machine had decided the figure).
   */
  fanout: Number(process.env.KT_BENCH_FANOUT ?? (QUICK ? 8 : 32)),
  fanoutKeys: QUICK ? 20 : 200,
  /** Spawn samples (daemon, client, kubectl, node). */
  spawns: QUICK ? 2 : 6,
  /** Cold starts (no daemon: the client starts one). */
  coldSpawns: QUICK ? 1 : 2,
};

/**
 * `KT_BENCH_PROF=DIR`: the daemons and kubetile clients the benchmark starts write V8 CPU profiles
 * (`node --cpu-prof`) into DIR when they exit (open them in Chrome's DevTools or speedscope), sampled
 * every `KT_BENCH_PROF_US` µs (default 1000; 100 shows what a slow key met, at some cost to it). For
 * finding why a figure misses its goal; the figures of such a run are slower.
 */
export const profArgs = (): string[] => {
  const dir = process.env.KT_BENCH_PROF;
  if (!dir) return [];
  const us = process.env.KT_BENCH_PROF_US;
  if (us !== undefined && !/^[1-9][0-9]{0,6}$/.test(us)) throw new Error(`KT_BENCH_PROF_US must be a whole number of microseconds (1–9999999), not ${JSON.stringify(us)}`);
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...(us ? ['--cpu-prof-interval', us] : [])];
};
