/** A running kube-sim: the HTTPS server, its state, and the admin API tests drive it with. */
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceRegistry, ResourceType } from './api/resource-types.js';
import { apiError, failureStatus, notFound } from './api/status.js';
import { Faults, type InjectedErrorSpec, type LatencySpec } from './admin/faults.js';
import { Journal, type JournalEntry } from './admin/journal.js';
import type { HandlerContext } from './handlers/context.js';
import type { UsageOverrides } from './handlers/metrics.js';
import { ApiServer, type SubresourceHandler, type UpgradeHandler } from './http/api-server.js';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.js';
import { defaultConfig, type SimConfig } from './sim-config.js';
import type { HistoryLimits } from './store/history.js';
import type { ObjectStore, Propagation } from './store/object-store.js';
import { applyPatch, type PatchType } from './store/patch.js';
import { parseStored } from './store/stored-object.js';
import { loadOrCreateTls, type TlsMaterial } from './tls/ca.js';
import type { KubeObject } from './types.js';
import type { WatchHub } from './watch/watch-hub.js';
import { makeWorld, type World } from './world.js';
import { handleAdmin } from './admin/admin-http.js';
import type { LogRateSpec } from './runtime/container-admin.js';
import { addPods } from './seed/scale.js';
import { writeInClusterFiles, type InClusterSetup } from './in-cluster.js';

export type SeedName = 'demo' | 'empty';

export interface KubeSimOptions {
  /** Port to listen on; 0 (default) picks an ephemeral port. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  seed: SeedName;
  /** Where to write the kubeconfig (also kept in memory as kubeconfigYaml). */
  kubeconfigOut?: string;
  /** Bearer token; default: random, or the one saved in stateDir. */
  token?: string;
  /** Directory for the CA, serving certificate and token, so they survive process restarts. */
  stateDir?: string;
  /** Run the demo lifecycle controller (default: true for the demo seed, false otherwise). */
  controller?: boolean;
  /** Tunables (bookmark period, continue TTL, watch timeouts, exec protocols...). */
  config?: Partial<SimConfig>;
  /** Watch/list history bounds (default 10,000 events, 150 s). */
  history?: Partial<HistoryLimits>;
}

export interface RestartOptions {
  /** Keep all objects and the resourceVersion counter (default true). */
  keepState?: boolean;
  /** Stay down (connection refused) this long before listening again. */
  downMs?: number;
}

export interface SimMetrics {
  resourceVersion: number;
  objects: Record<string, number>;
  watches: { open: number; opened: number; eventsSent: number; backlogBytes: number; maxBacklogBytes: number };
  historyEvents: number;
  historyFloor: number;
  writes: number;
  openSockets: number;
  eventRate: number;
  memory: { rss: number; heapUsed: number };
  /** Process CPU time in microseconds since start (user, system). */
  cpu: { user: number; system: number };
}

/** Hooks the pod runtime (logs, exec, port-forward, controller) plugs in with. */
export interface PodRuntime {
  subresources: Map<string, SubresourceHandler>;
  upgrades: Map<string, UpgradeHandler>;
  /** Called with each new world (start, and restart without keepState). */
  attach(world: World, seed: SeedName, controller: boolean, config: SimConfig): void;
  /** True when something finishes graceful pod deletion. */
  gracefulPodDeletion(): boolean;
  appendLog(namespace: string, pod: string, container: string | undefined, lines: string | readonly string[], clockMs?: number): void;
  terminateContainer(namespace: string, pod: string, container: string | undefined, exitCode: number): void;
  restartContainer(namespace: string, pod: string, container: string | undefined): void;
  setLogRate(spec: LogRateSpec): number;
  setPortTarget(namespace: string, pod: string, port: number, target: { host: string; port: number } | null): void;
  mapPsql(namespace: string, pod: string, target: { bin: string; host: string; port: number } | null): void;
  stop(): Promise<void>;
}

export type Seeder = (world: World, seed: SeedName) => void;

function loadToken(stateDir: string | undefined, explicit: string | undefined): string {
  if (explicit) return explicit;
  const fresh = (): string => `kube-sim-${randomBytes(18).toString('base64url')}`;
  if (!stateDir) return fresh();
  const p = join(stateDir, 'token');
  if (existsSync(p)) return readFileSync(p, 'utf8').trim();
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const t = fresh();
  writeFileSync(p, t, { mode: 0o600 });
  return t;
}

