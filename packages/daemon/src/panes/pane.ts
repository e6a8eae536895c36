import type { PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import type { Logger } from '../logging/logger.js';
import type { LogRing } from '../logging/log-ring.js';
import type { Signal } from '../util/signal.js';
import type { BindingsSnapshot } from '../keys/keymap.js';

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
  /** Text input in filter mode is applied live; panes that do not filter ignore it. */
  dispose(): void;
}

/** What a pane factory gets: its id, its arguments and the daemon services it may use. */
export interface PaneContext {
  paneId: number;
  args: Record<string, unknown>;
  logger: Logger;
  services: PaneServices;
}

export interface PaneServices {
  logRing: LogRing;
  /** The live key bindings (for the help pane); changes on config reload. */
  bindings(): BindingsSnapshot;
  bindingsChanged: Signal;
}

export type PaneFactory = (ctx: PaneContext) => Pane;
