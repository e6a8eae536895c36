import type { PluginKubeAccess, PluginKubeScope, PodSummary, SecretObject, SecretSummary } from '../plugins/kube-access.js';
import type { ClusterManager } from './cluster.js';
import type { InformerHandle } from './informer-pool.js';
import { podSummary } from './kinds/index.js';
import { kubeRequest } from './kube-http.js';
import type { Reflector } from './reflector.js';
import type { KubeObject } from './types.js';

const PODS = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
/** A plugin that ticks keeps its pods informer; one left unused this long is released. */
const LINGER_MS = 30_000;

function waitSynced(r: Reflector, signal: AbortSignal): Promise<void> {
  if (r.state === 'synced') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (r.state === 'synced') done(resolve);
      else if (r.state === 'error' || (r.state === 'reconnecting' && r.store.size === 0 && r.error)) done(() => reject(new Error(r.error ?? 'cannot list pods')));
    };
    const unsub = r.changed.subscribe(check);
    const onAbort = (): void => done(() => reject(new Error('cancelled')));
    const done = (fn: () => void): void => {
      unsub();
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    signal.addEventListener('abort', onAbort);
    check();
  });
}


/**
 * What plugins get of the cluster: pods from the daemon's shared informers (so a plugin ticking
 * every 250 ms costs no API calls), secrets by GET (never cached in the daemon).
 */
export class ClusterPluginAccess implements PluginKubeAccess {
  private readonly held = new Map<string, { handle: InformerHandle; lastUsed: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly kube: ClusterManager) {
    this.sweeper = setInterval(() => this.sweep(), LINGER_MS).unref();
  }

  private context(scope: PluginKubeScope): string {
    if (!this.kube.available || scope.context === null) throw new Error(`no cluster connection: ${this.kube.problem ?? 'no context'}`);
    return scope.context;
  }

  async listPods(scope: PluginKubeScope, signal: AbortSignal): Promise<PodSummary[]> {
    const context = this.context(scope);
    const key = `${context}|${scope.namespace ?? '*'}`;
    let h = this.held.get(key);
    if (!h) {
      h = { handle: this.kube.pool.acquire(context, PODS, scope.namespace), lastUsed: Date.now() };
      this.held.set(key, h);
    }
    h.lastUsed = Date.now();
    const r = h.handle.reflector;
    await waitSynced(r, signal);
    const now = Date.now();
    return r.store.sorted.map(({ obj }) => {
      const s = podSummary(obj);
      const created = Date.parse(obj.metadata.creationTimestamp ?? '');
      return {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace ?? '',
        phase: String((obj.status as { phase?: unknown } | undefined)?.phase ?? 'Unknown'),
        status: s.status,
        ready: `${s.ready}/${s.total}`,
        restarts: s.restarts,
        node: String((obj.spec as { nodeName?: unknown } | undefined)?.nodeName ?? ''),
        ageSeconds: Number.isFinite(created) ? Math.max(0, Math.floor((now - created) / 1000)) : 0,
      };
    });
  }

  async getSecret(scope: PluginKubeScope & { namespace: string }, name: string, signal: AbortSignal): Promise<SecretObject> {
    const kc = this.kube.configFor(this.context(scope));
    const s = await kubeRequest<KubeObject & { type?: string; data?: Record<string, string> }>(kc, {
      path: `/api/v1/namespaces/${encodeURIComponent(scope.namespace)}/secrets/${encodeURIComponent(name)}`,
      signal,
    });
    return { name: s.metadata.name, namespace: s.metadata.namespace ?? scope.namespace, type: s.type ?? 'Opaque', data: s.data ?? {} };
  }

  async listSecrets(scope: PluginKubeScope & { namespace: string }, signal: AbortSignal): Promise<SecretSummary[]> {
    const kc = this.kube.configFor(this.context(scope));
    const body = await kubeRequest<{ items?: Array<KubeObject & { type?: string; data?: Record<string, string> }> }>(kc, {
      path: `/api/v1/namespaces/${encodeURIComponent(scope.namespace)}/secrets`,
      signal,
    });
    return (body.items ?? []).map((s) => ({ name: s.metadata.name, type: s.type ?? 'Opaque', keys: Object.keys(s.data ?? {}).length }));
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, h] of this.held) {
      if (now - h.lastUsed > LINGER_MS) {
        h.handle.release();
        this.held.delete(key);
      }
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const h of this.held.values()) h.handle.release();
    this.held.clear();
  }
}

