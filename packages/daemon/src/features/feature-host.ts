import type { Config } from '../config/schema.js';
import type { ClusterManager } from '../kube/cluster.js';
import type { Logger } from '../logging/logger.js';
import type { PaneRegistry } from '../panes/registry.js';
import type { ResourceActions } from '../session/resource-actions.js';
import type { Workspace } from '../session/workspace.js';
import type { OpenStreams } from '../util/open-streams.js';
import type { PersistedFeature } from '../state/session-persistence.js';

/**
 * What a feature (logs, exec, port-forwards) gets from the daemon to plug itself in: pane types to
 * register, resource actions to provide, the workspace for placement, the cluster, the stream
 * counter, the live config, and a hook for the daemon's stop.
 */
export interface FeatureHost {
  readonly registry: PaneRegistry;
  readonly actions: ResourceActions;
  readonly workspace: Workspace;
  readonly kube: ClusterManager;
  readonly streams: OpenStreams;
  readonly logger: Logger;
  readonly stateDir: string;
  config(): Config;
  /** kubetile runs read-only: nothing that changes the cluster may run. */
  readonly(): boolean;
  /** Runs when the daemon stops, after clients were told and before the cluster connections close. */
  onStop(fn: () => Promise<void> | void): void;
  /**
   * Saves what the feature owns with the sessions (`save()` is called whenever a save happens; call
   * `workspace.persistChanged.emit()` when it changed) and gets it back after a restart (`restore`).
   */
  persist(key: string, feature: PersistedFeature): void;
}

/** A feature's installer: registers its panes and actions; returns what other rooms may call. */
export type FeatureInstaller = (host: FeatureHost) => void;
