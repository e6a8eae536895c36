import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from './kubeconfig.js';
import type { Logger } from '../logging/logger.js';
import { errorMessage } from '../util/errors.js';
import { ExecAuthenticator, useExecAuthenticator } from './exec-auth.js';
import { ExecCredentialProvider } from './exec-credential.js';
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
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter((f) => f && existsSync(f));
  const def = join(env.HOME ?? homedir(), '.kube', 'config');
  return existsSync(def) ? [def] : [];
}

/**
 * The kubeconfig as kubectl loads it (KUBECONFIG list merged, current context and its namespace),
 * a KubeConfig per context, the shared informer pool, the exec credential plugins, and a readable
 * problem when there is no usable cluster configuration.
 */
export class ClusterManager {
  readonly pool: InformerPool;
  /** Exec credential plugins, shared by every context (one process per user at a time). */
  readonly credentials: ExecCredentialProvider;
  private loaded: LoadedKubeconfig | null = null;
  private readonly perContext = new Map<string, KubeConfig>();
  /** Why there is no cluster (no kubeconfig, malformed file), or null. */
  problem: string | null = null;
  /** Shown instead of the context name (e.g. `demo cluster`). */
  label: string | null = null;

  constructor(private readonly logger: Logger) {
    this.credentials = new ExecCredentialProvider(logger.child({ part: 'credentials' }));
    this.pool = new InformerPool((ctx) => this.configFor(ctx), logger);
  }

  /**
   * (Re)loads the kubeconfig from the environment; never throws, and never blocks: a kubeconfig
   * (or a file it names) that is a FIFO, a device or huge is refused before it is read.
   */
  load(env: NodeJS.ProcessEnv = process.env): void {
    this.perContext.clear();
    this.loaded = null;
    const files = kubeconfigFiles(env);
    if (files.length === 0) {
      this.problem = env.KUBECONFIG ? `no kubeconfig file found in KUBECONFIG=${env.KUBECONFIG}` : 'no kubeconfig (~/.kube/config) — try kubetile --demo';
      return;
    }
    try {
      const loaded = loadKubeconfigFiles(files);
      if (loaded.contexts.length === 0) throw new Error(`kubeconfig ${files.join(delimiter)} is malformed: it defines no contexts`);
      if (!loaded.contexts.some((c) => c.name === loaded.currentContext)) loaded.currentContext = loaded.contexts[0]!.name;
      this.loaded = loaded;
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

  hasContext(name: string): boolean {
    return !!this.loaded?.contexts.some((c) => c.name === name);
  }

  namespaceOf(context: string): string {
    return this.loaded?.contexts.find((c) => c.name === context)?.namespace || 'default';
  }

  configFor(context: string): KubeConfig {
    let kc = this.perContext.get(context);
    if (kc) return kc;
    if (!this.loaded) throw new Error(this.problem ?? 'no cluster');
    if (!this.hasContext(context)) throw new Error(`no context '${context}' in the kubeconfig`);
    const l = this.loaded;
    kc = new KubeConfig();
    kc.loadFromOptions({ clusters: l.clusters, users: l.users, contexts: l.contexts, currentContext: context });
    useExecAuthenticator(kc, new ExecAuthenticator(this.credentials, l.exec, kc));
    this.perContext.set(context, kc);
    return kc;
  }

  async namespaces(context: string): Promise<string[]> {
    const body = await kubeRequest<{ items?: Array<{ metadata?: { name?: string } }> }>(this.configFor(context), { path: '/api/v1/namespaces' });
    return (body.items ?? []).map((i) => i.metadata?.name).filter((n): n is string => typeof n === 'string').sort();
  }

  /** What the status bar says about a context. */
  status(context: string | null): { context: string; cluster: string } {
    if (!this.loaded || context === null) return { context: 'no cluster', cluster: this.problem ?? 'no cluster' };
    const h = this.pool.health(context);
    const cluster =
      h.state === 'error'
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
    this.credentials.stop();
  }
}