export class KubeSim implements HandlerContext {
  readonly config: SimConfig;
  readonly faults = new Faults();
  readonly journal = new Journal();
  readonly token: string;
  readonly caPem: string;
  readonly host: string;
  kubeconfigYaml = '';
  kubeconfigPath: string | undefined;
  private world: World;
  private server: ApiServer | undefined;
  private boundPort = 0;
  private stopped = false;
  private readonly controllerOn: boolean;
  private expiryTimer: NodeJS.Timeout;
  /** The token API requests must present instead of `token` (rotateToken), or null. */
  private acceptedToken: string | null = null;

  private constructor(
    private readonly opts: KubeSimOptions,
    private readonly tls: TlsMaterial,
    private readonly runtime: PodRuntime,
    private readonly seeder: Seeder,
  ) {
    // The demo cluster has metrics-server (kubectl top, kubetile's usage columns); an empty one, as a bare cluster, not.
    this.config = { ...defaultConfig(), metricsServer: opts.seed === 'demo', ...opts.config };
    this.token = loadToken(opts.stateDir, opts.token);
    this.caPem = tls.caCert;
    this.host = opts.host ?? '127.0.0.1';
    this.controllerOn = opts.controller ?? opts.seed === 'demo';
    this.world = this.freshWorld(0);
    this.expiryTimer = setInterval(() => this.world.store.history.expire(Date.now()), 1000);
    this.expiryTimer.unref();
  }

  static async start(opts: KubeSimOptions, runtime: PodRuntime, seeder: Seeder): Promise<KubeSim> {
    if (opts.seed !== 'demo' && opts.seed !== 'empty') throw new Error(`unknown seed "${String(opts.seed)}": use demo or empty`);
    const tls = await loadOrCreateTls(opts.stateDir ? join(opts.stateDir, 'pki') : undefined, opts.host ? [opts.host] : []);
    const sim = new KubeSim(opts, tls, runtime, seeder);
    await sim.listen(opts.port ?? 0);
    sim.writeConfig();
    return sim;
  }

  private freshWorld(initialRv: number): World {
    const w = makeWorld(this.opts.history, initialRv);
    this.world = w;
    this.seeder(w, this.opts.seed);
    this.runtime.attach(w, this.opts.seed, this.controllerOn, this.config);
    return w;
  }

  private async listen(port: number): Promise<void> {
    const server = new ApiServer(this, {
      key: this.tls.key,
      cert: this.tls.cert,
      token: () => this.acceptedToken ?? this.token,
      adminToken: () => this.token,
      subresources: this.runtime.subresources,
      upgrades: this.runtime.upgrades,
      admin: (req, res, action, q) => handleAdmin(this, req, res, action, q),
    });
    this.boundPort = await server.listen(port, this.host);
    this.server = server;
  }

  private writeConfig(): void {
    this.kubeconfigYaml = kubeconfigYaml({ server: this.url, caPem: this.caPem, token: this.token });
    if (this.opts.kubeconfigOut) {
      writeKubeconfig(this.opts.kubeconfigOut, this.kubeconfigYaml);
      this.kubeconfigPath = this.opts.kubeconfigOut;
    }
  }

  // ---- HandlerContext ----
  get store(): ObjectStore {
    return this.world.store;
  }
  get registry(): ResourceRegistry {
    return this.world.registry;
  }
  get hub(): WatchHub {
    return this.world.hub;
  }
  serverAddress(): string {
    return `${this.host}:${this.boundPort}`;
  }
  gracefulPodDeletion(): boolean {
    return this.runtime.gracefulPodDeletion();
  }
  readonly usage: UsageOverrides = new Map();

  /**
   * What metrics.k8s.io reports for one container (`kubectl top`): CPU in millicores, memory in
   * bytes; null goes back to the made-up usage.
   */
  setUsage(namespace: string, pod: string, container: string, usage: { cpuMillis: number; memoryBytes: number } | null): void {
    const key = `${namespace}/${pod}/${container}`;
    if (usage === null) this.usage.delete(key);
    else this.usage.set(key, { cpuNano: usage.cpuMillis * 1_000_000, memoryBytes: usage.memoryBytes });
  }

