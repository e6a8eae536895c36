import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startKubeSim } from '@kubetile/kube-sim';
import { AttachedClient, Store } from '@kubetile/client-tui';
import type { SessionLayout } from '@kubetile/rpc-schema';
import { CLIENT_MAIN, makeTestEnv, waitFor, type TestEnv } from '../test/helpers/daemon-process.js';
import { RawClient } from '../test/helpers/rpc-client.js';
import { QUICK } from './lib/options.js';
import { ms, report, sleep, summary } from './stats.js';

/**
 * Issue 11's benchmark, two figures, each against a baseline measured in the same run, interleaved:
 *  - the daemon gone (kill -9) and `kubetile daemon start` → the layout back on an attached client
 *    (the TUI's AttachedClient with its default retry), with two tabs, three panes and a port-forward
 *    restored; baseline: a cold `kubetile daemon start` → a new client's first layout (nothing to
 *    restore). `kubetile daemon restart` itself is tried once and what the attached client does is said
 *    (today daemon/shutdown tells attached clients to exit, so they do not come back);
 *  - `kubetile snapshot PANE` (a process per call, as a script runs it) vs the `rpc/echo` floor, both
 *    on an open socket and as `kubetile rpc rpc/echo` (the same process cost, nothing to render).
 */

const run = promisify(execFile);
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

async function kubetile(env: TestEnv, ...args: string[]): Promise<string> {
  const r = await run(process.execPath, [CLIENT_MAIN, ...args], { env: env.env, timeout: 120_000 });
  return r.stdout;
}

const shape = (l: SessionLayout | null): string => JSON.stringify(l?.tabs.map((t) => ({ id: t.id, tree: t.tree, ns: t.namespace })) ?? null);

