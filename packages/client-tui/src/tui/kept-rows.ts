import type { PaneView } from '@kubetile/rpc-schema';
import type { PaneViewEntry } from './store.js';

/**
 * A view as the daemon sent it, made whole: a table view sent with `rowsOf` (this client attached
 * with `sameRows`: only the selection or the rest of the view changed) takes its columns and rows
 * from the pane's last view, which must be the table numbered `rowsOf`. Any other view is whole as it
 * is. Returns (a string) why it cannot be made whole when the last view is not that table (a daemon that lost
 * track of what it sent): the rows are never guessed.
 */
export function withKeptRows(last: PaneViewEntry | undefined, view: PaneView): PaneView | string {
  if (view.type !== 'table' || view.rowsOf === undefined) return view;
  if (!last || last.seq !== view.rowsOf || last.view.type !== 'table') {
    const had = !last ? 'no view of this pane' : last.view.type !== 'table' ? `a ${last.view.type} view (number ${last.seq})` : `table number ${last.seq}`;
    return `a table drawn from the rows of view number ${view.rowsOf}, but this client has ${had}`;
  }
  const { rowsOf: _, ...rest } = view;
  return { ...rest, columns: last.view.columns, rows: last.view.rows };
}
