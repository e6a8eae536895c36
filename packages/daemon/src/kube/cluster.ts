import { existsSync } from 'node:fs';
import { DiscoveryCache } from './discovery-cache.js';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, keepProxyAgentsOf, type Context } from './kubeconfig.js';
import type { Logger } from '../logging/logger.js';
import { errorMessage } from '../util/errors.js';
import { Signal } from '../util/signal.js';
import { ExecAuthenticator, useExecAuthenticator } from './exec-auth.js';
import { CREDENTIAL_TIMEOUT_MS, ExecCredentialProvider } from './exec-credential.js';
import { loginTimeoutMs } from './credential-login.js';
import { UsagePool } from './usage-pool.js';
import { InformerPool } from './informer-pool.js';
import { kubeRequest } from './kube-http.js';
import { loadKubeconfigFiles, type LoadedKubeconfig } from './kubeconfig-load.js';
import type { KubeScope } from './types.js';

export interface ContextInfo {
  name: string;
  cluster: string;
  namespace?: string;
}

/** The kubeconfig files kubectl would read: $KUBECONFIG (a list) or ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  return kubeconfigPaths(env).filter((f) => existsSync(f));
}

/** Where kubectl looks for kubeconfig files, whether they exist now or not (what is watched for changes). */
export function kubeconfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.KUBECONFIG) return [...new Set(env.KUBECONFIG.split(delimiter).filter((f) => f))];
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

/** What a reload of the kubeconfig changed (context names), or why the one loaded before was kept. */
export type KubeconfigReload = { ok: true; added: string[]; changed: string[]; removed: string[]; wasUnavailable: boolean } | { ok: false; problem: string };

/**
 * What each context's requests depend on: its entry, its cluster's and its user's (exec block
 * included). Looked up by name (a kubeconfig of tens of thousands of contexts is compared in linear
 * time: a search of every list for every context stalled the daemon for minutes).
 */
function contextFingerprints(l: LoadedKubeconfig): Map<string, string> {
  const clusters = new Map(l.clusters.map((c) => [c.name, c]));
  const users = new Map(l.users.map((u) => [u.name, u]));
  const out = new Map<string, string>();
  for (const ctx of l.contexts) {
    const exec = l.exec.get(ctx.user);
    out.set(ctx.name, JSON.stringify([ctx, clusters.get(ctx.cluster) ?? null, users.get(ctx.user) ?? null, exec instanceof Error ? exec.message : (exec ?? null)]));
  }
  return out;
}

/**
 * The kubeconfig as kubectl loads it (KUBECONFIG list merged, current context and its namespace),
 * a KubeConfig per context, the shared informer pool, the exec credential plugins, and a readable
 * problem when there is no usable cluster configuration.
 */
export class ClusterManager {
  readonly pool: InformerPool;
  /** What each context's API server serves (`:` and plugins' resource names). */
  readonly discovery: DiscoveryCache;
  /** Pods' usage from metrics-server, polled for the pods lists that show it. */
  readonly usage: UsagePool;
  /** Exec credential plugins, shared by every context (one process per user at a time). */
  readonly credentials: ExecCredentialProvider;
  private loaded: LoadedKubeconfig | null = null;
  /** The loaded kubeconfig's contexts by name (a key, a frame and a request each look one up). */
  private contextByName = new Map<string, Context>();
  private readonly perContext = new Map<string, KubeConfig>();
  /**
   * Contexts that left the kubeconfig: their (withdrawn) KubeConfig, for as long as something still
   * holds it (a halted watch, a port-forward), to be set up again in place if the context comes
   * back. Held weakly: a daemon that saw hundreds of clusters come and go (kind, per-PR clusters)
   * kept every one's KubeConfig — and the whole kubeconfig of its time — in perContext.
   */
  private readonly gone = new Map<string, WeakRef<KubeConfig>>();
  /** Why there is no cluster (no kubeconfig, malformed file), or null. */
  problem: string | null = null;
  /** Shown instead of the context name (e.g. `demo cluster`). */
  label: string | null = null;
  /** The kubeconfig was read again and taken (see reload). */
  readonly reloaded = new Signal();

  constructor(private readonly logger: Logger) {
    this.credentials = new ExecCredentialProvider(logger.child({ part: 'credentials' }), CREDENTIAL_TIMEOUT_MS, loginTimeoutMs());
    this.pool = new InformerPool((ctx) => this.configFor(ctx), logger);
    this.discovery = new DiscoveryCache((ctx) => this.configFor(ctx));
    this.usage = new UsagePool((ctx) => this.configFor(ctx));
  }

