import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DaemonClient } from '@kubetile/client-tui';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor } from '../test/helpers/daemon-process.js';
import { opts } from './lib/options.js';
import { cpuMs, load } from './lib/proc.js';
import { record, skipped } from './lib/verdict.js';
import { bareInstance, ECHO } from './plugins.js';
import { dist, msShort, pace, report, summary } from './stats.js';

const firstLine = (v: PaneView): string | undefined => (v.type === 'lines' ? v.lines[0]?.text : undefined);

/**
 * PaneCommand → WASM plugin (its worker) → render → the client's pane/view, against a bare call to
 * the same plugin through the daemon's plugin worker code in this process; one sample of each in
 * turn (A B A B), paced like a fast typist. An `rpc/echo` on the same socket is measured in turn too:
 * bare call + echo is the least the daemon path can cost (two process hops more than the bare call).
 */
export async function benchPluginCommand(): Promise<void> {
  if (!existsSync(ECHO)) {
    skipped('PaneCommand → plugin → view (p50)', '≤ 2× bare call', `${ECHO} is missing: run npm run build:plugins`);
    return;
  }
  const env = makeTestEnv();
  mkdirSync(dirname(env.configFile), { recursive: true });
  writeFileSync(env.configFile, `[[plugins]]\nkey = "echo"\npath = "${ECHO}"\n`);
  const daemon = await startDaemon(env);
  const plugin = await bareInstance(ECHO);
  // The client library kubetile's own clients use (each request in one socket write; the test
  // helper's RawClient writes a request's header and body apart, which can wake the daemon twice).
  const c = await DaemonClient.connect(env.socket);
  try {
    await c.call('session/attach', { size: { cols: opts.cols, rows: opts.rows } });
    let paneId = -1;
    const early: Array<{ paneId: number; view: PaneView }> = [];
    let shown: PaneView | undefined;
    let waiter: { want: string; resolve: (t: number) => void } | null = null;
    c.onAny((method, params) => {
      if (method !== 'pane/view') return;
      const p = params as { paneId: number; view: PaneView };
      if (paneId < 0) early.push(p);
      if (p.paneId !== paneId) return;
      shown = p.view;
      if (waiter && firstLine(p.view) === waiter.want) {
        const w = waiter;
        waiter = null;
        w.resolve(performance.now());
      }
    });
    paneId = ((await c.call('pane/open', { view: { key: 'echo' } })) as { paneId: number }).paneId;
    shown = early.filter((p) => p.paneId === paneId).at(-1)?.view;
    await waitFor('the echo pane', () => shown?.type === 'lines');
    const viaDaemon = async (i: number): Promise<number> => {
      const type = i % 2 ? 'select_prev' : 'select_next';
      const t0 = performance.now();
      const seen = new Promise<number>((resolve) => (waiter = { want: type, resolve }));
      void c.call('pane/command', { paneId, command: { type } });
      return (await seen) - t0;
    };
    const bare = async (i: number): Promise<number> => {
      const input = JSON.stringify({ type: i % 2 ? 'select_prev' : 'select_next', pane_id: 1 });
      const t0 = performance.now();
      await plugin.call('plugin_on_command', input);
      return performance.now() - t0;
    };
    // The socket's own round trip (no plugin): what the daemon path adds at the least to a bare call.
    const echo = async (i: number): Promise<number> => {
      const t0 = performance.now();
      await c.call('rpc/echo', { value: i });
      return performance.now() - t0;
    };
    for (let i = 0; i < 20; i++) {
      await bare(i);
      await viaDaemon(i);
      await echo(i);
    }
    const a: number[] = [];
    const b: number[] = [];
    const e: number[] = [];
    const n = opts.quick ? 100 : 300;
    let daemonCpu = 0;
    for (let i = 0; i < n; i++) {
      a.push(await bare(i));
      await pace(25);
      const cpu0 = cpuMs(daemon.child.pid!);
      b.push(await viaDaemon(i));
      daemonCpu += cpuMs(daemon.child.pid!) - cpu0;
      await pace(25);
      e.push(await echo(i));
      await pace(25);
    }
    const as = summary(a);
    const bs = summary(b);
    const es = summary(e);
    report('plugins: PaneCommand → WASM plugin → render → pane/view, vs a bare plugin-worker call, interleaved (A B C A B C)', [
      ['machine load', load()],
      ['bare plugin-worker call', dist(as)],
      ['pane/command → plugin → pane/view', dist(bs)],
      ['rpc/echo on the same socket (no plugin)', dist(es)],
      ['ratio p50 / p99', `${(bs.p50 / as.p50).toFixed(2)}x / ${(bs.p99 / as.p99).toFixed(2)}x`],
      ['daemon CPU per pane/command (all its threads, /proc, 10 ms ticks: a mean)', `${(daemonCpu / n).toFixed(2)} ms`],
      ['floor: bare call + echo, p50', `${msShort(as.p50 + es.p50)} (${((as.p50 + es.p50) / as.p50).toFixed(2)}x the bare call); the daemon's own part, p50: ${msShort(bs.p50 - as.p50 - es.p50)}`],
    ]);
    record({ figure: 'PaneCommand → plugin → view (p50)', value: msShort(bs.p50), baseline: `bare call ${msShort(as.p50)}`, ratio: `${(bs.p50 / as.p50).toFixed(2)}x`, goal: '≤ 2× bare call', met: bs.p50 <= 2 * as.p50 });
  } finally {
    c.close();
    await plugin.close();
    await daemon.stop();
    env.cleanup();
  }
}
