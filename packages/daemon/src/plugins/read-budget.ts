import type { RateLimit } from './rate-limit.js';
import type { PluginKubeAccess, PluginKubeScope, PluginResource } from './kube-access.js';

/**
 * Collections (a kind in one namespace, or in all) one plugin may read from the shared informers
 * within READ_WINDOW_MS, all its instances together. Each collection read is an informer (a list
 * and a watch on the API server) that the daemon keeps for a while after the last read: a plugin
 * asking for namespace after namespace would otherwise open a watch for each, without bound.
 */
export const MAX_PLUGIN_COLLECTIONS = 32;
/** An informer outlives its last read by up to about a minute (linger, then the sweep). */
export const READ_WINDOW_MS = 60_000;

/** The distinct collections one plugin read recently (key → last read). */
export class CollectionBudget {
  private readonly lastRead = new Map<string, number>();

  constructor(
    private readonly max = MAX_PLUGIN_COLLECTIONS,
    private readonly windowMs = READ_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a read of `key`; throws, saying why, when it would be one collection too many. */
  admit(key: string): void {
    const t = this.now();
    if (this.lastRead.has(key)) {
      this.lastRead.set(key, t);
      return;
    }
    for (const [k, at] of this.lastRead) if (t - at >= this.windowMs) this.lastRead.delete(k);
    if (this.lastRead.size >= this.max) {
      throw new Error(
        `this plugin already reads ${this.max} collections (kind and namespace pairs read within the last ${this.windowMs / 1000} s), its limit: ` +
          `list all namespaces at once (namespace "*") rather than one namespace after another`,
      );
    }
    this.lastRead.set(key, t);
  }
}

const keyOf = (context: string | null, r: Pick<PluginResource, 'group' | 'plural' | 'namespaced'>, namespace: string | null): string =>
  `${context ?? ''}|${r.group}/${r.plural}|${r.namespaced ? (namespace ?? '*') : '*'}`;

/** Runs `work` once `check` passes; a check that throws is the rejection. */
function guarded<T>(check: () => void, work: () => Promise<T>): Promise<T> {
  try {
    check();
  } catch (err) {
    return Promise.reject(err);
  }
  return work();
}

/**
 * `kube` as one plugin's host functions use it: its informer reads (list_pods, k8s_list) counted
 * against `budget`, its direct API requests (get_secret, k8s_logs) against `rate`.
 */
export function limitedKubeAccess(kube: PluginKubeAccess, budget: CollectionBudget, rate: RateLimit): PluginKubeAccess {
  return {
    getSecret: (scope, name, signal) => guarded(() => rate.take(), () => kube.getSecret(scope, name, signal)),
    listSecrets: (scope, signal) => guarded(() => rate.take(), () => kube.listSecrets(scope, signal)),
    resolveResource: (context, name, signal) => kube.resolveResource(context, name, signal),
    getObject: (context, resource, namespace, name, signal) => kube.getObject(context, resource, namespace, name, signal),
    podLogs: (context, namespace, pod, opts, signal) => guarded(() => rate.take(), () => kube.podLogs(context, namespace, pod, opts, signal)),
    write: (op) => kube.write(op),
    watch: (context, resource, namespace, onChange) => kube.watch(context, resource, namespace, onChange),
    listPods: (scope: PluginKubeScope, signal: AbortSignal) =>
      guarded(() => budget.admit(keyOf(scope.context, { group: '', plural: 'pods', namespaced: true }, scope.namespace)), () => kube.listPods(scope, signal)),
    listObjects: (context, resource, namespace, signal) => guarded(() => budget.admit(keyOf(context, resource, namespace)), () => kube.listObjects(context, resource, namespace, signal)),
  };
}
