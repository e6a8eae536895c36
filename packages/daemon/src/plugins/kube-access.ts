/**
 * What the plugin host needs from the Kubernetes layer for the `list_pods` and `get_secret` host
 * functions. The daemon passes an implementation; until the Kubernetes layer provides one,
 * `unavailableKubeAccess` answers every call with a clear error (which the plugin receives as
 * `{"ok":false,"error":…}`).
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

export interface PluginKubeAccess {
  listPods(scope: PluginKubeScope, signal: AbortSignal): Promise<PodSummary[]>;
  /** Rejects with e.g. `secrets "db" not found in namespace "default"` when absent. */
  getSecret(scope: PluginKubeScope & { namespace: string }, name: string, signal: AbortSignal): Promise<SecretObject>;
  listSecrets(scope: PluginKubeScope & { namespace: string }, signal: AbortSignal): Promise<SecretSummary[]>;
}

/** Until the Kubernetes layer is wired: every call rejects with "no cluster connection". */
export const unavailableKubeAccess: PluginKubeAccess = {
  listPods: () => Promise.reject(new Error('no cluster connection')),
  getSecret: () => Promise.reject(new Error('no cluster connection')),
  listSecrets: () => Promise.reject(new Error('no cluster connection')),
};