  /**
   * (Re)loads the kubeconfig from the environment; never throws, and never blocks: a kubeconfig
   * (or a file it names) that is a FIFO, a device or huge is refused before it is read.
   */
  load(env: NodeJS.ProcessEnv = process.env): void {
    this.perContext.clear();
    this.gone.clear();
    this.use(null);
    const files = kubeconfigFiles(env);
    if (files.length === 0) {
      this.problem = env.KUBECONFIG ? `no kubeconfig file found in KUBECONFIG=${env.KUBECONFIG}` : 'no kubeconfig (~/.kube/config) — try kubetile --demo';
      return;
    }
    try {
      const loaded = loadKubeconfigFiles(files);
      if (loaded.contexts.length === 0) throw new Error(`kubeconfig ${files.join(delimiter)} is malformed: it defines no contexts`);
      if (!loaded.contexts.some((c) => c.name === loaded.currentContext)) loaded.currentContext = loaded.contexts[0]!.name;
      this.use(loaded);
      this.problem = null;
      this.logger.info({ files, context: loaded.currentContext, execUsers: [...loaded.exec.keys()] }, 'kubeconfig loaded');
    } catch (err) {
      this.problem = errorMessage(err);
      this.logger.error({ files, err: this.problem }, 'kubeconfig unusable');
    }
  }

  get available(): boolean {
    return this.loaded !== null;
  }

  /** The certificate and key files the loaded kubeconfig names (see LoadedKubeconfig.namedFiles). */
  namedFiles(): readonly string[] {
    return this.loaded?.namedFiles ?? [];
  }

  /**
   * Reads the kubeconfig again (its files changed: a context added by `kind create cluster`, a
   * certificate or token rotated, a file restored). A context's KubeConfig is updated in place, so
   * the watches, streams and forwards already using it make their next request with the new
   * server, CA and credentials (and the watches of a changed context reconnect now); a context
   * that is gone makes new requests for it fail, saying so. A kubeconfig that cannot be used now
   * (half-written, malformed, removed) keeps the one loaded before.
   */
  reload(env: NodeJS.ProcessEnv = process.env): KubeconfigReload {
    const files = kubeconfigFiles(env);
    const before = this.loaded;
    if (files.length === 0) {
      if (before) return { ok: false, problem: 'no kubeconfig file is there now' };
      this.problem = env.KUBECONFIG ? `no kubeconfig file found in KUBECONFIG=${env.KUBECONFIG}` : 'no kubeconfig (~/.kube/config) — try kubetile --demo';
      return { ok: false, problem: this.problem };
    }
    let next: LoadedKubeconfig;
    try {
      next = loadKubeconfigFiles(files);
      if (next.contexts.length === 0) throw new Error(`kubeconfig ${files.join(delimiter)} is malformed: it defines no contexts`);
    } catch (err) {
      const problem = errorMessage(err);
      if (!before) this.problem = problem;
      this.logger.warn({ files, err: problem }, before ? 'kubeconfig changed but is unusable; kept the one loaded before' : 'kubeconfig unusable');
      return { ok: false, problem };
    }
    if (!next.contexts.some((c) => c.name === next.currentContext)) next.currentContext = next.contexts[0]!.name;
    const then = before ? contextFingerprints(before) : new Map<string, string>();
    const now = contextFingerprints(next);
    const added = [...now.keys()].filter((n) => !then.has(n));
    const removed = [...then.keys()].filter((n) => !now.has(n));
    const changed = [...now.keys()].filter((n) => then.has(n) && then.get(n) !== now.get(n));
    const isAdded = new Set(added);
    const isRemoved = new Set(removed);
    const isChanged = new Set(changed);
    this.use(next);
    this.problem = null;
    // A proxy no cluster names any more: its agent's idle connections are closed (a changed context's watches restart through the new one below).
    keepProxyAgentsOf(next.clusters);
    for (const [context, ref] of this.gone) {
      const kc = ref.deref();
      if (kc && isAdded.has(context)) this.perContext.set(context, kc);
      if (!kc || isAdded.has(context)) this.gone.delete(context);
    }
    for (const [context, kc] of this.perContext) {
      if (isRemoved.has(context) || isAdded.has(context) || isChanged.has(context)) this.discovery.forget(context);
      if (isRemoved.has(context)) {
        // Its watches stop (to take up again if it comes back), and nothing that still holds its
        // KubeConfig (a port-forward's next connection, a log stream's retry) uses the credentials
        // the user took away.
        const reason = `context '${context}' is no longer in the kubeconfig`;
        this.forgetCredentials(kc);
        kc.withdraw(reason);
        this.pool.halt(context, reason);
        this.perContext.delete(context);
        this.gone.set(context, new WeakRef(kc));
      } else if (isAdded.has(context)) {
        // A context removed earlier is back, maybe pointing elsewhere: its watches list again with it.
        this.configure(kc, next, context);
        this.forgetCredentials(kc);
        this.pool.resume(context);
      } else if (isChanged.has(context)) {
        // Another proxy may lead to another cluster at the same address (a new bastion, 10.0.0.1:6443): listed anew too.
        const server = (c: ReturnType<KubeConfig['getCurrentCluster']>): string => JSON.stringify([c?.server, c?.caData, c?.skipTLSVerify, c?.tlsServerName, c?.proxyUrl]);
        const was = server(kc.getCurrentCluster());
        this.configure(kc, next, context);
        this.forgetCredentials(kc);
        this.pool.reconnect(context, server(kc.getCurrentCluster()) !== was);
      }
    }
    this.logger.info({ files, context: next.currentContext, added, changed, removed }, 'kubeconfig reloaded');
    return { ok: true, added, changed, removed, wasUnavailable: before === null };
  }

