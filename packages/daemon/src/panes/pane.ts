import type { PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import type { Logger } from '../logging/logger.js';
import type { LogRing } from '../logging/log-ring.js';
import type { Signal } from '../util/signal.js';
import type { BindingsSnapshot } from '../keys/keymap.js';
import type { SplitDirection, ViewSpec } from '@kubetile/rpc-schema';
import type { ClusterManager } from '../kube/cluster.js';
import type { KubeObject, KubeScope } from '../kube/types.js';
import type { ObjectRef } from '../kube/object-ref.js';
import type { PaneGroup } from '../keys/bindings.js';
import type { Config } from '../config/schema.js';
import type { OpenStreams } from '../util/open-streams.js';

/** A resource a pane has selected, for resource actions (yaml, describe, delete, …); `uid` pins it. */
export type ResourceTarget = ObjectRef;

/** The kind (and context) a resource pane lists, without a particular object. */
export type ResourceKindTarget = Omit<ObjectRef, 'name' | 'namespace' | 'uid'> & { namespace: string | null };

/**
 * Questions a pane or an action may ask the client whose key started it: a selector, a text
 * input, a yes/no. Each resolves null/false when the user cancels (esc), another overlay replaces
 * it, or the client goes away; without an attached client (scripts) they resolve so at once.
 */
export interface ClientPrompts {
  /** True when a client can answer (an attached terminal), false for scripts. */
  readonly interactive: boolean;
  pick(title: string, items: readonly string[], opts?: { selected?: number }): Promise<string | null>;
  /** A text input; while `validate` says why the text cannot be taken, enter leaves it open (saying so). */
  ask(title: string, value?: string, validate?: (value: string) => string | null): Promise<string | null>;
  confirm(text: string): Promise<boolean>;
  toast(level: 'info' | 'success' | 'warn' | 'error', text: string): void;
}

/**
 * A pane instance. Panes hold their own state (selection, scroll, filter, sort, follow), never
 * know about clients, and announce changes through `changed`; the daemon asks for `view()` cut to
 * each client's viewport.
 */
export interface Pane {
  readonly id: number;
  readonly key: string;
  readonly args: Record<string, unknown>;
  readonly changed: Signal;
  title(): string;
  /** Short tag for tab titles, e.g. POD, HLP, LOG. */
  alias(): string;
  handleCommand(command: PaneCommand): void;
  view(viewport: Viewport): PaneView;
  onFocus?(focused: boolean): void;
  onResize?(viewport: Viewport): void;
  /** The tab's context or namespace changed. */
  onScopeChange?(): void;
  /** Resource lists: the selected object (with its uid), for resource actions. */
  selectedResource?(): ResourceTarget | null;
  /** The container under the cursor when it is one (xray's Container line): logs and exec act on it, not on every container of its pod. */
  selectedContainer?(): string | null;
  /** Resource lists: the selected object itself, as the watch has it (its owner references, for jump to owner). */
  selectedObject?(): KubeObject | null;
  /** The one object this pane shows (YAML, describe): what shift+e edits in it. */
  shownObject?(): ResourceTarget | null;
  /** Resource lists: the marked objects (space), each pinned by its uid; empty when none. */
  markedResources?(): ResourceTarget[];
  /** Resource lists: unmarks these objects (an action on the marked rows acted on them); marks added meanwhile stay. */
  unmark?(uids: readonly string[]): void;
  /** Resource lists: the kind and context listed, and the namespace shown (null: all or cluster-scoped). */
  resourceKind?(): ResourceKindTarget | null;
  /** Resource lists: `s` cycles the sort column. */
  cycleSort?(): void;
  /** Resource lists: sort by the column `id` (the other way round when it is the sort already); why not, when the list shows no such column. */
  sortByColumn?(id: string): string | null;
  /** Resource lists: `a` toggles all namespaces. */
  toggleAllNamespaces?(): void;
  /** k9s's ctrl+z on a list: only the rows in a faulty state, on or off. */
  toggleFaults?(): void;
  /**
   * What the pane wants back after a daemon restart, beyond its args (a list's filter and sort, a
   * log's container): merged into its args when the session is restored.
   */
  persistState?(): Record<string, unknown>;
  /** The pane-scoped bindings group (`logs`, `exec`, `port_forwards`) looked up after `global` while focused. */
  bindingGroup?(): PaneGroup | null;
  /** A binding of the pane's group was pressed (`toggle_timestamps`); `prompts` asks the client that pressed it. */
  handleAction?(name: string, prompts: ClientPrompts): void;
  /**
   * Insert mode (exec panes): a key for the program in the pane, with the pane's size on the screen
   * of the client that typed it (a shared terminal follows the client that typed last, as tmux's
   * `latest`). Panes without it have no insert mode.
   */
  handleInput?(key: string, size: Viewport | null): void;
  /**
   * Pasted text in insert mode, as one piece (the shell gets it as the terminal would send it, the
   * query editor inserts it); null when taken, else why not (the pasting client is told).
   */
  handlePaste?(text: string, size: Viewport | null): string | null;
  /** Insert mode was entered on this pane (a dormant exec pane reconnects at once). */
  enterInsert?(size: Viewport | null): void;
  /**
   * What closing the pane would end that a user may not mean to (a shell still running: tmux's
   * kill-pane asks first), or null: close_pane and close_tab ask before ending it.
   */
  liveWork?(): string | null;
  dispose(): void;
}

/** What a pane may ask of the workspace: open a pane beside itself, or close itself. */
export interface PaneRequests {
  open(view: ViewSpec, split: { direction: SplitDirection; ratio?: number }): void;
  /** Opens a viewer below the pane, reusing the one of the same type this pane opened before. */
  openBeside(view: ViewSpec): void;
  /** Puts another view in the pane's place (a list's `esc` back to the list it was reached from). */
  replace(view: ViewSpec): void;
  /** Moves the pane's tab to another namespace (k9s's enter on a namespace). */
  setNamespace(namespace: string): void;
  /**
   * Closes the pane. `back`: esc asked (k9s's back): the tab's only pane stays — esc never takes a
   * tab with it — and the client is told how to close it.
   */
  close(why?: 'back'): void;
  /** A transient message for the session's clients. */
  toast(level: 'info' | 'success' | 'warn' | 'error', text: string): void;
}

/** What a pane factory gets: its id, its arguments and the daemon services it may use. */
export interface PaneContext {
  paneId: number;
  args: Record<string, unknown>;
  logger: Logger;
  services: PaneServices;
  /** The context and namespace of the pane's tab (it may change: see onScopeChange). */
  scope(): KubeScope;
  requests: PaneRequests;
}

export interface PaneServices {
  logRing: LogRing;
  /** The live key bindings (for the help pane); changes on config reload. */
  bindings(): BindingsSnapshot;
  bindingsChanged: Signal;
  kube: ClusterManager;
  config(): Config;
  /** Open streams and sockets by kind (logs, exec, port-forwards), for `daemon/status`. */
  streams: OpenStreams;
  /** An object was written by an edit (shift+e): panes that show it read it again. */
  objectEdited?: Signal<ObjectRef>;
}

export type PaneFactory = (ctx: PaneContext) => Pane;
