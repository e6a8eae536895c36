import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { CLIENT_MAIN, DAEMON_MAIN, socketAccepts, type TestEnv } from '../test/helpers/daemon-process.js';
import { kubectlMissing, type BenchCluster } from './lib/cluster.js';
import { BenchDaemon } from './lib/daemon.js';
import { opts } from './lib/options.js';
import { load, MiB, rssBytes } from './lib/proc.js';
import { PtyClient, ptyMissing } from './lib/pty-client.js';
import { podName } from './lib/screen-read.js';
import { record, skipped } from './lib/verdict.js';
import { dist, msShort, report, sleep, summary } from './stats.js';

const NS = 'small';
const PODS = 300;
/** `kubetile` and `kubectl get pods` spawns, interleaved. */
const CLIENT_SPAWNS = opts.spawns * 3;
const MB = 1e6;

/** Spawns `argv` and resolves when `socket` accepts a connection: the time from spawn, and the process. */
async function spawnToAccept(argv: string[], socket: string, env: NodeJS.ProcessEnv): Promise<{ ms: number; child: ChildProcess }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, argv, { env, stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (await socketAccepts(socket)) return { ms: performance.now() - t0, child };
    if (exited) throw new Error(`${argv.join(' ')} exited before its socket accepted`);
    if (performance.now() - t0 > 60_000) throw new Error(`${argv.join(' ')}: no socket after 60 s`);
    await sleep(2);
  }
}

const stop = (c: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
  });

/** A node process that only listens on a Unix socket: the floor of any daemon's start. */
const BARE_LISTENER = `require('node:fs').mkdirSync(require('node:path').dirname(process.argv[1]), { recursive: true }); require('node:net').createServer().listen(process.argv[1]);`;

function kubectlGetPods(kubeconfig: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile('kubectl', ['--kubeconfig', kubeconfig, 'get', 'pods'], { maxBuffer: 16 * MiB }, (err, stdout) => {
      if (err) return reject(err);
      if (!stdout.includes(podName(0))) return reject(new Error('kubectl get pods did not list the pods'));
      resolve(performance.now() - t0);
    });
  });
}

/** Starts a kubetile client in a pty and resolves with the time from spawn to the first frame showing the pods view. */
async function clientToPods(env: TestEnv): Promise<{ ms: number; client: PtyClient }> {
  const t0 = performance.now();
  const client = PtyClient.spawn({ socket: env.socket, env: env.env, cols: opts.cols, rows: opts.rows });
  const f = await client.waitFrame('pods view', (s) => s.has(podName(0)), 60_000, false, t0);
  return { ms: f.at - t0, client };
}

/** ctrl+q: the client detaches and exits (its session stays in the daemon). */
async function detach(c: PtyClient): Promise<void> {
  c.write('\x11');
  const t = setTimeout(() => void c.kill(), 5000);
  await c.exited;
  clearTimeout(t);
  await c.kill();
}

/**
 * Start-up and footprint, against a 300-pod namespace:
 * - daemon spawn → its socket accepts, vs a bare node process listening on a socket (interleaved);
 * - idle daemon RSS after a client showed the pods view and detached, vs that bare node process;
 * - `kubetile` spawn → first frame with the pods view (daemon running), vs `kubectl get pods` on
 *   the same cluster (interleaved); and the same with no daemon running (the client starts one).
 */
