/** Tunables of a running sim; tests shorten them to exercise expiry and bookmark paths quickly. */

export interface SimConfig {
  /** Continue tokens expire after this long (real: about 5 minutes). */
  continueTtlMs: number;
  /** Bookmark period for watches that allow bookmarks (real: about 60 s). */
  bookmarkIntervalMs: number;
  /** Send bookmarks even when the client did not ask for them. */
  alwaysBookmarks: boolean;
  /** Server-side watch timeout is random in [T, 2T) seconds when the client sets none (real: 1800). */
  watchTimeoutSeconds: number;
  /** How long get/list/watch wait for a resourceVersion from the future before failing. */
  tooLargeRvWaitMs: number;
  /** A watch whose unsent output exceeds this is ended as a slow consumer. */
  slowConsumerBytes: number;
  /**
   * Exec/attach subprotocols offered: "all" (v5 down to v1 and base64), "apiserver" (v5 only,
   * like a modern apiserver), "kubelet" (v4 and lower, like a kubelet served directly).
   */
  execProtocols: 'all' | 'apiserver' | 'kubelet';
  /** Pods deleted with a grace period stay Terminating this long before removal (with a controller). */
  podTerminationMs: number;
  /** Send a [255, ch] CLOSE frame to exec clients (fault: crashes client-node 1.4.0). */
  execSendCloseFrames: boolean;
  /** Identity reported for 403s. */
  userName: string;
  /** Demo controller: log lines per second per running container. */
  logLinesPerSecond: number;
  /** Demo controller: longest crash-loop back-off (kubelet uses 300 s). */
  crashBackoffCapSeconds: number;
  /** Serve pods/ephemeralcontainers (Kubernetes 1.23+); false answers 404 like an older API server. */
  ephemeralContainers: boolean;
  /** Serve metrics.k8s.io (metrics-server installed; the demo seed's default); false: the group is not there (404), as on a cluster without it. */
  metricsServer: boolean;
}

export function defaultConfig(): SimConfig {
  return {
    continueTtlMs: 300_000,
    bookmarkIntervalMs: 60_000,
    alwaysBookmarks: false,
    watchTimeoutSeconds: 1800,
    tooLargeRvWaitMs: 3_000,
    slowConsumerBytes: 256 * 1024 * 1024,
    execProtocols: 'all',
    podTerminationMs: 1_000,
    execSendCloseFrames: false,
    userName: 'kube-sim-admin',
    logLinesPerSecond: 1,
    crashBackoffCapSeconds: 40,
    ephemeralContainers: true,
    metricsServer: false,
  };
}
