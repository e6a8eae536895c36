// A real Kubernetes control plane (v1.20.2) for the test suite: etcd + kube-apiserver +
// kube-controller-manager + kube-scheduler on loopback, built from Debian's `kubernetes`
// source package by scripts/real-k8s/build.sh into a cache outside the repository.
// There is no kubelet: the harness plays it (registers a Node, renews its Lease, marks
// pods scheduled to it Running/Ready and force-deletes pods being deleted).
// See test/real-k8s/README.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, accessSync, constants as fsConstants, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';

export const REAL_K8S_VERSION = 'v1.20.2';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILD_SCRIPT = join(REPO_ROOT, 'scripts', 'real-k8s', 'build.sh');

// ---------------------------------------------------------------------------------------
// Availability
// ---------------------------------------------------------------------------------------

export interface RealClusterBinaries {
  apiserver: string;
  controllerManager: string;
  scheduler: string;
  etcd: string;
}

/** The cache build.sh fills: `${KUBETILE_K8S_CACHE:-$HOME/.cache/kubetile/k8s-v1.20.2}`. */
export function realK8sCacheDir(): string {
  return process.env.KUBETILE_K8S_CACHE || join(homedir(), '.cache', 'kubetile', `k8s-${REAL_K8S_VERSION}`);
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

/** The binaries, or the list of what is missing. etcd: the cache's copy, else PATH. */
export function findRealClusterBinaries(): RealClusterBinaries | { missing: string[] } {
  const bin = join(realK8sCacheDir(), 'bin');
  const missing: string[] = [];
  const pick = (name: string): string => {
    const p = join(bin, name);
    if (!isExecutable(p)) missing.push(p);
    return p;
  };
  const apiserver = pick('kube-apiserver');
  const controllerManager = pick('kube-controller-manager');
  const scheduler = pick('kube-scheduler');
  if (!existsSync(join(realK8sCacheDir(), 'stamp'))) missing.push(join(realK8sCacheDir(), 'stamp'));
  const etcd = [join(bin, 'etcd'), which('etcd'), '/usr/bin/etcd'].find((p): p is string => !!p && isExecutable(p));
  if (!etcd) missing.push('etcd (cache bin/etcd, PATH or /usr/bin/etcd; Debian package etcd-server)');
  if (missing.length > 0) return { missing };
  return { apiserver, controllerManager, scheduler, etcd: etcd! };
}

/**
 * - `run`: binaries are in the cache (and KUBETILE_REAL_K8S is not 0);
 * - `build`: KUBETILE_REAL_K8S=1 and the cache is incomplete: ensureRealClusterBinaries()
 *   builds it (about 4 minutes) and fails loudly if that does not work;
 * - `skip`: otherwise (or KUBETILE_REAL_K8S=0).
 */
export function realClusterMode(): 'run' | 'build' | 'skip' {
  const env = process.env.KUBETILE_REAL_K8S;
  if (env === '0') return 'skip';
  if (!('missing' in findRealClusterBinaries())) return 'run';
  return env === '1' ? 'build' : 'skip';
}

export function isRealClusterAvailable(): boolean {
  return realClusterMode() === 'run';
}

/** Why the real-cluster tier is skipped, or undefined when it runs (or will be built). */
export function realClusterSkipReason(): string | undefined {
  if (process.env.KUBETILE_REAL_K8S === '0') return 'real control plane disabled by KUBETILE_REAL_K8S=0';
  if (realClusterMode() !== 'skip') return undefined;
  return `real control plane not built (${realK8sCacheDir()}): run scripts/real-k8s/build.sh (or set KUBETILE_REAL_K8S=1)`;
}

let buildPromise: Promise<RealClusterBinaries> | undefined;

/**
 * Returns the binaries; when they are missing and KUBETILE_REAL_K8S=1, runs build.sh first
 * (serialised across processes by the script's lock). Call it from beforeAll with a long
 * timeout (the build takes about 4 minutes on 2 cores; allow 20).
 */
export function ensureRealClusterBinaries(): Promise<RealClusterBinaries> {
  const found = findRealClusterBinaries();
  if (!('missing' in found)) return Promise.resolve(found);
  if (process.env.KUBETILE_REAL_K8S !== '1') {
    return Promise.reject(new Error(`${realClusterSkipReason() ?? 'real control plane missing'}; missing: ${found.missing.join(', ')}`));
  }
  buildPromise ??= new Promise<RealClusterBinaries>((resolvePromise, reject) => {
    const started = Date.now();
    process.stderr.write(`[real-k8s] KUBETILE_REAL_K8S=1 and binaries missing: running ${BUILD_SCRIPT} (about 4 min)\n`);
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => {
      const again = findRealClusterBinaries();
      if (code === 0 && !('missing' in again)) {
        process.stderr.write(`[real-k8s] build finished in ${Math.round((Date.now() - started) / 1000)} s\n`);
        resolvePromise(again);
      } else {
        reject(new Error(`scripts/real-k8s/build.sh failed (exit ${code}); ` +
          ('missing' in again ? `still missing: ${again.missing.join(', ')}` : 'see its output above')));
      }
    });
  });
  return buildPromise;
}

