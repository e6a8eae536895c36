import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeTestEnv, REPO_ROOT, startDaemon } from '../test/helpers/daemon-process.js';
import { RawClient } from '../test/helpers/rpc-client.js';
import { ms, report, summary } from './stats.js';

/**
 * Issue 9's port-forward benchmark: throughput (MB/s, both directions) and added latency (p50/p99
 * of small request/response round trips on one connection, and of a new connection's first round
 * trip) through the daemon's forward, against a direct connection to the pod's backend and
 * against `kubectl port-forward` on the same pod, interleaved A B C A B C. kube-sim and the
 * backend run in a child process so that neither shares this process's event loop.
 */

const MiB = 1024 * 1024;
const BYTES = Number(process.env.KT_BENCH_PF_MIB ?? 64) * MiB;
const ROUNDS = Number(process.env.KT_BENCH_PF_ROUNDS ?? 3);
const ROUND_TRIPS = 2000;
const NEW_CONNECTIONS = 100;

/** The sim and the pod's backend (mode byte + uint64 length: E echo, D send n bytes, U take n bytes then answer K). */
const CHILD = `
import { startKubeSim } from '@kubetile/kube-sim';
import net from 'node:net';
const kubeconfigOut = process.argv[1];
const backend = net.createServer((s) => {
  s.setNoDelay(true);
  s.on('error', () => s.destroy());
  let head = Buffer.alloc(0);
  const onData = (d) => {
    head = Buffer.concat([head, d]);
    if (head.length < 9) return;
    s.off('data', onData);
    const mode = String.fromCharCode(head[0]);
    const n = Number(head.readBigUInt64LE(1));
    const rest = head.subarray(9);
    if (mode === 'E') {
      if (rest.length) s.write(rest);
      s.pipe(s);
    } else if (mode === 'D') {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const pump = () => {
        while (sent < n) {
          const c = n - sent >= chunk.length ? chunk : chunk.subarray(0, n - sent);
          sent += c.length;
          if (!s.write(c)) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
    } else if (mode === 'U') {
      let got = rest.length;
      const check = () => { if (got >= n) { s.write('K'); got = -Infinity; } };
      check();
      s.on('data', (d) => { got += d.length; check(); });
    } else s.destroy();
  };
  s.on('data', onData);
});
await new Promise((r) => backend.listen(0, '127.0.0.1', r));
const sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut });
sim.createObject({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bench', namespace: 'default' },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox', ports: [{ containerPort: 9000 }] }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});
sim.setPortTarget('default', 'bench', 9000, { host: '127.0.0.1', port: backend.address().port });
process.stdout.write('READY ' + JSON.stringify({ backendPort: backend.address().port, pid: process.pid }) + '\\n');
process.stdin.resume();
process.stdin.on('end', async () => { await sim.stop(); process.exit(0); });
`;

function header(mode: 'E' | 'D' | 'U', n: number): Buffer {
  const b = Buffer.alloc(9);
  b.write(mode, 0, 'latin1');
  b.writeBigUInt64LE(BigInt(n), 1);
  return b;
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.setNoDelay(true);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Seconds to receive `n` bytes from the pod. */
async function download(port: number, n: number): Promise<number> {
  const s = await connected(port);
  return new Promise((resolve, reject) => {
    let got = 0;
    const t0 = performance.now();
    s.on('data', (d: Buffer) => (got += d.length));
    s.once('end', () => {
      s.destroy();
      if (got !== n) reject(new Error(`received ${got} of ${n} bytes`));
      else resolve((performance.now() - t0) / 1000);
    });
    s.once('error', reject);
    s.write(header('D', n));
  });
}

/** Seconds to send `n` bytes to the pod (until it says it has them all). */
async function upload(port: number, n: number): Promise<number> {
  const s = await connected(port);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    s.once('data', () => {
      s.destroy();
      resolve((performance.now() - t0) / 1000);
    });
    s.once('error', reject);
    s.write(header('U', n));
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    let sent = 0;
    const pump = (): void => {
      while (sent < n) {
        const c = n - sent >= chunk.length ? chunk : chunk.subarray(0, n - sent);
        sent += c.length;
        if (!s.write(c)) return void s.once('drain', pump);
      }
    };
    pump();
  });
}