  // ---- identity ----
  get port(): number {
    return this.boundPort;
  }
  get url(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `https://${h}:${this.boundPort}`;
  }

  // ---- objects ----
  private typeOf(apiVersion: string, kind: string): ResourceType {
    const rt = this.registry.byKind(apiVersion, kind);
    if (!rt) throw apiError('NotFound', `the server could not find the requested resource (${apiVersion} ${kind})`);
    return rt;
  }

  /**
   * Creates an object through the same path as POST; returns it as stored. `createdAt` (ms) backdates
   * its creationTimestamp (an object days old shows an AGE that does not tick while a test watches).
   */
  createObject(obj: KubeObject, opts: { createdAt?: number } = {}): KubeObject {
    const rt = this.typeOf(obj.apiVersion ?? '', obj.kind ?? '');
    return parseStored(this.store.create(rt, structuredClone(obj), opts));
  }

  getObject(apiVersion: string, kind: string, name: string, namespace = 'default'): KubeObject | undefined {
    return this.store.getObject(this.typeOf(apiVersion, kind), namespace, name);
  }

  listObjects(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const rt = this.typeOf(apiVersion, kind);
    const coll = this.store.collection(rt);
    const [from, to] = namespace !== undefined && rt.namespaced ? coll.namespaceRange(namespace) : [0, coll.keyCount];
    const out: KubeObject[] = [];
    for (let i = from; i < to; i++) {
      const rec = coll.get(coll.keyAt(i) as string);
      if (rec) out.push(parseStored(rec));
    }
    return out;
  }