export async function benchStartup(cluster: BenchCluster): Promise<void> {
  await cluster.namespace(NS, PODS);

  // ---- daemon spawn → socket accepts ----
  const daemonMs: number[] = [];
  const bareMs: number[] = [];
  let bareRss = 0;
  for (let i = 0; i < opts.spawns; i++) {
    const envB = cluster.env(NS);
    const bare = await spawnToAccept(['-e', BARE_LISTENER, envB.socket], envB.socket, envB.env);
    bareMs.push(bare.ms);
    await sleep(500);
    bareRss = Math.max(bareRss, rssBytes(bare.child.pid!));
    await stop(bare.child);
    const envD = cluster.env(NS);
    const d = await spawnToAccept([DAEMON_MAIN, 'run', '--socket', envD.socket], envD.socket, envD.env);
    daemonMs.push(d.ms);
    await stop(d.child);
  }
  const ds = summary(daemonMs);
  const bs = summary(bareMs);
  report('startup: spawn → socket accepts, interleaved', [
    ['machine load', load()],
    ['bare node listening on a socket', dist(bs)],
    ['kubetile daemon (kubetiled run)', dist(ds)],
  ]);
  record({ figure: 'daemon spawn → socket accepts (p50)', value: `p50 ${msShort(ds.p50)} (max ${msShort(ds.max)})`, baseline: `bare node ${msShort(bs.p50)}`, ratio: `${(ds.p50 / bs.p50).toFixed(2)}x`, goal: '≤ 300 ms', met: ds.p50 <= 300 });

  const noPty = ptyMissing();
  if (noPty) {
    skipped('idle daemon RSS', '≤ 80 MB', noPty);
    skipped('kubetile spawn → first frame with pods', '≤ kubectl get pods', noPty);
    return;
  }

  // ---- idle RSS ----
  const env = cluster.env(NS);
  const daemon = await BenchDaemon.start(env);
  try {
    await sleep(1000);
    const rssStarted = rssBytes(daemon.pid);
    const first = await clientToPods(env);
    await detach(first.client);
    await sleep(3000);
    const rssIdle = rssBytes(daemon.pid);
    report('startup: idle daemon RSS', [
      ['machine load', load()],
      ['bare node process (the floor)', `${(bareRss / MiB).toFixed(1)} MiB`],
      ['daemon after start', `${(rssStarted / MiB).toFixed(1)} MiB`],
      [`daemon after a client showed ${PODS} pods and detached`, `${(rssIdle / MiB).toFixed(1)} MiB (${(rssIdle / MB).toFixed(1)} MB)`],
    ]);
    record({ figure: 'idle daemon RSS (after a client showed pods)', value: `${(rssIdle / MB).toFixed(1)} MB`, baseline: `bare node ${(bareRss / MB).toFixed(1)} MB`, ratio: `${(rssIdle / bareRss).toFixed(2)}x`, goal: '≤ 80 MB', met: rssIdle <= 80 * MB });

    // ---- kubetile spawn → pods view, vs kubectl get pods ----
    const noKubectl = kubectlMissing();
    const clientMs: number[] = [];
    const kubectlMs: number[] = [];
    // Both sides vary by ±50% from one spawn to the next on a loaded machine: more samples than the
    // daemon's (each costs about a second), so the verdict is not a coin toss between two spawns.
    for (let i = 0; i < CLIENT_SPAWNS; i++) {
      if (!noKubectl) kubectlMs.push(await kubectlGetPods(env.env.KUBECONFIG!));
      const c = await clientToPods(env);
      clientMs.push(c.ms);
      await detach(c.client);
    }
    // Cold: no daemon; the client starts one (then it is stopped).
    const coldMs: number[] = [];
    for (let i = 0; i < opts.coldSpawns; i++) {
      const cold = cluster.env(NS);
      cold.env.KUBETILE_DAEMON_MAIN = DAEMON_MAIN;
      const c = await clientToPods(cold);
      coldMs.push(c.ms);
      await detach(c.client);
      await new Promise<void>((resolve) => execFile(process.execPath, [CLIENT_MAIN, 'kill-server', '--socket', cold.socket], { env: cold.env }, () => resolve()));
    }
    const cs = summary(clientMs);
    const ks = summary(kubectlMs);
    const co = summary(coldMs);
    report(`startup: kubetile spawn → first frame with the pods view (${opts.cols}×${opts.rows} pty) vs kubectl get pods, ${PODS} pods, interleaved`, [
      ['machine load', load()],
      ['kubectl get pods (spawn → exit)', noKubectl ? `skipped: ${noKubectl}` : dist(ks)],
      ['kubetile, daemon running', dist(cs)],
      ['kubetile, no daemon (it starts one)', dist(co)],
    ]);
    if (noKubectl) skipped('kubetile spawn → first frame with pods', '≤ kubectl get pods', noKubectl);
    else record({ figure: 'kubetile spawn → first frame with pods (p50)', value: msShort(cs.p50), baseline: `kubectl get pods ${msShort(ks.p50)}`, ratio: `${(cs.p50 / ks.p50).toFixed(2)}x`, goal: '≤ kubectl get pods', met: cs.p50 <= ks.p50 });
  } finally {
    await daemon.stop();
  }
}
