import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import type { PaneView } from '@kubetile/rpc-schema';
import { unavailableKubeAccess } from '../packages/daemon/src/plugins/kube-access.js';
import { PluginInstance } from '../packages/daemon/src/plugins/plugin-instance.js';
import { loadPluginFile } from '../packages/daemon/src/plugins/plugin-module.js';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor } from '../test/helpers/daemon-process.js';
import { RawClient } from '../test/helpers/rpc-client.js';
import { ms, report, sleep, summary } from './stats.js';

export const ECHO = join(REPO_ROOT, 'test/fixtures/plugins/build/echo.wasm');
const SMOKE = join(REPO_ROOT, 'plugins/smoke/build/smoke.wasm');
const SPIN = join(REPO_ROOT, 'test/fixtures/plugins/build/spin.wasm');
const AMPLIFY = join(REPO_ROOT, 'test/fixtures/plugins/build/alloc-amplify.wasm');
const PACE_MS = 25;
const N = 300;
const INSTANCES = 20;
/** Keystrokes measured while a plugin spins: they must fit in one 10 s call timeout (the cap). */
const SPIN_N = 200;

const firstLine = (v: PaneView): string | undefined => (v.type === 'lines' ? v.lines[0]?.text : undefined);

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** A plugin instance as the daemon runs one (its own worker thread), in this process. */
export async function bareInstance(path: string): Promise<PluginInstance> {
  const mod = await loadPluginFile(path, []);
  return PluginInstance.create({
    key: 'bench',
    module: mod.module,
    permissions: [],
    timeoutMs: 10_000,
    config: {},
    logger: pino({ level: 'silent' }),
    pane: { paneId: 1, scope: () => ({ context: null, namespace: 'default' }), kube: unavailableKubeAccess, render: () => undefined, clipboard: () => undefined },
  });
}

/** The floor: a bare call to the same plugin through the daemon's plugin worker, in this process, same pacing. */
async function bareCalls(): Promise<number[]> {
  const plugin = await bareInstance(ECHO);
  try {
    const out: number[] = [];
    for (let i = 0; i < N + 20; i++) {
      const input = JSON.stringify({ type: i % 2 ? 'select_next' : 'select_prev', pane_id: 1 });
      const t0 = performance.now();
      await plugin.call('plugin_on_command', input);
      if (i >= 20) out.push(performance.now() - t0);
      await sleep(PACE_MS);
    }
    return out;
  } finally {
    await plugin.close();
  }
}

async function bareStarts(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const p = await bareInstance(SMOKE);
    await p.call('plugin_init', '{}');
    await p.call('plugin_on_open', '{"pane_id":1}');
    out.push(performance.now() - t0);
    await p.close();
  }
  return out;
}

/**
 * A request on a client → the pane's new view on that client, `n` times paced like a fast typist.
 * `send(i)` sends request i; `changed(view, i)` says whether a view is the answer to it.
 */
export async function requestToView(c: RawClient, paneId: number, send: (i: number) => void, changed: (v: PaneView, i: number) => boolean, n: number): Promise<number[]> {
  const out: number[] = [];
  let waiter: ((t: number) => void) | null = null;
  let want = 0;
  const off = c.conn.onNotification('pane/view', (p: { paneId: number; view: PaneView }) => {
    if (p.paneId === paneId && waiter && changed(p.view, want)) {
      const w = waiter;
      waiter = null;
      w(performance.now());
    }
  });
  try {
    for (let i = 0; i < n + 20; i++) {
      want = i;
      const t0 = performance.now();
      const arrived = new Promise<number>((resolve) => (waiter = resolve));
      send(i);
      const t1 = await arrived;
      if (i >= 20) out.push(t1 - t0);
      await sleep(PACE_MS);
    }
  } finally {
    off.dispose();
  }
  return out;
}

const keys = (c: RawClient, pair: [string, string]) => (i: number) => void c.request('client/key', { key: pair[i % 2] });

/** Share of samples over a threshold, as a percentage string. */
const over = (xs: number[], limit: number): string => `${((100 * xs.filter((x) => x > limit).length) / xs.length).toFixed(1)}%`;

/**
 * Issue 5's benchmark: a keystroke → PaneCommand → WASM plugin (its worker) → render → the
 * client's pane/view, against a bare call to the same plugin through the same worker; how long a plugin pane
 * takes to start; RSS per plugin instance; and how much a spinning plugin slows another client's
 * keystrokes (vs idle).
 */
