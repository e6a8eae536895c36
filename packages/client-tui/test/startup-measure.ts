/**
 * `kubetile` spawn → the first frame with pod rows on a real pty, against `kubectl get pods` on the
 * same kube-sim, interleaved A B A B; p50/p90 and the machine's load printed. Not a test (it
 * measures time): run it by hand after `npm run build`, with kubectl on PATH:
 *
 *   npx tsx packages/client-tui/test/startup-measure.ts [runs=12] [other-client-main.js…]
 *
 * Other clients (an older build's dist/main.js) are measured interleaved with the first.
 * The daemon is already running (the figure is the client's start, not the daemon's).
 * Then each client runs once more with test/count-modules.mjs loaded (which slows it): the modules
 * (files) it loaded before the first frame with pod rows, and in all within 3 s.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPty } from 'node-pty';
import type { Terminal as TerminalType } from '@xterm/headless';
import { CLIENT_MAIN, DAEMON_MAIN, PKG_ROOT } from './harness.js';

const require = createRequire(import.meta.url);
const pty = require('node-pty') as { spawn(file: string, args: string[], o: object): IPty };
const { Terminal } = require('@xterm/headless') as { Terminal: typeof TerminalType };

const RUNS = Number(process.argv[2] ?? 12);
const OTHERS = process.argv.slice(3);
const COLS = 160;
const ROWS = 50;
const PODS = 12;
const SIM_MAIN = join(PKG_ROOT, '../kube-sim/dist/cli.js');
const COUNTER = join(PKG_ROOT, 'test/count-modules.mjs');

const dir = mkdtempSync(join(tmpdir(), 'kt-startup-'));
mkdirSync(join(dir, 'run'), { mode: 0o700 });
const kubeconfig = join(dir, 'kubeconfig');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  HOME: dir,
  XDG_RUNTIME_DIR: join(dir, 'run'),
  XDG_CONFIG_HOME: join(dir, 'config'),
  XDG_STATE_HOME: join(dir, 'state'),
  KUBECONFIG: kubeconfig,
  KUBETILE_DAEMON_MAIN: DAEMON_MAIN,
};
for (const k of ['KUBETILE_SOCKET', 'KUBETILE_CONFIG', 'KUBETILE_STATE_DIR', 'KUBETILE_CLIENT_LOG']) delete env[k];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const kubectl = (...args: string[]): string => spawnSync('kubectl', args, { env, encoding: 'utf8' }).stdout ?? '';

async function startSim(): Promise<ChildProcess> {
  const sim = spawn(process.execPath, [SIM_MAIN, '--kubeconfig-out', kubeconfig, '--seed', 'demo'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  sim.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; !out.includes('kubeconfig written'); i++) {
    if (i > 600) throw new Error(`kube-sim did not start: ${out}`);
    await sleep(50);
  }
  kubectl('create', 'deployment', 'web', '--image=nginx', `--replicas=${PODS}`);
  for (let i = 0; (kubectl('get', 'pods', '--no-headers').match(/Running/g) ?? []).length < PODS; i++) {
    if (i > 300) throw new Error('the pods did not start');
    await sleep(100);
  }
  return sim;
}

function screenText(term: TerminalType): string {
  const b = term.buffer.active;
  let s = '';
  for (let i = 0; i < term.rows; i++) s += `${b.getLine(i)?.translateToString(true) ?? ''}\n`;
  return s;
}

/** ms from spawn until the terminal shows `needle` (a pod name); `linger` ms later the client is killed. */
function clientRun(main: string, needle: string, nodeArgs: string[] = [], runEnv: NodeJS.ProcessEnv = env, linger = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const term = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
    const t0 = performance.now();
    const p = pty.spawn(process.execPath, [...nodeArgs, main], { cols: COLS, rows: ROWS, env: runEnv, name: 'xterm-256color' });
    let done = false;
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`no pod rows after 30 s:\n${screenText(term)}`));
    }, 30_000);
    p.onData((d) => {
      if (done) return;
      const t = performance.now();
      term.write(d, () => {
        if (done || !screenText(term).includes(needle)) return;
        done = true;
        clearTimeout(timer);
        setTimeout(() => {
          p.kill('SIGKILL');
          term.dispose();
          resolve(t - t0);
        }, linger);
      });
    });
  });
}

function kubectlRun(): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const c = spawn('kubectl', ['get', 'pods'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    c.stdout.resume();
    c.on('close', () => resolve(performance.now() - t0));
  });
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const line = (label: string, xs: number[]): string =>
  `${label.padEnd(34)} p50 ${quantile(xs, 0.5).toFixed(0).padStart(5)} ms  p90 ${quantile(xs, 0.9).toFixed(0).padStart(5)} ms  [${xs.map((x) => x.toFixed(0)).join(' ')}]`;

const sim = await startSim();
try {
  const needle = kubectl('get', 'pods', '-o', 'name').trim().split('\n').map((l) => l.replace('pod/', '')).sort()[0]!;
  spawnSync(process.execPath, [CLIENT_MAIN, 'daemon', 'start'], { env, stdio: 'inherit' });
  const clients: Array<[string, string]> = [['kubetile', CLIENT_MAIN], ...OTHERS.map((o): [string, string] => [`kubetile ${o.replace(/^.*packages\/client-tui\//, '')}`, o])];
  const times = new Map<string, number[]>([...clients.map(([l]): [string, number[]] => [l, []]), ['kubectl get pods', []]]);
  for (const [, main] of clients) await clientRun(main, needle); // warm the page cache
  await kubectlRun();
  const loadBefore = loadavg()[0]!;
  for (let i = 0; i < RUNS; i++) {
    for (const [label, main] of clients) times.get(label)!.push(await clientRun(main, needle));
    times.get('kubectl get pods')!.push(await kubectlRun());
    await sleep(100);
  }
  console.log(`spawn → first frame with pod rows (${COLS}x${ROWS} pty, ${PODS} pods), ${RUNS} runs interleaved; load ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`);
  for (const [label, xs] of times) console.log(line(label, xs));
  for (const [label, main] of clients) {
    const log = join(dir, `modules-${label.replace(/\W+/g, '-')}.log`);
    const t0 = Date.now();
    const ms = await clientRun(main, needle, ['--import', COUNTER], { ...env, KT_MODULE_LOG: log }, 3000);
    const firstFrame = t0 + ms;
    const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
    const before = lines.filter((l) => Number(l.split(' ')[0]) <= firstFrame).length;
    console.log(`${label.padEnd(34)} modules before the first frame with pods ${before}, within 3 s ${lines.length} (counted run: ${ms.toFixed(0)} ms)`);
  }
  const ratio = quantile(times.get('kubetile')!, 0.5) / quantile(times.get('kubectl get pods')!, 0.5);
  console.log(`kubetile / kubectl p50: ${ratio.toFixed(2)} (goal ≤ 1: ${ratio <= 1 ? 'met' : 'not met'})`);
} finally {
  spawnSync(process.execPath, [CLIENT_MAIN, 'kill-server'], { env, stdio: 'ignore' });
  sim.kill('SIGTERM');
  if (!process.env.KT_KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(`kept ${dir}`);
}