  /** A credential cached for the context's user (from an old exec block, or a user now defined otherwise) is not reused. */
  private forgetCredentials(kc: KubeConfig): void {
    const user = kc.getCurrentUser();
    if (!user) return;
    this.credentials.forget(user.name);
    // Its plugins still running with an exec block the kubeconfig no longer gives it (a login waiting) are stopped.
    const exec = this.loaded?.exec.get(user.name);
    this.credentials.supersede(user.name, exec === undefined || exec instanceof Error ? null : exec);
  }

  contexts(): { current: string | null; contexts: ContextInfo[] } {
    if (!this.loaded) return { current: null, contexts: [] };
    return {
      current: this.loaded.currentContext,
      contexts: this.loaded.contexts.map((c) => ({ name: c.name, cluster: c.cluster, ...(c.namespace ? { namespace: c.namespace } : {}) })),
    };
  }

  /** The scope a new tab starts with: the current context and its namespace. */
  defaultScope(): KubeScope {
    if (!this.loaded) return { context: null, namespace: 'default' };
    const name = this.loaded.currentContext;
    return { context: name, namespace: this.namespaceOf(name) };
  }

  private use(l: LoadedKubeconfig | null): void {
    this.loaded = l;
    this.contextByName = new Map(l?.contexts.map((c) => [c.name, c] as const));
  }

  hasContext(name: string): boolean {
    return this.contextByName.has(name);
  }

  namespaceOf(context: string): string {
    return this.contextByName.get(context)?.namespace || 'default';
  }

  configFor(context: string): KubeConfig {
    if (!this.loaded) throw new Error(this.problem ?? 'no cluster');
    if (!this.hasContext(context)) throw new Error(`no context '${context}' in the kubeconfig`);
    let kc = this.perContext.get(context);
    if (kc) return kc;
    kc = new KubeConfig();
    this.configure(kc, this.loaded, context);
    this.perContext.set(context, kc);
    return kc;
  }

  /** Points `kc` at `context` of `l`: its clusters, users and contexts, and the exec plugins of its users. */
  private configure(kc: KubeConfig, l: LoadedKubeconfig, context: string): void {
    kc.loadFromOptions({ clusters: l.clusters, users: l.users, contexts: l.contexts, currentContext: context });
    useExecAuthenticator(kc, new ExecAuthenticator(this.credentials, l.exec, kc));
  }

  async namespaces(context: string, signal?: AbortSignal): Promise<string[]> {
    const body = await kubeRequest<{ items?: Array<{ metadata?: { name?: string } }> }>(this.configFor(context), {
      path: '/api/v1/namespaces',
      ...(signal ? { signal } : {}),
    });
    return (body.items ?? []).map((i) => i.metadata?.name).filter((n): n is string => typeof n === 'string').sort();
  }

  /** The prompt of the login the context's credential plugin waits for now (a URL to open, a device code), or null. */
  loginPrompt(context: string | null): string | null {
    // Most frames ask while no login is awaited: no search of the contexts then.
    if (context === null || !this.credentials.awaitingLogin) return null;
    const user = this.contextByName.get(context)?.user;
    return user ? this.credentials.loginPrompt(user) : null;
  }

  /**
   * Someone uses kubetile (a key, a new view, a context chosen) looking at `contexts`: the credential
   * logins given up on of those contexts' users start again, and those contexts' watches that failed
   * retry now instead of at their backoff's next turn. Only those: a key on one context restarted the
   * browser login of every other context held (a pane in a detached session, another tab).
   */
  userActed(contexts: () => Iterable<string | null>): void {
    // Every key comes here: nothing held, nothing looked up.
    if (!this.credentials.holdsLogins || !this.loaded) return;
    const users = new Set<string>();
    const seen = new Set<string>();
    for (const c of contexts()) {
      if (c === null || seen.has(c)) continue;
      seen.add(c);
      const user = this.contextByName.get(c)?.user;
      if (user !== undefined) users.add(user);
    }
    if (users.size > 0 && this.credentials.resumeLogins(users)) this.pool.retryFailed(seen);
  }

  /** What the status bar says about a context. */
  status(context: string | null): { context: string; cluster: string } {
    if (!this.loaded || context === null) return { context: 'no cluster', cluster: this.problem ?? 'no cluster' };
    const h = this.pool.health(context);
    // A watch failing or retrying while the context's plugin waits for a login waits on it too (after
    // a key lifted a login held, its watches are still in error with "press any key" until it comes).
    const cluster =
      h.state !== 'connected' && h.state !== 'idle' && this.loginPrompt(context) !== null
        ? 'waiting for you to log in (its prompt: the "log in:" toast)'
        : h.state === 'error'
        ? `error: ${h.error}`
        : h.state === 'reconnecting'
          ? `reconnecting: ${h.error ?? ''}`.trim()
          : h.state === 'connecting'
            ? 'connecting'
            : h.notice
              ? `connected (${h.notice})`
              : 'connected';
    return { context: this.label ?? context, cluster };
  }

  stop(): void {
    this.pool.stopAll();
    this.usage.stopAll();
    this.credentials.stop();
  }
}