// ---------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `fn` until it returns a truthy value (errors count as "not yet"), or throws after
 * `timeoutMs` with `what` and the last error/value. For tests: never sleep-and-hope.
 */
export async function waitFor<T>(
  what: string,
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const intervalMs = opts.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail?.slice(0, 500)})`);
    }
    await sleep(intervalMs);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function canListen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = net.createServer();
    srv.once('error', () => res(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => res(true)));
  });
}

const reservedPorts = new Set<number>();

/**
 * A free loopback port BELOW the kernel's ephemeral range, so that an outgoing connection
 * can never take it as its local port while the apiserver is down between kill and start.
 */
async function freePort(): Promise<number> {
  let lo = 32768;
  try {
    lo = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || lo;
  } catch { /* default */ }
  const hi = lo - 1;
  const base = Math.max(1024, hi - 12_000);
  for (let i = 0; i < 200; i++) {
    const port = base + Math.floor(Math.random() * (hi - base));
    if (reservedPorts.has(port)) continue;
    if (await canListen(port)) {
      reservedPorts.add(port);
      return port;
    }
  }
  throw new Error('no free loopback port found');
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && 'body' in err) {
    const e = err as { code: unknown; body: unknown };
    return `HTTP ${String(e.code)}: ${String(e.body).slice(0, 300)}`;
  }
  return err instanceof Error ? err.message : String(err);
}

function statusCode(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'number') {
    return (err as { code: number }).code;
  }
  return undefined;
}

const q = (s: string) => JSON.stringify(s);

function kubeconfigYaml(opts: { server: string; caPem: string; user: string; token: string; namespace?: string }): string {
  const ca = Buffer.from(opts.caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kubetile-real',
    '  cluster:',
    `    server: ${q(opts.server)}`,
    `    certificate-authority-data: ${q(ca)}`,
    'users:',
    `- name: ${q(opts.user)}`,
    '  user:',
    `    token: ${q(opts.token)}`,
    'contexts:',
    '- name: kubetile-real',
    '  context:',
    '    cluster: kubetile-real',
    `    user: ${q(opts.user)}`,
    `    namespace: ${q(opts.namespace ?? 'default')}`,
    'current-context: kubetile-real',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find(isExecutable);
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when a test process ends without stop(): kill every process group we made.
  process.on('exit', () => {
    for (const pgid of liveGroups) {
      try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
    }
  });
}

class Proc {
  child: ChildProcess | undefined;
  exited: Promise<number | null> = Promise.resolve(null);
  private exitCode: number | null | undefined;
  constructor(readonly name: string, readonly bin: string, readonly args: string[], readonly logFile: string) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitCode === undefined;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} already running`);
    installExitHook();
    const fd = openSync(this.logFile, 'a');
    writeFileSync(fd, `\n==== ${new Date().toISOString()} start ${this.bin} ${this.args.join(' ')}\n`);
    // setpriv --pdeathsig: the process dies with the test process even if that is SIGKILLed.
    const [cmd, argv] = SETPRIV
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', this.bin, ...this.args]]
      : [this.bin, this.args];
    const child = spawn(cmd, argv, { stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    this.child = child;
    this.exitCode = undefined;
    const pgid = child.pid;
    if (pgid !== undefined) liveGroups.add(pgid);
    this.exited = new Promise((res) => {
      const done = (code: number | null) => {
        if (pgid !== undefined) liveGroups.delete(pgid);
        if (this.child === child) this.exitCode = code;
        res(code);
      };
      child.once('exit', (code, signal) => done(code ?? (signal ? -1 : null)));
      child.once('error', (err) => {
        writeFileSync(this.logFile, `spawn error: ${err.message}\n`, { flag: 'a' });
        done(-1);
      });
    });
  }

  /** Signals the process group and waits; SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running || child.pid === undefined) return;
    const pgid = child.pid;
    try { process.kill(-pgid, signal); } catch { /* gone */ }
    const timer = setTimeout(() => {
      try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
    // Anything left in the group (there should be nothing).
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
  }

  rssKiB(): number | undefined {
    const pid = this.pid;
    if (!pid) return undefined;
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------

export interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: string }

export interface RawRequestOptions {
  method?: string;
  /** JSON-encoded unless it is a string. */
  body?: unknown;
  /** Default `application/json`. */
  accept?: string;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  /** Bearer token; cluster.request() defaults to the admin token. */
  token?: string;
  timeoutMs?: number;
}

function rawRequest(url: string, opts: RawRequestOptions & { ca?: string } = {}): Promise<RawResponse> {
  return new Promise((res, rej) => {
    const u = new URL(url);
    const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    if (body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, {
      method: opts.method ?? 'GET',
      headers,
      ...(u.protocol === 'https:' ? { ca: opts.ca } : {}),
      timeout: opts.timeoutMs ?? 10_000,
    }, (resp) => {
      const chunks: Buffer[] = [];
      resp.on('data', (c: Buffer) => chunks.push(c));
      resp.on('end', () => res({ status: resp.statusCode ?? 0, headers: resp.headers, body: Buffer.concat(chunks).toString('utf8') }));
      resp.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: timeout`)));
    req.on('error', rej);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------
// The kubelet player
// ---------------------------------------------------------------------------------------

export interface KubeletPlayerOptions {
  /** Node name (default `fake-node-1`). */
  nodeName?: string;
  /** Pods for which this returns false are left Pending (default: all pods run). */
  podFilter?: (pod: V1Pod) => boolean;
  /** Full resync period in ms (a pod watch wakes it earlier). Default 2000. */
  resyncMs?: number;
  /** Lease renewal period in ms. Default 10000 (like the kubelet). */
  leaseRenewMs?: number;
  /**
   * The port the Node publishes as its kubelet endpoint (status.daemonEndpoints). Default
   * 10250; startRealCluster() points it at its guard listener on 127.0.0.1.
   */
  kubeletPort?: number;
}

/**
 * The node's only address. No Hostname address: with one, the apiserver would resolve the
 * node's name through DNS when it reaches for the kubelet (logs, exec, port-forward, proxy).
 */
export const NODE_ADDRESSES: ReadonlyArray<{ type: string; address: string }> = [{ type: 'InternalIP', address: '127.0.0.1' }];

const microTime = (d = new Date()) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
const rfc3339 = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Plays the kubelet for one fake node: registers the Node (Ready, no taints), renews its
 * Lease in kube-node-lease, patches pods bound to it to Running/Ready with containerStatuses,
 * and force-deletes (gracePeriodSeconds 0) its pods that have a deletionTimestamp.
 * Survives apiserver restarts (a polling loop woken by a pod watch).
 */
export class KubeletPlayer {
  readonly nodeName: string;
  /** The last error of a sync pass (cleared by a good pass). */
  lastError: string | undefined;
  /** Number of completed sync passes. */
  passes = 0;
  private readonly core: CoreV1Api;
  private readonly coord: CoordinationV1Api;
  private readonly watch: Watch;
  private readonly podFilter: (pod: V1Pod) => boolean;
  private readonly resyncMs: number;
  private readonly leaseRenewMs: number;
  private readonly kubeletPort: number;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private watchAbort: AbortController | undefined;
  private watchActive = false;
  private watchGen = 0;
  private watchRetry: NodeJS.Timeout | undefined;
  private lastLeaseRenew = 0;
  private nodeChecked = 0;
  private readonly podIPs = new Map<string, string>();
  private nextIP = 2;
  private readonly passWaiters: Array<{ after: number; resolve: () => void }> = [];

  constructor(kc: KubeConfig, opts: KubeletPlayerOptions = {}) {
    this.nodeName = opts.nodeName ?? 'fake-node-1';
    this.core = kc.makeApiClient(CoreV1Api);
    this.coord = kc.makeApiClient(CoordinationV1Api);
    this.watch = new Watch(kc);
    this.podFilter = opts.podFilter ?? (() => true);
    this.resyncMs = opts.resyncMs ?? 2_000;
    this.leaseRenewMs = opts.leaseRenewMs ?? 10_000;
    this.kubeletPort = opts.kubeletPort ?? 10_250;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.watchRetry);
    this.watchAbort?.abort();
    this.wake?.();
    await this.loop;
    for (const w of this.passWaiters.splice(0)) w.resolve();
  }

  /** Resolves after the next complete sync pass (node, lease and every pod reconciled). */
  nextPass(): Promise<void> {
    this.wake?.();
    return new Promise((resolvePromise) => this.passWaiters.push({ after: this.passes, resolve: resolvePromise }));
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.ensureWatch();
      try {
        await this.syncOnce();
        this.lastError = undefined;
        this.passes++;
        for (let i = this.passWaiters.length - 1; i >= 0; i--) {
          const w = this.passWaiters[i]!;
          if (this.passes > w.after) {
            this.passWaiters.splice(i, 1);
            w.resolve();
          }
        }
      } catch (err) {
        this.lastError = errorMessage(err);
      }
      if (this.stopped) break;
      await new Promise<void>((r) => {
        const t = setTimeout(r, this.lastError ? 500 : this.resyncMs);
        this.wake = () => { clearTimeout(t); r(); };
      });
      this.wake = undefined;
    }
  }

  private ensureWatch(): void {
    if (this.watchActive || this.stopped || this.watchRetry) return;
    this.watchActive = true;
    const gen = ++this.watchGen;
    const ended = () => {
      if (gen !== this.watchGen || !this.watchActive) return;
      this.watchActive = false;
      this.watchAbort = undefined;
      if (this.stopped) return;
      // A new watch after a pause; the resync loop covers the gap.
      this.watchRetry = setTimeout(() => { this.watchRetry = undefined; this.ensureWatch(); }, 1_000);
    };
    this.watch
      .watch(
        '/api/v1/pods',
        { fieldSelector: `spec.nodeName=${this.nodeName}`, allowWatchBookmarks: true },
        (phase) => { if (phase !== 'BOOKMARK') this.wake?.(); },
        () => ended(),
      )
      .then((abort) => {
        if (this.stopped || gen !== this.watchGen || !this.watchActive) abort.abort();
        else this.watchAbort = abort;
      })
      .catch(() => ended());
  }

  private async syncOnce(): Promise<void> {
    const now = Date.now();
    if (now - this.nodeChecked > this.leaseRenewMs) {
      await this.ensureNode();
      this.nodeChecked = Date.now();
    }
    if (now - this.lastLeaseRenew > this.leaseRenewMs) {
      await this.renewLease();
      this.lastLeaseRenew = Date.now();
    }
    const list = await withTimeout(
      this.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${this.nodeName}` }),
      15_000,
      'list pods',
    );
    const errors: string[] = [];
    for (const pod of list.items) {
      if (this.stopped) return;
      try {
        await this.reconcilePod(pod);
      } catch (err) {
        if (statusCode(err) !== 404 && statusCode(err) !== 409) errors.push(`${pod.metadata?.name}: ${errorMessage(err)}`);
      }
    }
    if (errors.length > 0) throw new Error(errors.join('; '));
  }

  private async ensureNode(): Promise<void> {
    const name = this.nodeName;
    let node;
    try {
      node = await withTimeout(this.core.readNode({ name }), 15_000, 'read node');
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      node = await withTimeout(this.core.createNode({
        body: {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name,
            labels: {
              'kubernetes.io/hostname': name,
              'kubernetes.io/os': 'linux',
              'kubernetes.io/arch': 'amd64',
              'beta.kubernetes.io/os': 'linux',
              'beta.kubernetes.io/arch': 'amd64',
            },
          },
          spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
        },
      }), 15_000, 'create node');
    }
    // The TaintNodesByCondition admission plugin taints new nodes not-ready; the node
    // lifecycle controller (disabled here) would lift it once Ready. Do it ourselves.
    const taints = node.spec?.taints ?? [];
    const kept = taints.filter((t) => !t.key.startsWith('node.kubernetes.io/'));
    if (kept.length !== taints.length) {
      await this.core.patchNode(
        { name, body: { spec: { taints: kept.length > 0 ? kept : null } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const addresses = (node.status?.addresses ?? []).map((a) => ({ type: a.type, address: a.address }));
    const addressesOk = JSON.stringify(addresses) === JSON.stringify(NODE_ADDRESSES);
    const portOk = node.status?.daemonEndpoints?.kubeletEndpoint?.Port === this.kubeletPort;
    if (ready?.status !== 'True' || !addressesOk || !portOk) {
      const t = rfc3339();
      const cond = (type: string, status: string, reason: string, message: string) =>
        ({ type, status, reason, message, lastHeartbeatTime: t, lastTransitionTime: t });
      const resources = { cpu: '8', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
      await this.core.patchNodeStatus({
        name,
        body: {
          status: {
            capacity: resources,
            allocatable: resources,
            conditions: [
              cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
              cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
              cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
              cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status (kubetile harness)'),
            ],
            addresses: [...NODE_ADDRESSES],
            daemonEndpoints: { kubeletEndpoint: { Port: this.kubeletPort } },
            nodeInfo: {
              machineID: 'kubetile-fake', systemUUID: 'kubetile-fake', bootID: 'kubetile-fake',
              kernelVersion: '6.1.0', osImage: 'kubetile harness', containerRuntimeVersion: 'fake://1.0',
              kubeletVersion: REAL_K8S_VERSION, kubeProxyVersion: REAL_K8S_VERSION,
              operatingSystem: 'linux', architecture: 'amd64',
            },
          },
        },
      }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    }
  }

  private async renewLease(): Promise<void> {
    const name = this.nodeName;
    const namespace = 'kube-node-lease';
    const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime() };
    try {
      await withTimeout(this.coord.patchNamespacedLease(
        { name, namespace, body: { spec } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ), 15_000, 'renew lease');
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      const node = await this.core.readNode({ name });
      await this.coord.createNamespacedLease({
        namespace,
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name,
            namespace,
            ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata!.uid! }],
          },
          // MicroTime must have 6 fractional digits; the client passes strings through.
          spec: spec as unknown as never,
        },
      });
    }
  }

  private podIP(uid: string): string {
    let ip = this.podIPs.get(uid);
    if (!ip) {
      const n = this.nextIP++;
      ip = `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}`;
      this.podIPs.set(uid, ip);
    }
    return ip;
  }

  private async reconcilePod(pod: V1Pod): Promise<void> {
    const name = pod.metadata?.name;
    const namespace = pod.metadata?.namespace;
    const uid = pod.metadata?.uid;
    if (!name || !namespace || !uid) return;
    if (pod.metadata?.deletionTimestamp) {
      // No kubelet to confirm termination: force-delete, as `kubectl delete --force` would.
      await withTimeout(this.core.deleteNamespacedPod({
        name, namespace, gracePeriodSeconds: 0, body: { gracePeriodSeconds: 0, preconditions: { uid } },
      }), 15_000, 'delete pod');
      this.podIPs.delete(uid);
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    if (!this.podFilter(pod)) return;
    const containers = pod.spec?.containers ?? [];
    const statuses = pod.status?.containerStatuses ?? [];
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    if (phase === 'Running' && ready && statuses.length === containers.length && statuses.every((s) => s.ready)) return;

    const t = rfc3339();
    const startedAt = pod.status?.startTime ? rfc3339(new Date(pod.status.startTime)) : t;
    const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
    const ip = pod.status?.podIP ?? this.podIP(uid);
    const containerStatus = (c: { name: string; image?: string }, init: boolean) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `fake://${c.image ?? ''}`,
      containerID: `fake://${randomBytes(16).toString('hex')}`,
      ready: !init,
      started: !init,
      restartCount: 0,
      state: init
        ? { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: t } }
        : { running: { startedAt: t } },
      lastState: {},
    });
    await withTimeout(this.core.patchNamespacedPodStatus({
      name,
      namespace,
      body: {
        metadata: { uid },
        status: {
          phase: 'Running',
          hostIP: '127.0.0.1',
          podIP: ip,
          podIPs: [{ ip }],
          startTime: startedAt,
          conditions: [cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
          containerStatuses: containers.map((c) => containerStatus(c, false)),
          ...(pod.spec?.initContainers?.length
            ? { initContainerStatuses: pod.spec.initContainers.map((c) => containerStatus(c, true)) }
            : {}),
        },
      },
    }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)), 15_000, 'patch pod status');
  }
}

