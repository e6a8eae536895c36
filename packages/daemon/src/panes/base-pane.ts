import type { PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import { Signal } from '../util/signal.js';
import type { Pane, PaneContext } from './pane.js';

/** Common plumbing for built-in panes: identity, change signal, disposal of subscriptions. */
export abstract class BasePane implements Pane {
  readonly id: number;
  readonly changed = new Signal();
  readonly args: Record<string, unknown>;
  protected readonly disposers: Array<() => void> = [];

  constructor(
    readonly key: string,
    ctx: PaneContext,
  ) {
    this.id = ctx.paneId;
    this.args = ctx.args;
  }

  abstract title(): string;
  abstract alias(): string;
  abstract handleCommand(command: PaneCommand): void;
  abstract view(viewport: Viewport): PaneView;

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    this.changed.clear();
  }
}
