import { leafIds, type PaneTree } from '@kubetile/rpc-schema';
import { leaf } from './pane-tree-ops.js';

/** A tab: a pane tree and its Kubernetes context and namespace (fullscreen is each client's own). */
export class Tab {
  tree: PaneTree;
  /** The pane focused most recently by anyone: the default target of unattached scripts. */
  lastFocusedPaneId: number;

  constructor(
    readonly id: number,
    firstPane: number,
    public context: string | null,
    public namespace: string,
  ) {
    this.tree = leaf(firstPane);
    this.lastFocusedPaneId = firstPane;
  }

  paneIds(): number[] {
    return leafIds(this.tree);
  }

  has(paneId: number): boolean {
    return this.paneIds().includes(paneId);
  }
}