// ---------------------------------------------------------------------------------------
// The cluster
// ---------------------------------------------------------------------------------------

export interface ExtraUser {
  name: string;
  groups?: string[];
  /** Generated when absent. */
  token?: string;
}

export interface StartRealClusterOptions {
  /**
   * Where etcd data, certificates, kubeconfigs and logs go. Default: a new temp dir, removed
   * by stop(). A dir you pass is kept (and reused: etcd data and certificates survive).
   */
  dataDir?: string;
  /** false: no kubelet player (no Node, pods stay Pending). Default: on. */
  kubelet?: boolean | KubeletPlayerOptions;
  /**
   * The apiserver's watch cache. Default false: watches are served by etcd, so compact()
   * makes old resourceVersions a real 410. (With the cache, 410 follows the cache window.)
   */
  watchCache?: boolean;
  /** More token users (RBAC is up to you; group system:masters gives admin). */
  extraUsers?: ExtraUser[];
  /** Extra kube-apiserver flags (e.g. `--v=4`). */
  apiserverArgs?: string[];
  /** Deadline for the whole start. Default 180 s. */
  startTimeoutMs?: number;
}

export interface ProcessInfo { name: string; pid: number | undefined; running: boolean; rssKiB: number | undefined; logFile: string }

export interface RealCluster {
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  /** Admin bearer token (user `kubetile-admin`, group system:masters). */
  readonly token: string;
  /** Admin kubeconfig: token auth, CA pinned (certificate-authority-data), namespace default. */
  readonly kubeconfigPath: string;
  /** User `kubetile-restricted`: get/list/watch on everything in `default` except secrets. */
  readonly restrictedKubeconfigPath: string;
  readonly restrictedToken: string;
  readonly restrictedUser: string;
  /** Tokens of `extraUsers`, by name. */
  readonly extraTokens: Record<string, string>;
  /** PEM of the CA (the apiserver's self-signed chain). */
  readonly caPem: string;
  readonly caPath: string;
  /** `http://127.0.0.1:<port>` */
  readonly etcdEndpoint: string;
  readonly dataDir: string;
  readonly logDir: string;
  /** The kubelet player, or undefined with `kubelet: false`. */
  readonly kubelet: KubeletPlayer | undefined;
  /** The fake node's name (even with `kubelet: false`). */
  readonly nodeName: string;
  /**
   * The node's kubelet port: a guard listener on 127.0.0.1 that counts and drops every
   * connection. There is no kubelet; the tests leave logs, exec and port-forward to kube-sim.
   */
  readonly kubeletPort: number;
  /** Connections the guard listener took (the apiserver reaching for the kubelet). */
  kubeletDials(): number;
  /** A fresh KubeConfig loaded from the admin (default) or restricted kubeconfig. */
  kubeConfig(user?: 'admin' | 'restricted'): KubeConfig;
  /**
   * A raw HTTPS request to the apiserver (CA pinned, admin token unless `token` is given),
   * e.g. server-side Table: `request('/api/v1/namespaces/default/pods', { accept:
   * 'application/json;as=Table;v=v1;g=meta.k8s.io' })`. Never throws on HTTP errors.
   */
  request(path: string, opts?: RawRequestOptions): Promise<RawResponse>;
  /** Writes a kubeconfig for a token (e.g. an extra user's) and returns its path. */
  writeKubeconfig(name: string, token: string, namespace?: string): string;
  /** Kills the apiserver (default SIGKILL, like a crash) and waits for it to exit. */
  killApiserver(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port with the same certs and waits for /readyz. */
  startApiserver(): Promise<void>;
  apiserverRunning(): boolean;
  /** etcd's current revision (= the newest resourceVersion). */
  currentRevision(): Promise<number>;
  /**
   * Compacts etcd so that every resourceVersion obtained before this call is too old: it
   * bumps the revision twice (a key outside /registry) and compacts at the new revision
   * (physically). A watch from such a resourceVersion gets a real 410 Expired. Returns the
   * compaction revision.
   */
  compact(): Promise<number>;
  /** pid, running and RSS of etcd, apiserver, controller-manager, scheduler. */
  processes(): ProcessInfo[];
  /** Stops the kubelet player and every process; removes the temp dir it created. */
  stop(): Promise<void>;
}

const liveClusters = new Set<{ stop(): Promise<void> }>();
const TEMP_PREFIX = 'kubetile-real-k8s-';

/** Removes temp dirs of earlier runs whose test process died without stop() (SIGKILL). */
function sweepStaleTempDirs(): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((n) => n.startsWith(TEMP_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(tmpdir(), name);
    try {
      const pid = Number(readFileSync(join(dir, 'owner.pid'), 'utf8').trim());
      if (!pid || pid === process.pid) continue;
      try {
        process.kill(pid, 0);
        continue; // owner alive
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue;
      }
      rmSync(dir, { recursive: true, force: true });
    } catch { /* not ours, or being created */ }
  }
}

/** Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and the kubelet player. */
export async function startRealCluster(opts: StartRealClusterOptions = {}): Promise<RealCluster> {
  const bins = findRealClusterBinaries();
  if ('missing' in bins) {
    throw new Error(`${realClusterSkipReason() ?? 'real control plane not built'}; missing: ${bins.missing.join(', ')}`);
  }
  const ownDir = !opts.dataDir;
  if (ownDir) sweepStaleTempDirs();
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  if (ownDir) writeFileSync(join(dataDir, 'owner.pid'), `${process.pid}\n`);
  const procs: Proc[] = [];
  let kubelet: KubeletPlayer | undefined;
  let guard: KubeletGuard | undefined;
  let stopped = false;

  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    await kubelet?.stop();
    await guard?.close();
    const [etcd, apiserver, ...controllers] = procs;
    await Promise.all(controllers.map((p) => p.stop('SIGTERM', 3_000)));
    await apiserver?.stop('SIGTERM', 5_000);
    await etcd?.stop('SIGTERM', 5_000);
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const handle = { stop: stopAll };
  liveClusters.add(handle);

  try {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 180_000);
    const remaining = () => Math.max(1_000, deadline - Date.now());
    const dirs = {
      etcd: join(dataDir, 'etcd'),
      certs: join(dataDir, 'certs'),
      logs: join(dataDir, 'logs'),
      conf: join(dataDir, 'conf'),
    };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });

    const [etcdPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const server = `https://127.0.0.1:${apiPort}`;
    const etcdEndpoint = `http://127.0.0.1:${etcdPort}`;

    // Tokens and the service-account signing key.
    const token = randomBytes(24).toString('hex');
    const restrictedToken = randomBytes(24).toString('hex');
    const controllerToken = randomBytes(24).toString('hex');
    const schedulerToken = randomBytes(24).toString('hex');
    const restrictedUser = 'kubetile-restricted';
    const extraTokens: Record<string, string> = {};
    const tokenLines = [
      `${token},kubetile-admin,${randomUUID()},"system:masters"`,
      `${restrictedToken},${restrictedUser},${randomUUID()},"kubetile:restricted"`,
      `${controllerToken},system:kube-controller-manager,${randomUUID()},"system:masters"`,
      `${schedulerToken},system:kube-scheduler,${randomUUID()},"system:masters"`,
    ];
    for (const u of opts.extraUsers ?? []) {
      const t = u.token ?? randomBytes(24).toString('hex');
      extraTokens[u.name] = t;
      tokenLines.push(`${t},${u.name},${randomUUID()},"${(u.groups ?? []).join(',')}"`);
    }
    const tokenFile = join(dirs.conf, 'tokens.csv');
    writeFileSync(tokenFile, tokenLines.join('\n') + '\n', { mode: 0o600 });
    const saKey = join(dirs.certs, 'sa.key');
    const saPub = join(dirs.certs, 'sa.pub');
    if (!existsSync(saKey) || !existsSync(saPub)) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(saKey, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
      writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));
    }

    // etcd
    const etcd = new Proc('etcd', bins.etcd, [
      '--name=kubetile',
      `--data-dir=${dirs.etcd}`,
      `--listen-client-urls=${etcdEndpoint}`,
      `--advertise-client-urls=${etcdEndpoint}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=kubetile=http://127.0.0.1:${etcdPeerPort}`,
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-outputs=stderr',
      '--log-level=warn',
    ], join(dirs.logs, 'etcd.log'));
    procs.push(etcd);
    etcd.start();
    await waitForUp(etcd, 'etcd /health', async () => {
      const r = await rawRequest(`${etcdEndpoint}/health`, { timeoutMs: 2_000 });
      return r.status === 200 && r.body.includes('true');
    }, remaining());

    // kube-apiserver
    const apiserverArgs = [
      `--etcd-servers=${etcdEndpoint}`,
      '--etcd-compaction-interval=0',
      `--watch-cache=${opts.watchCache ? 'true' : 'false'}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      // Reach nodes by their InternalIP (127.0.0.1) only, never by a name to resolve.
      '--kubelet-preferred-address-types=InternalIP',
      `--secure-port=${apiPort}`,
      `--cert-dir=${dirs.certs}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      '--anonymous-auth=false',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--api-audiences=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--endpoint-reconciler-type=none',
      '--allow-privileged=true',
      '--profiling=false',
      '--v=1',
      ...(opts.apiserverArgs ?? []),
    ];
    const apiserver = new Proc('kube-apiserver', bins.apiserver, apiserverArgs, join(dirs.logs, 'kube-apiserver.log'));
    procs.push(apiserver);
    const caPath = join(dirs.certs, 'apiserver.crt');
    let caPem = '';
    const waitApiserverReady = async (timeoutMs: number) => {
      await waitForUp(apiserver, 'kube-apiserver /readyz', async () => {
        if (!caPem) {
          if (!existsSync(caPath)) return false;
          caPem = await readFile(caPath, 'utf8');
          if (!caPem.includes('END CERTIFICATE')) { caPem = ''; return false; }
        }
        const r = await rawRequest(`${server}/readyz`, { token, ca: caPem, timeoutMs: 5_000 });
        return r.status === 200;
      }, timeoutMs);
    };
    apiserver.start();
    await waitApiserverReady(remaining());

    // kubeconfigs
    const writeKubeconfig = (name: string, tok: string, namespace = 'default') => {
      const p = join(dirs.conf, `${name}.kubeconfig`);
      writeFileSync(p, kubeconfigYaml({ server, caPem, user: name, token: tok, namespace }), { mode: 0o600 });
      return p;
    };
    const kubeconfigPath = writeKubeconfig('admin', token);
    const restrictedKubeconfigPath = writeKubeconfig(restrictedUser, restrictedToken);
    const cmKubeconfig = writeKubeconfig('kube-controller-manager', controllerToken, 'kube-system');
    const schedKubeconfig = writeKubeconfig('kube-scheduler', schedulerToken, 'kube-system');

    // kube-controller-manager and kube-scheduler: no serving ports, no leader election.
    const cm = new Proc('kube-controller-manager', bins.controllerManager, [
      `--kubeconfig=${cmKubeconfig}`,
      '--leader-elect=false',
      '--controllers=*,-nodelifecycle',
      `--service-account-private-key-file=${saKey}`,
      `--root-ca-file=${caPath}`,
      '--use-service-account-credentials=false',
      '--port=0',
      '--secure-port=0',
      '--profiling=false',
      '--v=1',
    ], join(dirs.logs, 'kube-controller-manager.log'));
    const scheduler = new Proc('kube-scheduler', bins.scheduler, [
      `--kubeconfig=${schedKubeconfig}`,
      '--leader-elect=false',
      '--port=0',
      '--secure-port=0',
      '--profiling=false',
      '--v=1',
    ], join(dirs.logs, 'kube-scheduler.log'));
    procs.push(cm, scheduler);
    cm.start();
    scheduler.start();

    const loadKc = (path: string) => {
      const kc = new KubeConfig();
      kc.loadFromFile(path);
      return kc;
    };
    const adminKc = loadKc(kubeconfigPath);
    const core = adminKc.makeApiClient(CoreV1Api);

    await createRestrictedRole(server, token, caPem, restrictedUser);

    const nodeName = typeof opts.kubelet === 'object' && opts.kubelet.nodeName ? opts.kubelet.nodeName : 'fake-node-1';
    guard = await startKubeletGuard(await freePort());
    const kubeletPort = guard.port;
    if (opts.kubelet !== false) {
      kubelet = new KubeletPlayer(adminKc, { kubeletPort, ...(typeof opts.kubelet === 'object' ? opts.kubelet : {}) });
      kubelet.start();
      await withTimeout(kubelet.nextPass(), remaining(), `kubelet player first pass (last error: ${kubelet.lastError})`);
    }

    // The controller-manager is working once the default ServiceAccount has its token
    // (pods cannot be created before that: the ServiceAccount admission plugin needs it).
    await waitForUp(cm, 'the default ServiceAccount token (kube-controller-manager)', async () => {
      const sa = await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
      return (sa.secrets?.length ?? 0) > 0;
    }, remaining());
    if (!scheduler.running) throw new Error(`kube-scheduler exited:\n${tail(scheduler.logFile)}`);

    const cluster: RealCluster = {
      server,
      token,
      kubeconfigPath,
      restrictedKubeconfigPath,
      restrictedToken,
      restrictedUser,
      extraTokens,
      caPem,
      caPath,
      etcdEndpoint,
      dataDir,
      logDir: dirs.logs,
      kubelet,
      nodeName,
      kubeletPort,
      kubeletDials: () => guard?.dials ?? 0,
      kubeConfig: (user = 'admin') => loadKc(user === 'admin' ? kubeconfigPath : restrictedKubeconfigPath),
      writeKubeconfig,
      request: (path, ropts = {}) => rawRequest(`${server}${path}`, { ...ropts, token: ropts.token ?? token, ca: caPem }),
      async killApiserver(signal: NodeJS.Signals = 'SIGKILL') {
        await apiserver.stop(signal, 10_000);
      },
      async startApiserver() {
        if (stopped) throw new Error('cluster stopped');
        if (apiserver.running) return;
        if (!(await canListen(apiPort))) {
          await waitFor(`port ${apiPort} free again`, () => canListen(apiPort), { timeoutMs: 30_000 });
        }
        apiserver.start();
        await waitApiserverReady(120_000);
      },
      apiserverRunning: () => apiserver.running,
      currentRevision: () => etcdRevision(etcdEndpoint),
      async compact() {
        const key = Buffer.from('/kubetile-harness/compact-marker').toString('base64');
        let rev = 0;
        for (let i = 0; i < 2; i++) {
          const r = await rawRequest(`${etcdEndpoint}/v3/kv/put`, {
            method: 'POST', body: { key, value: Buffer.from(String(Date.now())).toString('base64') },
          });
          if (r.status !== 200) throw new Error(`etcd put: HTTP ${r.status} ${r.body}`);
          rev = Number((JSON.parse(r.body) as { header?: { revision?: string } }).header?.revision);
        }
        if (!Number.isFinite(rev) || rev <= 0) throw new Error('etcd put: no revision in answer');
        const r = await rawRequest(`${etcdEndpoint}/v3/kv/compaction`, {
          method: 'POST', body: { revision: String(rev), physical: true }, timeoutMs: 30_000,
        });
        if (r.status !== 200) throw new Error(`etcd compaction: HTTP ${r.status} ${r.body}`);
        return rev;
      },
      processes: () => procs.map((p) => ({
        name: p.name, pid: p.pid, running: p.running, rssKiB: p.rssKiB(), logFile: p.logFile,
      })),
      async stop() {
        liveClusters.delete(handle);
        await stopAll();
      },
    };
    return cluster;
  } catch (err) {
    liveClusters.delete(handle);
    const logs = procs.map((p) => `--- ${p.name} (${p.running ? 'running' : 'exited'}) ${p.logFile}:\n${tail(p.logFile, 15)}`).join('\n');
    await stopAll().catch(() => undefined);
    const e = new Error(`startRealCluster failed: ${errorMessage(err)}\n${logs}`);
    throw e;
  }
}