  /**
   * Creates many objects at once: an array, or a List (`{"items":[...]}`) as `kubectl get -o json`
   * prints it. Namespaces are created first. Returns how many were created.
   */
  loadObjects(objects: readonly KubeObject[] | { items: readonly KubeObject[] }): number {
    const list = Array.isArray(objects) ? objects : (objects as { items: readonly KubeObject[] }).items;
    const ordered = [...list].sort((a, b) => Number(b.kind === 'Namespace' || b.kind === 'CustomResourceDefinition') - Number(a.kind === 'Namespace' || a.kind === 'CustomResourceDefinition'));
    let n = 0;
    for (const o of ordered) {
      const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...md } = o.metadata ?? {};
      this.createObject({ ...o, metadata: md });
      n++;
    }
    return n;
  }

  /** Writes token, CA and namespace files for client-node's `loadFromCluster(prefix)`. */
  inClusterFiles(prefix: string, namespace = 'default'): InClusterSetup {
    return writeInClusterFiles(prefix, this.host, this.boundPort, this.token, this.caPem, namespace);
  }

  /** Replaces an object (no resourceVersion check unless the object carries one). */
  updateObject(obj: KubeObject): KubeObject {
    const rt = this.typeOf(obj.apiVersion ?? '', obj.kind ?? '');
    return parseStored(this.store.update(rt, structuredClone(obj)));
  }

  /** Patches an object; `type` defaults to a JSON merge patch. */
  patchObject(apiVersion: string, kind: string, name: string, namespace: string | undefined, patch: unknown, type: PatchType = 'merge'): KubeObject {
    const rt = this.typeOf(apiVersion, kind);
    const ns = namespace ?? 'default';
    const cur = this.store.getObject(rt, ns, name);
    if (!cur) throw notFound(rt.plural, name, rt.group);
    const next = applyPatch(type, cur, patch) as KubeObject;
    return parseStored(this.store.update(rt, next));
  }

  /** Deletes an object at once (no grace period), with dependents unless orphaned. */
  deleteObject(apiVersion: string, kind: string, name: string, namespace = 'default', propagation: Propagation = 'Background'): void {
    const rt = this.typeOf(apiVersion, kind);
    this.store.delete(rt, namespace, name, { propagation });
  }

  /**
   * Adds `n` running pods named `<prefix>-NNNNNN` to a namespace (created if missing), in
   * batches so the event loop keeps serving. Resolves to the number created.
   */
  async addPods(n: number, namespace = 'default', opts: { prefix?: string; labels?: Record<string, string> } = {}): Promise<number> {
    return addPods(this.world, n, namespace, opts);
  }

  // ---- containers and logs ----
  /** Appends lines to a container's current log (the only container when `container` is omitted). */
  appendLog(namespace: string, pod: string, lines: string | readonly string[], container?: string): void {
    this.runtime.appendLog(namespace, pod, container, lines);
  }

  /**
   * Appends lines stamped as a node whose clock reads `clockMs` would (tests): behind the lines
   * before it, the log's timestamps go back, as when a node's clock is stepped back.
   */
  appendLogAt(namespace: string, pod: string, lines: string | readonly string[], clockMs: number, container?: string): void {
    this.runtime.appendLog(namespace, pod, container, lines, clockMs);
  }

  /** Terminates a running container (log followers see the end of the stream). */
  terminateContainer(namespace: string, pod: string, opts: { container?: string; exitCode?: number } = {}): void {
    this.runtime.terminateContainer(namespace, pod, opts.container, opts.exitCode ?? 0);
  }

  /** Starts a new instance of a container: restartCount + 1, the old log becomes `previous`. */
  restartContainer(namespace: string, pod: string, container?: string): void {
    this.runtime.restartContainer(namespace, pod, container);
  }

  /** Generates log lines at `perSec` per running container matching the filter; returns how many. */
  setLogRate(spec: LogRateSpec): number {
    return this.runtime.setLogRate(spec);
  }

  /**
   * Port-forwards to namespace/pod:port reach host:port instead of the sim's own responder
   * (null restores the default). Lets a test run its own server "inside" a pod.
   */
  setPortTarget(namespace: string, pod: string, port: number, target: { host: string; port: number } | null): void {
    this.runtime.setPortTarget(namespace, pod, port, target);
  }

  /**
   * Test-only opt-in: `psql` in namespace/pod's containers (over exec) runs the host's `bin` against
   * host:port — a test's real PostgreSQL on loopback — with the container's arguments, PG*
   * environment and stdin (null removes it). The simulated shell runs around it (`sh -c`, `read`,
   * `export`, `exec`).
   */
  mapPsql(namespace: string, pod: string, target: { bin: string; host: string; port: number } | null): void {
    this.runtime.mapPsql(namespace, pod, target);
  }

  // ---- history and lists ----
  /** Forgets all watch history: watches from any older RV get 410, old continue tokens expire. */
  compact(): void {
    this.store.compact();
  }

  expireContinueTokens(): void {
    this.faults.continueNotBefore = Date.now() + 1;
  }

  // ---- watches ----
  /** Ends every open watch: cleanly by default, or by destroying the socket. */
  killWatches(opts: { graceful?: boolean } = {}): number {
    return this.hub.killAll(opts.graceful !== false);
  }

  /** Holds back all watch output (including new watches) for `ms`, then flushes. */
  stallWatches(ms: number): number {
    return this.hub.stallAll(ms);
  }

  unstallWatches(): void {
    this.hub.unstallAll();
  }

  /** Sends a BOOKMARK with the current RV to every open watch. */
  bookmarkNow(): number {
    return this.hub.bookmarkAll(this.store.rv);
  }

  /** Sends an in-stream ERROR event (default 500 InternalError) to every watch. */
  injectWatchError(opts: { code?: number; message?: string; end?: boolean } = {}): number {
    const code = opts.code ?? 500;
    const status = code === 410
      ? failureStatus('Expired', opts.message ?? `too old resource version: ${this.store.rv} (${this.store.rv})`, undefined, 410)
      : failureStatus(code === 504 ? 'Timeout' : 'InternalError', opts.message ?? 'injected watch error', undefined, code);
    return this.hub.errorAll(status, opts.end ?? false);
  }

  /** Writes a malformed line (default) or a pretty-printed multi-line event to every watch. */
  injectWatchGarbage(opts: { multiline?: boolean } = {}): number {
    const text = opts.multiline
      ? `${JSON.stringify({ type: 'MODIFIED', object: { kind: 'Status', apiVersion: 'v1', metadata: {} } }, null, 2)}\n`
      : '{"type":"MODIFIED","object":{this is not json\n';
    return this.hub.rawAll(text);
  }

  // ---- faults ----
  injectError(spec: InjectedErrorSpec): void {
    this.faults.injectError(spec);
  }

  clearErrors(): void {
    this.faults.clearErrors();
  }

  /** Adds latency to every request (a number) or to matching ones; 0 clears, and requests held by a rule that is cleared go on at once. */
  setLatency(spec: number | LatencySpec | LatencySpec[]): void {
    this.faults.setLatency(spec);
  }

  /** Answers 403 Forbidden for a resource ("secrets", "pods/log"), for all or some verbs. */
  forbid(resource: string, verbs?: string[]): void {
    this.faults.forbid(resource, verbs);
  }

  allow(resource?: string): void {
    this.faults.allow(resource);
  }

  /** Every request with the token gets 401 until restoreToken(). The admin API keeps working. */
  expireToken(): void {
    this.faults.tokenExpired = true;
  }

  restoreToken(): void {
    this.faults.tokenExpired = false;
  }

  /**
   * From now on requests must present `next` (a rotated token: the one in `token` and the
   * kubeconfig gets 401); watches already open go on. The admin API keeps taking `token`.
   */
  rotateToken(next: string): void {
    this.acceptedToken = next;
  }

  resetFaults(): void {
    this.faults.reset();
    this.hub.unstallAll();
  }

  /** Modifies pods at `perSec` events per second (0 stops), optionally in one namespace. */
  setEventRate(perSec: number, namespace?: string): void {
    this.world.churn.set(perSec, namespace);
  }

  configure(patch: Partial<SimConfig>): SimConfig {
    Object.assign(this.config, patch);
    return { ...this.config };
  }

  /**
   * Drops every client connection (watches, logs, exec, keep-alive sockets), with a TCP RST when
   * `reset`. `spare` is a connection to leave alone (the admin request's own). Returns how many
   * connections were dropped.
   */
  killSockets(opts: { reset?: boolean; spare?: Duplex } = {}): number {
    return this.server?.destroySockets(opts.reset ?? false, opts.spare) ?? 0;
  }

  journalEntries(filter?: { path?: string; method?: string; sinceSeq?: number }): JournalEntry[] {
    return this.journal.list(filter);
  }

  /** Counters and memory; with `gc` (and node --expose-gc) memory is measured after a collection. */
  metrics(opts: { gc?: boolean } = {}): SimMetrics {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (opts.gc && gc) gc();
    const objects: Record<string, number> = {};
    for (const rt of this.registry.all()) {
      const n = this.store.count(rt);
      if (n > 0) objects[rt.group ? `${rt.plural}.${rt.group}` : rt.plural] = n;
    }
    const mem = process.memoryUsage();
    return {
      resourceVersion: this.store.rv,
      objects,
      watches: this.hub.stats(),
      historyEvents: this.store.history.size,
      historyFloor: this.store.history.floor,
      writes: this.store.writes,
      openSockets: this.server?.openSockets ?? 0,
      eventRate: this.world.churn.rate,
      memory: { rss: mem.rss, heapUsed: mem.heapUsed },
      cpu: process.cpuUsage(),
    };
  }

  /**
   * Restarts the HTTPS server on the same port. Every connection drops. With keepState (the
   * default) objects and the RV counter survive; without it the seed is loaded again into a fresh
   * store whose RV restarts at 0, so clients holding old RVs see them as "too large".
   */
  async restart(opts: RestartOptions = {}): Promise<void> {
    if (this.stopped) throw new Error('kube-sim is stopped');
    const port = this.boundPort;
    await this.server?.close();
    this.server = undefined;
    if (opts.keepState === false) {
      this.world.churn.stop();
      this.hub.killAll(false);
      this.freshWorld(0);
    }
    if (opts.downMs && opts.downMs > 0) await new Promise((r) => setTimeout(r, opts.downMs));
    for (let attempt = 0; ; attempt++) {
      try {
        await this.listen(port);
        return;
      } catch (err) {
        if (attempt >= 50 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.expiryTimer);
    this.world.churn.stop();
    this.hub.killAll(false);
    await this.runtime.stop();
    await this.server?.close();
    this.server = undefined;
  }
}
