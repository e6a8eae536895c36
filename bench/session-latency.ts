import { performance } from 'node:perf_hooks';
import { makeTestEnv, startDaemon } from '../test/helpers/daemon-process.js';
import { RawClient } from '../test/helpers/rpc-client.js';
import { ms, report, sleep, summary } from './stats.js';

/**
 * Issue 3's benchmark: the raw JSON-RPC echo round trip on the daemon's socket (the floor) vs a
 * keystroke on client A → the new pane/view on client B. Keys are paced at 40/s (a fast typist),
 * the rate the 16 ms frame pacing is designed for; the floor is measured the same way.
 */
export async function benchSessionLatency(): Promise<{ ratioP99: number }> {
  const env = makeTestEnv();
  const daemon = await startDaemon(env);
  try {
    const a = await RawClient.connect(env.socket);
    const b = await RawClient.connect(env.socket);
    await a.attach({ cols: 160, rows: 48 });
    await b.attach({ cols: 160, rows: 48 });
    const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'help' } });
    await b.waitView('help', paneId, (v) => v.type === 'lines');

    const N = 400;
    const PACE_MS = 25;
    const echo: number[] = [];
    for (let i = 0; i < 50; i++) await a.request('rpc/echo', { value: i }); // warm-up
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      await a.request('rpc/echo', { value: i });
      echo.push(performance.now() - t0);
      await sleep(PACE_MS);
    }

    const keyToView: number[] = [];
    let waiter: ((t: number) => void) | null = null;
    b.conn.onNotification('pane/view', (p: { paneId: number }) => {
      if (p.paneId === paneId && waiter) {
        const w = waiter;
        waiter = null;
        w(performance.now());
      }
    });
    for (let i = 0; i < N + 20; i++) {
      const key = i % 2 === 0 ? 'shift+g' : 'g'; // bottom / top: every key changes the view
      const t0 = performance.now();
      const arrived = new Promise<number>((resolve) => (waiter = resolve));
      void a.request('client/key', { key });
      const t1 = await arrived;
      if (i >= 20) keyToView.push(t1 - t0);
      await sleep(PACE_MS);
    }
    const e = summary(echo);
    const k = summary(keyToView);
    const ratioP99 = k.p99 / e.p99;
    report('session: keystroke on A → pane/view on B (vs echo floor)', [
      ['echo round trip (floor)', `p50 ${ms(e.p50)}  p99 ${ms(e.p99)}  (n=${e.n})`],
      ['key on A → view on B', `p50 ${ms(k.p50)}  p99 ${ms(k.p99)}  (n=${k.n})`],
      ['ratio p50', `${(k.p50 / e.p50).toFixed(2)}x`],
      ['ratio p99', `${ratioP99.toFixed(2)}x  (target ≤ 3)`],
    ]);
    a.close();
    b.close();
    return { ratioP99 };
  } finally {
    await daemon.stop();
    env.cleanup();
  }
}
