import type { PaneView, TableView } from '@kubetile/rpc-schema';
import type { SimDaemonWithClient } from './sim-daemon.js';

/** What the focused pane of the client's active tab shows now. */
export async function paneView(s: SimDaemonWithClient): Promise<PaneView> {
  const paneId = s.client.activeTab().focusedPaneId;
  return (await s.client.request<{ view: PaneView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
}

/** A list's rows by name, comma-separated ('' for a pane that is not a table). */
export const names = (v: PaneView): string => (v.type === 'table' ? (v as TableView).rows.map((r) => r.cells.name).join() : '');

/** What a pane says beside its rows: a list's empty text and footer (where its errors are), or a message pane's text. */
export const said = (v: PaneView): string => (v.type === 'table' ? `${v.empty ?? ''} ${v.footer ?? ''}` : v.type === 'message' ? v.text : '');