export async function benchPlugins(): Promise<{ ratioP99: number; mbPerInstance: number; spinRatioP99: number }> {
  const bare = summary(await bareCalls());
  const bareStart = summary(await bareStarts(10));

  const env = makeTestEnv();
  mkdirSync(dirname(env.configFile), { recursive: true });
  writeFileSync(
    env.configFile,
    `[[plugins]]\nkey = "echo"\npath = "${ECHO}"\n\n[[plugins]]\nkey = "smoke-test"\npath = "${SMOKE}"\nmax_instances = ${INSTANCES + 10}\n\n[[plugins]]\nkey = "spin"\npath = "${SPIN}"\ntimeout_ms = 10000\n\n[[plugins]]\nkey = "alloc-amplify"\npath = "${AMPLIFY}"\ntimeout_ms = 10000\n`,
  );
  const daemon = await startDaemon(env);
  try {
    const a = await RawClient.connect(env.socket);
    await a.attach({ cols: 160, rows: 48 });
    const { paneId: echoPane } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'echo' } });
    await a.waitView('echo', echoPane, (v) => v.type === 'lines');
    const echoed = (v: PaneView, i: number) => firstLine(v) === (i % 2 ? 'select_prev' : 'select_next');
    // PaneCommand over RPC → plugin → render → pane/view.
    const cmdSamples = await requestToView(
      a,
      echoPane,
      (i) => void a.request('pane/command', { paneId: echoPane, command: { type: i % 2 ? 'select_prev' : 'select_next' } }),
      echoed,
      N,
    );
    const viaPlugin = summary(cmdSamples);
    // The same from a keystroke (j / k = select_next / select_prev), and a keystroke to a built-in
    // pane as the path's own floor.
    const keySamples = await requestToView(a, echoPane, keys(a, ['j', 'k']), echoed, N);
    const viaKey = summary(keySamples);
    const { paneId: helpA } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    await a.waitView('help', helpA, (v) => v.type === 'lines');
    const helpMoved = (v: PaneView, i: number) => v.type === 'lines' && (i % 2 ? v.offset === 0 : v.offset > 0);
    const builtinKey = summary(await requestToView(a, helpA, keys(a, ['shift+g', 'g']), helpMoved, N));
    await a.request('pane/close', { paneId: helpA });

    // Start: pane/open → the plugin's first render on the client (worker spawn, init, open).
    const starts: number[] = [];
    const startIds: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'smoke-test' }, newTab: true });
      await a.waitView('smoke-ok', paneId, (v) => firstLine(v) === 'smoke-ok');
      starts.push(performance.now() - t0);
      startIds.push(paneId);
    }
    for (const id of startIds) await a.request('pane/close', { paneId: id });
    const start = summary(starts);

    // Memory: RSS of the daemon before and after INSTANCES more smoke-test panes.
    const pid = daemon.child.pid!;
    await waitFor('instances closed', async () => {
      const l = await a.request<{ plugins: Array<{ key: string; instances: number }> }>('plugin/list');
      return l.plugins.find((p) => p.key === 'smoke-test')!.instances === 0;
    });
    await sleep(500);
    const rssBefore = rssBytes(pid);
    const memIds: number[] = [];
    for (let i = 0; i < INSTANCES; i++) memIds.push((await a.request<{ paneId: number }>('pane/open', { view: { key: 'smoke-test' }, newTab: true })).paneId);
    await waitFor('all instances up', async () => {
      const l = await a.request<{ plugins: Array<{ key: string; instances: number }> }>('plugin/list');
      return l.plugins.find((p) => p.key === 'smoke-test')!.instances === INSTANCES;
    });
    await sleep(500);
    const rssAfter = rssBytes(pid);
    const perInstance = (rssAfter - rssBefore) / INSTANCES;
    for (const id of memIds) await a.request('pane/close', { paneId: id });

    // A spinning plugin vs another client's keystrokes (help pane, another session).
    const b = await RawClient.connect(env.socket);
    await b.attach({ cols: 160, rows: 48 }, 'other');
    const { paneId: helpPane } = await b.request<{ paneId: number }>('pane/open', { view: { key: 'help' } });
    await b.waitView('help', helpPane, (v) => v.type === 'lines');
    const helpChanged = (v: PaneView, i: number) => v.type === 'lines' && (i % 2 ? v.offset === 0 : v.offset > 0);
    const idle = summary(await requestToView(b, helpPane, keys(b, ['shift+g', 'g']), helpChanged, SPIN_N));
    const { paneId: spinPane } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'spin' }, newTab: true });
    await a.waitView('spin up', spinPane, (v) => v.type === 'lines');
    await a.request('pane/command', { paneId: spinPane, command: { type: 'select' } }); // spins until the 10 s timeout (the cap)
    await sleep(200);
    const spinning = summary(await requestToView(b, helpPane, keys(b, ['shift+g', 'g']), helpChanged, SPIN_N));
    const stillSpinning = (await a.request<{ view: PaneView }>('pane/snapshot', { paneId: spinPane })).view;

    // A plugin asking for one 256 MiB Extism block per command until it is stopped: RSS and b's keys meanwhile.
    const { paneId: ampPane } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'alloc-amplify' }, newTab: true });
    await a.waitView('amplify up', ampPane, (v) => v.type === 'lines');
    const ampRssBefore = rssBytes(pid);
    let ampRssPeak = ampRssBefore;
    let amplifying = true;
    const hammer = (async () => {
      while (amplifying) {
        const v = (await a.request<{ view: PaneView }>('pane/snapshot', { paneId: ampPane })).view;
        ampRssPeak = Math.max(ampRssPeak, rssBytes(pid));
        if (v.type === 'message' && v.level === 'error') break;
        if (v.type === 'lines' && !v.footer) await a.request('pane/command', { paneId: ampPane, command: { type: 'select' } });
        await sleep(20);
      }
    })();
    const amplified = summary(await requestToView(b, helpPane, keys(b, ['shift+g', 'g']), helpChanged, SPIN_N));
    amplifying = false;
    await hammer;

    const ratioP99 = viaPlugin.p99 / bare.p99;
    const spinRatioP99 = spinning.p99 / idle.p99;
    const mbPerInstance = perInstance / (1024 * 1024);
    report('plugins: PaneCommand → WASM plugin → render → client view (vs a bare plugin-worker call)', [
      ['bare plugin-worker call (floor)', `p50 ${ms(bare.p50)}  p99 ${ms(bare.p99)}  (n=${bare.n})`],
      ['pane/command → plugin → pane/view', `p50 ${ms(viaPlugin.p50)}  p99 ${ms(viaPlugin.p99)}  (n=${viaPlugin.n})`],
      ['ratio p50', `${(viaPlugin.p50 / bare.p50).toFixed(2)}x`],
      ['ratio p99', `${ratioP99.toFixed(2)}x  (target ≤ 3)`],
      ['key → plugin → pane/view', `p50 ${ms(viaKey.p50)}  p99 ${ms(viaKey.p99)}  (${over(keySamples, 10)} over 10 ms: frame pacing)`],
      ['key → built-in pane → pane/view', `p50 ${ms(builtinKey.p50)}  p99 ${ms(builtinKey.p99)}  (the same path without a plugin)`],
      ['plugin cost on the key path, p50', `${ms(viaKey.p50 - builtinKey.p50)}`],
    ]);
    report('plugins: instance start and memory', [
      ['bare instance start + init + open (worker)', `p50 ${ms(bareStart.p50)}  p99 ${ms(bareStart.p99)}  (n=${bareStart.n})`],
      ['pane/open → first render on the client', `p50 ${ms(start.p50)}  p99 ${ms(start.p99)}  (n=${start.n})`],
      [`daemon RSS delta over ${INSTANCES} instances`, `${((rssAfter - rssBefore) / (1024 * 1024)).toFixed(1)} MiB`],
      ['RSS per instance', `${mbPerInstance.toFixed(2)} MiB  (target ≤ 10 MB)`],
    ]);
    report('plugins: a spinning plugin vs another client’s keystrokes (key → view on a help pane)', [
      ['idle', `p50 ${ms(idle.p50)}  p99 ${ms(idle.p99)}  (n=${idle.n})`],
      ['while a plugin spins', `p50 ${ms(spinning.p50)}  p99 ${ms(spinning.p99)}  (n=${spinning.n})${stillSpinning.type === 'lines' && !stillSpinning.footer ? '' : '  (spin ended early!)'}`],
      ['ratio p99', `${spinRatioP99.toFixed(2)}x  (target ≤ 2)`],
    ]);
    report('plugins: a plugin asking for 256 MiB Extism blocks (alloc-amplify) vs the daemon', [
      ['key → view on a help pane meanwhile', `p50 ${ms(amplified.p50)}  p99 ${ms(amplified.p99)}  (n=${amplified.n}; idle p99 ${ms(idle.p99)})`],
      ['daemon RSS peak growth', `${((ampRssPeak - ampRssBefore) / (1024 * 1024)).toFixed(1)} MiB  (before the fix: +460 MiB or more per alloc)`],
    ]);
    a.close();
    b.close();
    return { ratioP99, mbPerInstance, spinRatioP99 };
  } finally {
    await daemon.stop();
    env.cleanup();
  }
}
