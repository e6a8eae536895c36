import type { KubeObject } from '../kube/types.js';
import type { Selector } from '../kube/label-selector.js';

/** What a forward may name: a pod, a Service, or a workload with a pod selector. */
export const TARGET_KINDS = ['pod', 'service', 'deployment', 'statefulset', 'replicaset', 'daemonset'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** The one target a `portForward/start` names (its `pod`, `service`, `deployment`, `statefulset`… field). */
export function namedTarget(p: Partial<Record<TargetKind, string>>): { kind: TargetKind; name: string } {
  for (const kind of TARGET_KINDS) {
    const name = p[kind];
    if (name !== undefined) return { kind, name };
  }
  throw new Error(`name one target: ${TARGET_KINDS.join(', ')}`);
}

/** A forward as asked for: the object, its port, and the local port (0 = any free one). */
export interface ForwardRequest {
  context: string;
  namespace: string;
  kind: TargetKind;
  name: string;
  /** The pod port, or for a Service its service `port` (mapped to the pod's `targetPort`). */
  remotePort: number;
  localPort: number;
}

/**
 * Where connections go: one pod by name (a bare pod, or a StatefulSet's pod: its siblings are not
 * interchangeable, so the forward waits for the StatefulSet to run the same-named pod again;
 * `recreatedBy` names it), or any running pod a selector picks (a Service, a workload, or the
 * owner of the pod that was asked for, so a replaced pod is followed).
 */
export type Backing =
  | { kind: 'pod'; name: string; recreatedBy?: string }
  /** `node`: only pods on that node (a DaemonSet's pod asked for by name: its replacement runs there, its siblings elsewhere). */
  | { kind: 'selector'; owner: string; selector: Selector; node?: string };

/** Workloads that run the pod a forward asked for by name and bring it back (or its replacement) when it goes. */
export const POD_OWNER_KINDS = ['statefulset', 'daemonset', 'deployment', 'replicaset'] as const;

/**
 * The workload a forward to a pod follows its pod through: a StatefulSet re-creates the same-named
 * pod; a DaemonSet replaces it on `node`; a Deployment or ReplicaSet by a pod its selector picks.
 * Saved with the forward, so that after a restart a pod that is down (or replaced) is waited for
 * (or found) the same way.
 */
export interface PodOwner {
  kind: (typeof POD_OWNER_KINDS)[number];
  name: string;
  node?: string;
}

/** Where a forward's connections go, and the first pod they go to (null: none can take them now; the forward waits). */
export interface ResolvedTarget {
  backing: Backing;
  /** The port on the pods: a number, or a container port name (a Service's named targetPort) looked up per pod. */
  podPort: number | string;
  /** A pod connections can go to now, and `podPort` on it. */
  first: { pod: KubeObject; port: number } | null;
  /** For a forward to a pod: the workload it is followed through, if any. */
  follows?: PodOwner;
}

/**
 * How a forward restored after a restart is started: when its pods are down it starts anyway and
 * waits for them, as a running forward does; `follows` is the owner saved with it (a pod that is
 * gone is waited for through it).
 */
export interface Resume {
  follows?: PodOwner;
}

/**
 * The state a forward is in. `active`: listening, a pod is there. `pod gone` / `pod not running`:
 * a bare pod was deleted or stopped running; `no ready pod`: nothing behind the Service or owner
 * runs now; `listener failed`: the local listener died; `stopped`; `waiting for the cluster`: saved,
 * restored after a restart while the API server did not answer (see HeldForward).
 */
export type ForwardState = 'active' | 'pod gone' | 'pod not running' | 'no ready pod' | 'listener failed' | 'stopped' | 'waiting for the cluster';

/** What the port-forwards pane and `portForward/list` show of one forward. */
export interface ForwardInfo {
  id: string;
  context: string;
  namespace: string;
  kind: TargetKind;
  name: string;
  /** `pod/web`, `service/api`. */
  target: string;
  /** The pod connections go to now, when known. */
  pod: string | null;
  remotePort: number;
  /** The port on the pod (a Service's targetPort), when known. */
  podPort: number | null;
  /** The IPv4 loopback, always (kept as it was before forwards listened on ::1 too; see `localAddresses`). */
  localAddress: '127.0.0.1';
  /**
   * The loopbacks it listens on now, on `localPort`: `127.0.0.1` and `::1` (kubectl's `localhost`);
   * `127.0.0.1` alone on a machine without IPv6 or when another program holds `[::1]:port` (the
   * reverse likewise); empty when it listens nowhere (its listener failed, a held forward whose port was taken).
   */
  localAddresses: string[];
  localPort: number;
  startedAt: string;
  /** Connections open now, and since the start. */
  connections: number;
  totalConnections: number;
  /** Bytes from the pod to local clients, and from local clients to the pod. */
  bytesIn: number;
  bytesOut: number;
  state: ForwardState;
  /** The last thing that went wrong (an error-channel message, a refused stream…), or null. */
  error: string | null;
  errorAt: string | null;
}
