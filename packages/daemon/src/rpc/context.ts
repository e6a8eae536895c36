import type { Logger } from '../logging/logger.js';
import type { Workspace } from '../session/workspace.js';
import type { KeyRouter } from '../session/key-router.js';
import type { ResourceActions } from '../session/resource-actions.js';
import type { ResourceEdits } from '../edit/resource-edits.js';
import type { ClusterManager } from '../kube/cluster.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { StreamKind } from '../util/open-streams.js';
import type { ForwardManager } from '../forwards/forward-manager.js';

/** What RPC handlers may use of the daemon. */
export interface DaemonContext {
  readonly logger: Logger;
  readonly workspace: Workspace;
  readonly keys: KeyRouter;
  readonly actions: ResourceActions;
  readonly edits: Pick<ResourceEdits, 'done'>;
  readonly kube: ClusterManager;
  readonly socketPath: string;
  readonly startedAt: number;
  readonly connections: ReadonlySet<unknown>;
  readonly plugins: Pick<PluginHost, 'list' | 'reload' | 'has' | 'grant' | 'audit'>;
  /** The daemon's port-forwards (until the daemon sets it, the port-forwards feature publishes them through the workspace). */
  readonly portForwards?: ForwardManager;
  shutdown(reason: string, opts?: { restarting?: boolean }): void;
  reloadConfig(opts?: { reset?: boolean }): Promise<{ ok: boolean; errors: string[] }>;
  counts(): { plugins: number; watches: number; portForwards: number; streams: Record<StreamKind, number> };
  /** Plugin writes and dangerous [[commands]] are refused. */
  readonly(): boolean;
  /** How the daemon was started (daemon/status), for `kubetile daemon restart`. */
  readonly startedWith: { demo: boolean | 'auto'; readonlyFlag: boolean; config: string; stateDir: string };
}
