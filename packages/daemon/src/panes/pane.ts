import type { PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import type { Logger } from '../logging/logger.js';
import type { LogRing } from '../logging/log-ring.js';
import type { Signal } from '../util/signal.js';
import type { BindingsSnapshot } from '../keys/keymap.js';
import type { SplitDirection, ViewSpec } from '@kubetile/rpc-schema';
import type { ClusterManager } from '../kube/cluster.js';
import type { KubeScope } from '../kube/types.js';
import type { ObjectRef } from '../kube/object-ref.js';
import type { Config } from '../config/schema.js';

/** A resource a pane has selected, for resource actions (yaml, describe, delete, …); `uid` pins it. */
export type ResourceTarget = ObjectRef;

/** The kind (and context) a resource pane lists, without a particular object. */
export type ResourceKindTarget = Omit<ObjectRef, 'name' | 'namespace' | 'uid'> & { namespace: string | null };

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
  /** Resource lists: the kind and context listed, and the namespace shown (null: all or cluster-scoped). */
  resourceKind?(): ResourceKindTarget | null;
  /** Resource lists: `s` cycles the sort column. */
  cycleSort?(): void;
  /** Resource lists: `a` toggles all namespaces. */
  toggleAllNamespaces?(): void;
  dispose(): void;
}

/** What a pane may ask of the workspace: open a pane beside itself, or close itself. */
export interface PaneRequests {
  open(view: ViewSpec, split: { direction: SplitDirection; ratio?: number }): void;
  /** Opens a viewer below the pane, reusing the one of the same type this pane opened before. */
  openBeside(view: ViewSpec): void;
  close(): void;
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
}

export type PaneFactory = (ctx: PaneContext) => Pane;
