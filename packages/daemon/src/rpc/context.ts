import type { Logger } from '../logging/logger.js';
import type { Workspace } from '../session/workspace.js';
import type { KeyRouter } from '../session/key-router.js';

/** What RPC handlers may use of the daemon. */
export interface DaemonContext {
  readonly logger: Logger;
  readonly workspace: Workspace;
  readonly keys: KeyRouter;
  readonly socketPath: string;
  readonly startedAt: number;
  readonly connections: ReadonlySet<unknown>;
  shutdown(reason: string): void;
  reloadConfig(): Promise<{ ok: boolean; errors: string[] }>;
  counts(): { plugins: number; watches: number; portForwards: number };
}
