import { performance } from 'node:perf_hooks';
import { BenchCluster } from './lib/cluster.js';
import { QUICK, opts } from './lib/options.js';
import { load } from './lib/proc.js';
import { failure, info, printTable } from './lib/verdict.js';
import { msShort } from './stats.js';

/**
 * `npm run bench [-- --quick] [-- name…]`: every figure of the issue's table measured as a user sees
 * it (real kubetile clients in ptys, frames read from the terminal), each against its baseline in the
 * same run, interleaved, then a table: figure, baseline, ratio, goal, met / not met.
 * `--quick`: 20k pods and fewer samples (under 3 minutes), and only the table's figures unless the
 * other benchmarks (plugins, logs, port-forward) are named.
 * Names run only those: lists, frames, startup, plugin-command, service, plugins, logs, port-forward.
 * Environment: KT_BENCH_PODS (size of the big list), KT_BENCH_LOADS (cold loads), KT_BENCH_FANOUT
 * (clients attached at once), KT_BENCH_KEYS (keys timed on A → B, per side), KT_BENCH_PROF=DIR (CPU
 * profiles of the daemons and clients it starts).
 * Type-checked by `npx tsc --noEmit -p bench`; not part of `npm test` (speed belongs here, not in tests).
 */
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const startLoad = load();
const started = performance.now();
process.stdout.write(`kubetile bench${QUICK ? ' --quick' : ''}: ${opts.pods.toLocaleString('en')} pods, ${opts.cols}×${opts.rows} terminals; machine load (1/5/15 min) ${startLoad}\n`);

/** One kube-sim process shared by the table's figures, started on first use. */
const sim: { cluster: BenchCluster | null } = { cluster: null };
const shared = async (): Promise<BenchCluster> => (sim.cluster ??= await BenchCluster.start());
const stopShared = (): void => {
  sim.cluster?.stop(failed.length > 0);
  sim.cluster = null;
};
let clientCpu: number[] = [];

/** The table's figures. */
const figures: Array<[string, () => Promise<unknown>]> = [
  ['lists', async () => (clientCpu = (await (await import('./lists.js')).benchLists(await shared())).clientCpuPerFrame)],
  ['frames', async () => (await import('./frames.js')).benchFrames(await shared(), clientCpu)],
  ['startup', async () => (await import('./startup.js')).benchStartup(await shared())],
  ['plugin-command', async () => (await import('./plugin-command.js')).benchPluginCommand()],
  ['service', async () => {
    const r = await (await import('./service.js')).benchService();
    info('issue 11: daemon kill -9 + start → layout restored on an attached client (p50)', msShort(r.restartP50), `cold start → layout ${msShort(r.coldStartP50)}`, `${(r.restartP50 / r.coldStartP50).toFixed(2)}x`);
    info('issue 11: kubetile daemon restart, client attached', r.restartOutcome);
    info('issue 11: kubetile snapshot round trip (p50)', msShort(r.snapshotP50), `kubetile rpc rpc/echo ${msShort(r.cliEchoP50)}`, `${(r.snapshotP50 / r.cliEchoP50).toFixed(2)}x`);
  }],
];
/** The other benchmarks: in the full run, or when named. */
const others: Array<[string, () => Promise<unknown>]> = [
  ['plugins', async () => (await import('./plugins.js')).benchPlugins()],
  ['logs', async () => (await import('./logs.js')).benchLogs()],
  ['port-forward', async () => (await import('./port-forward.js')).benchPortForward()],
];

const unknown = names.filter((n) => ![...figures, ...others].some(([k]) => k === n));
if (unknown.length) {
  process.stderr.write(`bench: no benchmark named ${unknown.join(', ')} (known: ${[...figures, ...others].map(([k]) => k).join(', ')})\n`);
  process.exit(2);
}
/** Runs one benchmark and says how long it took (the budget: --quick under 3 minutes, the full run under 15). */
async function timed(name: string, run: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  try {
    await run();
  } catch (err) {
    // One benchmark failing does not hide the others' figures: it is a row of the table, and the exit code.
    failed.push(name);
    process.stderr.write(`\nbench ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    failure(`${name}: benchmark failed`, err instanceof Error ? err.message.split('\n')[0]!.slice(0, 160) : String(err));
  }
  process.stdout.write(`\n(${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s, load ${load()})\n`);
}
const failed: string[] = [];

try {
  for (const [name, run] of figures) if (names.length === 0 || names.includes(name)) await timed(name, run);
  stopShared();
  for (const [name, run] of others) if (names.includes(name) || (names.length === 0 && !QUICK)) await timed(name, run);
} finally {
  stopShared();
}
printTable(startLoad);
process.stdout.write(`\n(${((performance.now() - started) / 1000).toFixed(0)} s${failed.length ? `; failed: ${failed.join(', ')}` : ''})\n`);
// Whatever a benchmark left behind (a pty, a keep-alive socket) must not keep the run alive.
process.exit(failed.length ? 1 : 0);