export async function benchService(): Promise<{ restartP50: number; coldStartP50: number; restartOutcome: string; snapshotP50: number; cliEchoP50: number }> {
  const startLoad = load();
  const simEnv = makeTestEnv();
  const sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: join(simEnv.dir, 'kubeconfig'), stateDir: join(simEnv.dir, 'sim') });
  for (let i = 0; i < 200; i++) {
    sim.createObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 80 }] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
    });
  }
  const env = makeTestEnv();
  const cold = makeTestEnv();
  for (const e of [env, cold]) {
    e.env.KUBECONFIG = join(simEnv.dir, 'kubeconfig');
    e.env.KUBETILE_SOCKET = e.socket;
  }
  let tui: AttachedClient | null = null;
  try {
    await kubetile(env, 'daemon', 'start');
    const c = await RawClient.connect(env.socket);
    const { paneId: listId } = await c.request<{ paneId: number }>('pane/open', { session: 'main', view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await c.request('pane/command', { paneId: listId, command: { type: 'filter', query: 'web-1' } });
    await c.request('pane/open', { session: 'main', view: { key: 'help' }, split: { paneId: listId, direction: 'vertical' } });
    await c.request('portForward/start', { namespace: 'default', pod: 'web-1', remotePort: 80 });
    c.close();

    const store = new Store({ cols: 160, rows: 48 });
    tui = new AttachedClient({ socket: env.socket, session: 'main', store });
    await tui.start();
    const visible = (): number => {
      const l = store.getState().layout;
      const tab = l?.tabs.find((t) => t.id === l.activeTabId);
      return tab ? JSON.stringify(tab.tree).split('"paneId"').length - 1 : 0;
    };
    await waitFor('views', () => store.getState().views.size >= visible() && visible() > 0);
    const before = shape(store.getState().layout);
    // Saved sessions are written shortly after a change: wait for both tabs and the forward on disk.
    const stateFile = join(env.dir, 'state', 'kubetile', 'sessions.json');
    await waitFor('the sessions saved (two tabs, the forward)', () => {
      if (!existsSync(stateFile)) return false;
      const saved = readFileSync(stateFile, 'utf8');
      return saved.includes('"localPort"') && saved.includes('"help"');
    }, 30_000);

    const restored = (label: string, since: number): Promise<number> =>
      waitFor(label, () => {
        const s = store.getState();
        return s.conn.state === 'connected' && shape(s.layout) === before && s.views.size >= visible();
      }, 60_000, 5)
        .then(() => performance.now() - since)
        .catch((err: unknown) => {
          const s = store.getState();
          throw new Error(`${String(err)} (connection ${JSON.stringify(s.conn)}, ${s.views.size}/${visible()} views; layout before ${before}, now ${shape(s.layout)})`);
        });
    const daemonPid = async (): Promise<number> => {
      const r = await RawClient.connect(env.socket);
      try {
        return (await r.request<{ pid: number }>('daemon/status', {})).pid;
      } finally {
        r.close();
      }
    };

    // The daemon goes away under the attached client (kill -9: a graceful stop tells attached clients
    // to exit, see below) and `kubetile daemon start` brings it back; done when the client shows the
    // same layout with every visible pane's view. Baseline: a cold start → a new client's first layout.
    const restart: number[] = [];
    const coldStart: number[] = [];
    const ROUNDS = QUICK ? 2 : 4;
    for (let i = 0; i < ROUNDS; i++) {
      const pid = await daemonPid();
      let t0 = performance.now();
      process.kill(pid, 'SIGKILL');
      await waitFor('the killed daemon gone', () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 10_000, 2);
      await kubetile(env, 'daemon', 'start');
      restart.push(await restored(`the layout restored on the attached client (round ${i})`, t0));
      // B: a cold start and a new client's first layout.
      t0 = performance.now();
      await kubetile(cold, 'daemon', 'start');
      const b = await RawClient.connect(cold.socket);
      await b.attach({ cols: 160, rows: 48 });
      await b.waitLayout('first layout', () => true);
      coldStart.push(performance.now() - t0);
      b.close();
      await kubetile(cold, 'kill-server');
      await sleep(200);
    }
    const r = summary(restart);
    const cs = summary(coldStart);

    // `kubetile daemon restart` itself, once, with the client attached: does the client come back?
    const t0 = performance.now();
    await kubetile(env, 'daemon', 'restart');
    let restartOutcome: string;
    try {
      // Done when the client is back with the layout, or has been told to exit (then it never comes back).
      await waitFor('the attached client back or gone after kubetile daemon restart', () => {
        const s = store.getState();
        return s.conn.state === 'exited' || (s.conn.state === 'connected' && shape(s.layout) === before && s.views.size >= visible());
      }, 60_000, 5);
      if (store.getState().conn.state === 'exited') throw new Error('exited');
      restartOutcome = `layout restored on the attached client in ${(performance.now() - t0).toFixed(0)} ms`;
    } catch {
      const conn = store.getState().conn;
      restartOutcome = `not restored: the client ${conn.state === 'exited' ? `exited (${conn.reason})` : `is ${conn.state}`}`;
    }
    report(`service: daemon gone (kill -9) + kubetile daemon start → layout restored on an attached client (2 tabs, 2 panes + a port-forward; load ${startLoad})`, [
      ['kill -9 → start → restored (TUI reconnect)', `p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  (n=${r.n})`],
      ['baseline: cold daemon start → first layout', `p50 ${ms(cs.p50)}  p99 ${ms(cs.p99)}  (n=${cs.n})`],
      ['ratio p50', `${(r.p50 / cs.p50).toFixed(2)}x`],
      ['kubetile daemon restart, client attached', restartOutcome],
    ]);
    if (store.getState().conn.state === 'exited') {
      // The client left: attach a fresh one for the rest (snapshots do not need it).
      tui.dispose();
      tui = null;
    }

    // Snapshot round trips, interleaved with both floors.
    const raw = await RawClient.connect(env.socket);
    const echo: number[] = [];
    const cliEcho: number[] = [];
    const snap: number[] = [];
    for (let i = 0; i < (QUICK ? 2 : 5); i++) await kubetile(env, 'snapshot', String(listId)); // warm-up (file cache)
    for (let i = 0; i < (QUICK ? 6 : 20); i++) {
      let t0 = performance.now();
      await raw.request('rpc/echo', { value: i });
      echo.push(performance.now() - t0);
      t0 = performance.now();
      await kubetile(env, 'rpc', 'rpc/echo', `{"value":${i}}`);
      cliEcho.push(performance.now() - t0);
      t0 = performance.now();
      const out = await kubetile(env, 'snapshot', String(listId));
      snap.push(performance.now() - t0);
      if (!out.includes('web-1')) throw new Error(`snapshot shows no web-1:\n${out}`);
    }
    raw.close();
    const e = summary(echo);
    const ce = summary(cliEcho);
    const sn = summary(snap);
    report(`service: kubetile snapshot round trip vs the rpc/echo floor (load now ${load()})`, [
      ['rpc/echo on an open socket (floor)', `p50 ${ms(e.p50)}  p99 ${ms(e.p99)}  (n=${e.n})`],
      ['kubetile rpc rpc/echo (process floor)', `p50 ${ms(ce.p50)}  p99 ${ms(ce.p99)}  (n=${ce.n})`],
      ['kubetile snapshot PANE', `p50 ${ms(sn.p50)}  p99 ${ms(sn.p99)}  (n=${sn.n})`],
      ['snapshot / process floor, p50', `${(sn.p50 / ce.p50).toFixed(2)}x`],
      ['snapshot / socket floor, p50', `${(sn.p50 / e.p50).toFixed(0)}x`],
    ]);
    return { restartP50: r.p50, coldStartP50: cs.p50, restartOutcome, snapshotP50: sn.p50, cliEchoP50: ce.p50 };
  } finally {
    tui?.dispose();
    await kubetile(env, 'kill-server').catch(() => undefined);
    await kubetile(cold, 'kill-server').catch(() => undefined);
    await sim.stop();
    for (const e of [env, cold, simEnv]) e.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchService();
