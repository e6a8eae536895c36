import type { ClientPrompts } from '../pane.js';
import type { DbTarget, QueryBackend } from '../../query/backend.js';
import type { DiscoveredCredentials } from '../../query/credentials.js';
import type { HistoryStore } from '../../query/history-store.js';
import type { SavedQueries } from '../../query/saved-queries.js';

/** What a query pane gets from the query feature: the cluster side, the files, and its clients. */
export interface QueryServices {
  /** Reads the pod and the ConfigMaps and Secrets its env names. */
  discover(args: { context: string; namespace: string; pod: string; container?: string }): Promise<DiscoveredCredentials>;
  /** A backend for a target: pg over a port-forward stream, or psql over exec where port-forward is forbidden. */
  backend(target: DbTarget): QueryBackend;
  history: HistoryStore;
  saved: SavedQueries;
  /** Puts text on the clipboard of the clients showing the pane (OSC 52); how many clients got it. */
  clipboard(paneId: number, text: string): number;
  /** Ends insert mode for the clients typing into the pane (esc in the editor), or starts it (i in browse mode). */
  setInsert(paneId: number, on: boolean): void;
  /** Asks a question of a client typing into the pane (a prompt needs one), or null without one. */
  promptsFor(paneId: number): ClientPrompts | null;
}