interface KubeletGuard {
  readonly port: number;
  readonly dials: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:port where a kubelet would; counts and drops every connection. */
function startKubeletGuard(port: number): Promise<KubeletGuard> {
  return new Promise((resolvePromise, reject) => {
    let dials = 0;
    const srv = net.createServer((sock) => {
      dials++;
      sock.destroy();
    });
    srv.once('error', reject);
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      resolvePromise({
        port,
        get dials() { return dials; },
        close: () => new Promise<void>((r) => srv.close(() => r())),
      });
    });
  });
}

async function waitForUp(proc: Proc, what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    if (!proc.running) {
      throw new Error(`${proc.name} exited while waiting for ${what}; last log lines:\n${tail(proc.logFile)}`);
    }
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${errorMessage(last)}); log ${proc.logFile}:\n${tail(proc.logFile)}`);
    }
    await sleep(200);
  }
}

async function etcdRevision(etcdEndpoint: string): Promise<number> {
  const r = await rawRequest(`${etcdEndpoint}/v3/kv/range`, {
    method: 'POST', body: { key: Buffer.from('/kubetile-harness/').toString('base64'), limit: 1 },
  });
  if (r.status !== 200) throw new Error(`etcd range: HTTP ${r.status} ${r.body}`);
  return Number((JSON.parse(r.body) as { header?: { revision?: string } }).header?.revision);
}

/**
 * Role + RoleBinding in `default` for the restricted user: get/list/watch on every namespaced
 * resource the server offers at start (from discovery), except secrets; plus pods/log.
 */
async function createRestrictedRole(server: string, token: string, ca: string, user: string): Promise<void> {
  const get = async <T>(path: string): Promise<T> => {
    const r = await rawRequest(`${server}${path}`, { token, ca });
    if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    return JSON.parse(r.body) as T;
  };
  interface ResourceList { resources: Array<{ name: string; namespaced: boolean; verbs: string[] }> }
  const groups: Array<{ group: string; path: string }> = [{ group: '', path: '/api/v1' }];
  const apis = await get<{ groups: Array<{ name: string; preferredVersion: { groupVersion: string } }> }>('/apis');
  for (const g of apis.groups) groups.push({ group: g.name, path: `/apis/${g.preferredVersion.groupVersion}` });
  const rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> = [];
  for (const g of groups) {
    const list = await get<ResourceList>(g.path);
    const names = list.resources
      .filter((r) => r.namespaced && !r.name.includes('/') && r.verbs.includes('list'))
      .map((r) => r.name)
      .filter((n) => !(g.group === '' && n === 'secrets'));
    if (g.group === '') names.push('pods/log');
    if (names.length > 0) rules.push({ apiGroups: [g.group], resources: [...new Set(names)].sort(), verbs: ['get', 'list', 'watch'] });
  }
  const create = async (path: string, body: unknown) => {
    const r = await rawRequest(`${server}${path}`, { method: 'POST', token, ca, body });
    if (r.status !== 201 && r.status !== 409) throw new Error(`POST ${path}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  };
  // kube-apiserver's bootstrap controller makes the default namespace a moment after the server
  // answers (v1.20 under load: after discovery was read): the Role waits for it (a 404 before).
  const nsDeadline = Date.now() + 60_000;
  for (;;) {
    const r = await rawRequest(`${server}/api/v1/namespaces/default`, { token, ca });
    if (r.status === 200) break;
    if (Date.now() > nsDeadline) throw new Error(`the default namespace was not there within 60 s (GET: HTTP ${r.status} ${r.body.slice(0, 200)})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'kubetile-restricted', namespace: 'default' },
    rules,
  });
  await create('/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'kubetile-restricted', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubetile-restricted' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  });
}

/** Stops every cluster this process started and did not stop (for afterAll safety nets). */
export async function stopAllRealClusters(): Promise<void> {
  await Promise.all([...liveClusters].map((c) => c.stop()));
  liveClusters.clear();
}
