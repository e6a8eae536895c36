import type { ClusterObjectSource } from '../kube/cluster-objects.js';
import { podSummary } from '../kube/kinds/index.js';
import type { KubeObject } from '../kube/types.js';

/**
 * What the plugin host needs from the Kubernetes layer for its host functions, in the shapes the
 * plugin ABI speaks. `clusterPluginAccess` adapts the kube layer's plugin-agnostic
 * ClusterObjectSource (reads over the shared informers, GETs, watches, writes) to it; the kube
 * layer knows nothing of plugins. `unavailableKubeAccess` answers every call with a clear error
 * (which the plugin receives as `{"ok":false,"error":…}`).
 *
 * Every method may reject (no cluster, RBAC 403, not found, timeout): the message is passed to the
 * plugin as is, so make it readable. The host bounds each call with the plugin's call deadline and
 * passes an AbortSignal that fires when the answer is no longer wanted.
 */

export interface PluginKubeScope {
  /** kubeconfig context of the pane's tab (null: the tab has none, i.e. no cluster). */
  context: string | null;
  /** A namespace, or null for all namespaces. */
  namespace: string | null;
}

/** One pod as `list_pods` reports it (the host turns it into snake_case JSON for the plugin). */
export interface PodSummary {
  name: string;
  namespace: string;
  /** status.phase: Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  /** What kubectl shows in STATUS: Running, CrashLoopBackOff, Completed, Terminating, … */
  status: string;
  /** Ready containers over all containers, like "1/2". */
  ready: string;
  /** Sum of container restart counts. */
  restarts: number;
  /** spec.nodeName, or "" when unscheduled. */
  node: string;
  /** Seconds since metadata.creationTimestamp. */
  ageSeconds: number;
}

/** A secret as the API returns it: `data` values are base64 (the host decodes them for plugins). */
export interface SecretObject {
  name: string;
  namespace: string;
  type: string;
  data: Record<string, string>;
}

export interface SecretSummary {
  name: string;
  type: string;
  /** Number of keys in data. */
  keys: number;
}

/** A resource (kind) a plugin names, resolved against the cluster. */
export interface PluginResource {
  group: string;
  version: string;
  /** Plural, as in permissions (`pods`). */
  plural: string;
  /** Kind, as in objects (`Pod`). */
  kind: string;
  namespaced: boolean;
}

/** An object as the API server sends it (only what the host reads is typed). */
export interface PluginObject {
  metadata: { name: string; namespace?: string; uid: string; resourceVersion?: string; [k: string]: unknown };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
}

/** A write the user confirmed, on exactly the object with `uid`. */
export type PluginWriteOp = { context: string; resource: PluginResource; namespace: string | null; name: string; uid: string } & (
  | { verb: 'delete' }
  | { verb: 'scale'; replicas: number }
  | { verb: 'patch'; patch: Record<string, unknown> }
);

/** One change of a watched collection: the object's newest state (coalesced per object). */
export interface PluginWatchChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: PluginObject;
}

export interface PluginKubeAccess {
  listPods(scope: PluginKubeScope, signal: AbortSignal): Promise<PodSummary[]>;
  /** Rejects with e.g. `secrets "db" not found in namespace "default"` when absent. */
  getSecret(scope: PluginKubeScope & { namespace: string }, name: string, signal: AbortSignal): Promise<SecretObject>;
  listSecrets(scope: PluginKubeScope & { namespace: string }, signal: AbortSignal): Promise<SecretSummary[]>;
  /** `pods`, `deployments.apps`, `certificates.cert-manager.io`: a resource the cluster serves, or a rejection saying it does not. */
  resolveResource(context: string | null, name: string, signal: AbortSignal): Promise<PluginResource>;
  /** The objects of a resource (namespace null: all) from the shared informers. */
  listObjects(context: string | null, resource: PluginResource, namespace: string | null, signal: AbortSignal): Promise<PluginObject[]>;
  /** One object, read from the API server (rejects with `… not found` when absent). */
  getObject(context: string | null, resource: PluginResource, namespace: string | null, name: string, signal: AbortSignal): Promise<PluginObject>;
  /** The end of a pod's log as text: at most `tailLines` lines and `limitBytes` bytes. */
  podLogs(
    context: string | null,
    namespace: string,
    pod: string,
    opts: { container?: string; tailLines: number; limitBytes: number; previous: boolean },
    signal: AbortSignal,
  ): Promise<string>;
  /** Applies a write to exactly `op.uid` (refused when the object is gone or was replaced). */
  write(op: PluginWriteOp): Promise<void>;
  /**
   * Follows a collection through the shared informers: `onChange` gets the changes since the last
   * call (or `resync` when they cannot be told apart: a relist). Returns the unsubscribe.
   */
  watch(context: string | null, resource: PluginResource, namespace: string | null, onChange: (changes: PluginWatchChange[] | 'resync') => void): () => void;
}

