import type { PaneView } from '@kubetile/rpc-schema';
import { BasePane } from '../base-pane.js';
import type { Pane, PaneContext } from '../pane.js';

class ErrorPane extends BasePane {
  constructor(
    ctx: PaneContext,
    key: string,
    private readonly message: string,
  ) {
    super(key, ctx);
  }
  title(): string {
    return `${this.key}: error`;
  }
  alias(): string {
    return 'ERR';
  }
  handleCommand(): void {}
  view(): PaneView {
    return { type: 'message', title: this.title(), level: 'error', text: this.message };
  }
}

/** A pane that only shows why the pane that was asked for could not be made. */
export function createErrorPane(ctx: PaneContext, key: string, message: string): Pane {
  return new ErrorPane(ctx, key, message);
}
