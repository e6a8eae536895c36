/** What the demo controller's parts share. */
import type { ResourceType } from '../api/resource-types.js';
import type { LogStore } from '../logs/log-store.js';
import type { ObjectStore } from '../store/object-store.js';
import type { EventRecorder } from './events.js';

export interface ControllerSettings {
  /** Log lines per second per running container (demo pods). */
  logLinesPerSec: number;
  /** Longest crash-loop back-off in seconds (kubelet: 300; the demo keeps it short). */
  crashBackoffCapSec: number;
  /** How long a deleted pod stays Terminating (ms). */
  podTerminationMs: () => number;
}

export interface ControllerContext {
  readonly store: ObjectStore;
  readonly logs: LogStore;
  readonly events: EventRecorder;
  readonly settings: ControllerSettings;
  readonly rt: {
    pods: ResourceType;
    nodes: ResourceType;
    deployments: ResourceType;
    replicasets: ResourceType;
    statefulsets: ResourceType;
    daemonsets: ResourceType;
    jobs: ResourceType;
    cronjobs: ResourceType;
  };
}

export const ANN = {
  crashAfter: 'sim.kubetile.dev/crash-after',
  exitCode: 'sim.kubetile.dev/exit-code',
  completeAfter: 'sim.kubetile.dev/complete-after',
  startDelay: 'sim.kubetile.dev/start-delay',
} as const;

/** Pods the scale generator made: no lifecycle, no log producers. */
export const SCALE_LABEL = 'kube-sim/scale';

export function seconds(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v.replace(/s$/, ''));
  return Number.isFinite(n) && n >= 0 ? n : dflt;
}
