import type { PaneView } from '@kubetile/rpc-schema';
import { BasePane } from '../base-pane.js';
import type { PaneContext } from '../pane.js';

/** The placeholder a manual split creates; `:` turns it into something else. */
export class EmptyPane extends BasePane {
  constructor(ctx: PaneContext) {
    super('empty', ctx);
  }
  title(): string {
    return 'Empty';
  }
  alias(): string {
    return 'EMP';
  }
  handleCommand(): void {}
  view(): PaneView {
    return { type: 'message', title: 'Empty', level: 'info', text: 'Empty pane — press : to choose a view' };
  }
}