/** Round trips of 64 bytes on one connection, in ms. */
async function roundTrips(port: number, count: number): Promise<number[]> {
  const s = await connected(port);
  s.write(header('E', 0));
  const msg = Buffer.alloc(64, 0x63);
  const out: number[] = [];
  await new Promise<void>((resolve, reject) => {
    let got = 0;
    let t0 = 0;
    const next = (): void => {
      if (out.length === count) return resolve();
      got = 0;
      t0 = performance.now();
      s.write(msg);
    };
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= msg.length) {
        out.push(performance.now() - t0);
        next();
      }
    });
    s.once('error', reject);
    next();
  });
  s.destroy();
  return out;
}

/** A new connection and its first 64-byte round trip, in ms. */
async function newConnections(port: number, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const s = await connected(port);
    await new Promise<void>((resolve, reject) => {
      let got = 0;
      s.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= 64) resolve();
      });
      s.once('error', reject);
      s.write(Buffer.concat([header('E', 0), Buffer.alloc(64, 0x64)]));
    });
    out.push(performance.now() - t0);
    s.destroy();
  }
  return out;
}

function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

async function startKubectl(kubeconfig: string): Promise<{ port: number; child: ChildProcess } | string> {
  if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status !== 0) return 'kubectl is not on this machine';
  const child = spawn('kubectl', ['--kubeconfig', kubeconfig, 'port-forward', '--address', '127.0.0.1', '-n', 'default', 'pod/bench', ':9000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 15_000);
    const check = (): void => {
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => resolve(null));
  });
  if (port === null) {
    child.kill();
    return `kubectl port-forward did not start: ${out.trim().slice(0, 200)}`;
  }
  return { port, child };
}

const mbps = (bytes: number, seconds: number[]): string => {
  const s = [...seconds].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)]!;
  return `${(bytes / MiB / median).toFixed(0)} MB/s`;
};

