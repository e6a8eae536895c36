import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../logging/logger.js';
import { errorMessage } from '../util/errors.js';
import { InformerPool } from './informer-pool.js';
import { kubeRequest } from './kube-http.js';
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
 * a KubeConfig per context, the shared informer pool, and a readable problem when there is no
 * usable cluster configuration.
 */
export class ClusterManager {
  readonly pool: InformerPool;
  private base: KubeConfig | null = null;
  private readonly perContext = new Map<string, KubeConfig>();
  /** Why there is no cluster (no kubeconfig, malformed file), or null. */
  problem: string | null = null;
  /** Shown instead of the context name (e.g. `demo cluster`). */
  label: string | null = null;

  constructor(private readonly logger: Logger) {
    this.pool = new InformerPool((ctx) => this.configFor(ctx), logger);
  }

  /** (Re)loads the kubeconfig from the environment; never throws. */
  load(env: NodeJS.ProcessEnv = process.env): void {
    this.perContext.clear();
    this.base = null;
    const files = kubeconfigFiles(env);
    if (files.length === 0) {
      this.problem = env.KUBECONFIG ? `no kubeconfig file found in KUBECONFIG=${env.KUBECONFIG}` : 'no kubeconfig (~/.kube/config) — try kubetile --demo';
      return;
    }
    try {
      const kc = new KubeConfig();
      kc.loadFromDefault();
      if (kc.getContexts().length === 0) throw new Error('it defines no contexts');
      if (!kc.getCurrentContext()) kc.setCurrentContext(kc.getContexts()[0]!.name);
      this.base = kc;
      this.problem = null;
      this.logger.info({ files, context: kc.getCurrentContext() }, 'kubeconfig loaded');
    } catch (err) {
      this.problem = `kubeconfig ${files.join(delimiter)} is malformed: ${errorMessage(err)}`;
      this.logger.error({ files, err: errorMessage(err) }, 'kubeconfig is malformed');
    }
  }

  get available(): boolean {
    return this.base !== null;
  }

  contexts(): { current: string | null; contexts: ContextInfo[] } {
    if (!this.base) return { current: null, contexts: [] };
    return {
      current: this.base.getCurrentContext(),
      contexts: this.base.getContexts().map((c) => ({ name: c.name, cluster: c.cluster, ...(c.namespace ? { namespace: c.namespace } : {}) })),
    };
  }

  /** The scope a new tab starts with: the current context and its namespace. */
  defaultScope(): KubeScope {
    if (!this.base) return { context: null, namespace: 'default' };
    const name = this.base.getCurrentContext();
    const ctx = this.base.getContexts().find((c) => c.name === name);
    return { context: name, namespace: ctx?.namespace || 'default' };
  }

  hasContext(name: string): boolean {
    return !!this.base?.getContexts().some((c) => c.name === name);
  }

  namespaceOf(context: string): string {
    return this.base?.getContexts().find((c) => c.name === context)?.namespace || 'default';
  }

  configFor(context: string): KubeConfig {
    let kc = this.perContext.get(context);
    if (kc) return kc;
    if (!this.base) throw new Error(this.problem ?? 'no cluster');
    if (!this.hasContext(context)) throw new Error(`no context '${context}' in the kubeconfig`);
    kc = new KubeConfig();
    kc.loadFromDefault();
    kc.setCurrentContext(context);
    this.perContext.set(context, kc);
    return kc;
  }

  async namespaces(context: string): Promise<string[]> {
    const body = await kubeRequest<{ items?: Array<{ metadata?: { name?: string } }> }>(this.configFor(context), { path: '/api/v1/namespaces' });
    return (body.items ?? []).map((i) => i.metadata?.name).filter((n): n is string => typeof n === 'string').sort();
  }

  /** What the status bar says about a context. */
  status(context: string | null): { context: string; cluster: string } {
    if (!this.base || context === null) return { context: 'no cluster', cluster: this.problem ?? 'no cluster' };
    const h = this.pool.health(context);
    const cluster =
      h.state === 'error' ? `error: ${h.error}` : h.state === 'reconnecting' ? `reconnecting: ${h.error ?? ''}`.trim() : h.state === 'connecting' ? 'connecting' : 'connected';
    return { context: this.label ?? context, cluster };
  }

  stop(): void {
    this.pool.stopAll();
  }
}
