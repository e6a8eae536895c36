import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from './daemon-process.js';
import type { RawClient } from './rpc-client.js';

/** Sends keys one after another, each answered before the next. */
export async function pressKeys(c: RawClient, ...ks: string[]): Promise<void> {
  for (const key of ks) await c.request('client/key', { key });
}

/** A list of `kind` in namespace `ns`, in a new tab, focused. */
export async function openListIn(c: RawClient, kind: string, ns: string): Promise<number> {
  const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind } }, newTab: true });
  await c.request('kube/use', { tabId: r.tabId, namespace: ns });
  await c.request('pane/focus', { paneId: r.paneId });
  return r.paneId;
}

/** Filters the list to `name` and waits until the row named so (or, `prefix`, starting so) is selected. */
export async function selectRow(c: RawClient, paneId: number, name: string, match: 'exact' | 'prefix' = 'exact'): Promise<void> {
  await c.request('pane/command', { paneId, command: { type: 'filter', query: name } });
  await waitFor(`${name} selected`, async () => {
    const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 140 })).view;
    const got = v.type === 'table' && v.selected !== null ? v.rows[v.selected]?.cells.name : undefined;
    return got !== undefined && (match === 'exact' ? got === name : got.startsWith(name));
  });
}

/** The text of the confirmation dialog once it is open. */
export async function confirmText(c: RawClient): Promise<string> {
  const l = await c.waitLayout('the confirmation', (x) => x.overlay?.type === 'confirm');
  return l.overlay?.type === 'confirm' ? l.overlay.text : '';
}