export async function benchPortForward(): Promise<void> {
  const env = makeTestEnv();
  const kubeconfig = join(env.dir, 'kubeconfig');
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, kubeconfig], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  let kubectl: { port: number; child: ChildProcess } | string = 'not started';
  let daemon: Awaited<ReturnType<typeof startDaemon>> | null = null;
  let rpc: RawClient | null = null;
  try {
    const ready = await new Promise<{ backendPort: number; pid: number }>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /READY (.*)\n/.exec(buf);
        if (m) resolve(JSON.parse(m[1]!) as { backendPort: number; pid: number });
      });
      child.once('exit', (code) => reject(new Error(`the sim process exited (${code})`)));
    });
    env.env.KUBECONFIG = kubeconfig;
    daemon = await startDaemon(env);
    rpc = await RawClient.connect(env.socket);
    const fwd = await rpc.request<{ localPort: number }>('portForward/start', { namespace: 'default', pod: 'bench', remotePort: 9000 });
    kubectl = await startKubectl(kubeconfig);

    const modes: Array<{ name: string; port: number; pid?: number }> = [
      { name: 'direct to the backend', port: ready.backendPort },
      { name: 'kubetile daemon forward', port: fwd.localPort, pid: daemon.child.pid! },
    ];
    if (typeof kubectl !== 'string') modes.push({ name: 'kubectl port-forward', port: kubectl.port, pid: kubectl.child.pid! });

    const load0 = loadavg();
    const down = new Map<string, number[]>();
    const up = new Map<string, number[]>();
    const rtt = new Map<string, number[]>();
    const fresh = new Map<string, number[]>();
    const cpu = new Map<string, number[]>();
    /** The step's result, or its error saying which mode and step failed. */
    const step = async <T>(m: { name: string; pid?: number }, what: string, p: Promise<T>): Promise<T> => {
      try {
        return await p;
      } catch (err) {
        // The forward's own last error (what the daemon saw: a refused stream, a timeout…) says why.
        const seen = m.pid === daemon?.child.pid ? await rpc!.request<{ forwards: Array<{ error: string | null; totalConnections: number }> }>('portForward/list', {}).then((l) => l.forwards.map((f) => `the forward says: ${f.error ?? 'no error'} (${f.totalConnections} connections so far)`).join('; '), (e: unknown) => String(e)) : '';
        throw new Error(`${m.name}, ${what}: ${err instanceof Error ? err.message : String(err)}${seen ? `; ${seen}` : ''}`);
      }
    };
    for (const m of modes) await step(m, 'warm-up download', download(m.port, 4 * MiB));
    for (let r = 0; r < ROUNDS; r++) {
      for (const m of modes) {
        const c0 = cpuMs(m.pid);
        (down.get(m.name) ?? down.set(m.name, []).get(m.name)!).push(await step(m, 'download', download(m.port, BYTES)));
        (up.get(m.name) ?? up.set(m.name, []).get(m.name)!).push(await step(m, 'upload', upload(m.port, BYTES)));
        (cpu.get(m.name) ?? cpu.set(m.name, []).get(m.name)!).push(cpuMs(m.pid) - c0);
      }
      for (const m of modes) (rtt.get(m.name) ?? rtt.set(m.name, []).get(m.name)!).push(...(await step(m, 'round trips', roundTrips(m.port, ROUND_TRIPS))));
      for (const m of modes) (fresh.get(m.name) ?? fresh.set(m.name, []).get(m.name)!).push(...(await step(m, 'new connections', newConnections(m.port, NEW_CONNECTIONS))));
    }
    const load1 = loadavg();

    const direct = summary(rtt.get(modes[0]!.name)!);
    const rows: Array<[string, string]> = [
      ['machine', `${cpus().length} cores, load average ${load0.map((x) => x.toFixed(2)).join(' ')} before, ${load1.map((x) => x.toFixed(2)).join(' ')} after`],
      ['method', `${ROUNDS} rounds interleaved (${modes.map((m) => m.name).join(' / ')}); ${BYTES / MiB} MiB each way per round; ${ROUND_TRIPS} round trips of 64 B on one connection; ${NEW_CONNECTIONS} new connections`],
    ];
    for (const m of modes) {
      const rt = summary(rtt.get(m.name)!);
      const nc = summary(fresh.get(m.name)!);
      const c = cpu.get(m.name)!;
      rows.push([`${m.name}`, '']);
      rows.push(['  pod -> local', mbps(BYTES, down.get(m.name)!)]);
      rows.push(['  local -> pod', mbps(BYTES, up.get(m.name)!)]);
      rows.push(['  round trip p50 / p99', `${ms(rt.p50)} / ${ms(rt.p99)}${m === modes[0] ? '' : `  (added: ${ms(rt.p50 - direct.p50)} / ${ms(rt.p99 - direct.p99)})`}`]);
      rows.push(['  new connection + first round trip p50 / p99', `${ms(nc.p50)} / ${ms(nc.p99)}`]);
      if (m.pid) rows.push(['  forwarder CPU per 2x' + `${BYTES / MiB} MiB`, `${(c.reduce((a, b) => a + b, 0) / c.length).toFixed(0)} ms`]);
    }
    if (typeof kubectl === 'string') rows.push(['kubectl port-forward', `skipped: ${kubectl}`]);
    report('port-forward: daemon forward vs direct vs kubectl port-forward (kube-sim, loopback)', rows);
  } finally {
    if (typeof kubectl !== 'string') kubectl.child.kill();
    rpc?.close();
    await daemon?.stop();
    child.stdin!.end();
    await new Promise((r) => child.once('exit', r));
    env.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPortForward();