/** Until the Kubernetes layer is wired: every call rejects with "no cluster connection". */
export const unavailableKubeAccess: PluginKubeAccess = {
  listPods: () => Promise.reject(new Error('no cluster connection')),
  getSecret: () => Promise.reject(new Error('no cluster connection')),
  listSecrets: () => Promise.reject(new Error('no cluster connection')),
  resolveResource: () => Promise.reject(new Error('no cluster connection')),
  listObjects: () => Promise.reject(new Error('no cluster connection')),
  getObject: () => Promise.reject(new Error('no cluster connection')),
  write: () => Promise.reject(new Error('no cluster connection')),
  podLogs: () => Promise.reject(new Error('no cluster connection')),
  watch: () => () => undefined,
};

const PODS = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
const SECRETS = { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true };

type SecretJson = KubeObject & { type?: string; data?: Record<string, string> };

const asPluginObject = (o: KubeObject): PluginObject => o as PluginObject;

/** One pod as `list_pods` reports it, `now` giving its age. */
export function pluginPodSummary(obj: KubeObject, now: number): PodSummary {
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
}

/**
 * The plugin host's cluster access over the kube layer: pods and other collections from the
 * shared informers (a plugin ticking every 250 ms costs no API calls), secrets by GET (never
 * cached in the daemon), everything reshaped to what the host functions answer.
 */
export function clusterPluginAccess(objects: ClusterObjectSource): PluginKubeAccess {
  return {
    async listPods(scope, signal) {
      const pods = await objects.list(scope, PODS, signal);
      const now = Date.now();
      return pods.map((p) => pluginPodSummary(p, now));
    },
    async getSecret(scope, name, signal) {
      const s = (await objects.get(scope, SECRETS, name, signal)) as SecretJson;
      return { name: s.metadata.name, namespace: s.metadata.namespace ?? scope.namespace, type: s.type ?? 'Opaque', data: s.data ?? {} };
    },
    async listSecrets(scope, signal) {
      const items = (await objects.fetchList(scope, SECRETS, signal)) as SecretJson[];
      return items.map((s) => ({ name: s.metadata.name, type: s.type ?? 'Opaque', keys: Object.keys(s.data ?? {}).length }));
    },
    async resolveResource(context, name, signal) {
      const r = await objects.resolveResource(context, name, signal);
      return { group: r.group, version: r.version, plural: r.plural, kind: r.kind, namespaced: r.namespaced };
    },
    async listObjects(context, resource, namespace, signal) {
      return (await objects.list({ context, namespace }, resource, signal)).map(asPluginObject);
    },
    async getObject(context, resource, namespace, name, signal) {
      return asPluginObject(await objects.get({ context, namespace }, resource, name, signal));
    },
    podLogs: (context, namespace, pod, opts, signal) => objects.podLogs(context, namespace, pod, opts, signal),
    write: (op) => objects.write(op),
    watch: (context, resource, namespace, onChange) =>
      objects.watch({ context, namespace }, resource, (changes) =>
        onChange(changes === 'resync' ? 'resync' : changes.map((c) => ({ type: c.type, object: asPluginObject(c.object) }))),
      ),
  };
}
