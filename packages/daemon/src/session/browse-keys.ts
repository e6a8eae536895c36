import type { ClusterManager } from '../kube/cluster.js';
import { findOwner } from '../kube/owner-lookup.js';
import { ownerListArgs } from '../panes/resource/list-jump.js';
import { XRAY_KINDS_TEXT, xrayDraws } from '../panes/xray/xray-roots.js';
import { errorMessage } from '../util/errors.js';
import type { ClientState } from './client-state.js';
import type { Workspace } from './workspace.js';

/**
 * The browse keys that look at the focused list and go somewhere from it (k9s's): `x` xray,
 * `shift+j` jump to owner, `c` copy names, `0`–`9` favorite namespaces, the column sort keys.
 */
export interface BrowseKey {
  client: ClientState;
  workspace: Workspace;
  kube: ClusterManager;
  favorites?: ((context: string) => readonly string[]) | undefined;
  hasPaneType: (key: string) => boolean;
  toast: (level: 'info' | 'success' | 'warn' | 'error', text: string) => void;
}

/** `x`: an xray tree of the selected workload (or of the list's kind in its namespace) beside the list. */
export function openXray(k: BrowseKey): void {
  const ws = k.workspace;
  if (!k.hasPaneType('xray')) {
    k.toast('warn', 'xray is not available in this build');
    return;
  }
  const pane = ws.pane(ws.focusedPane(k.client));
  const kind = pane.resourceKind?.();
  if (!kind || !xrayDraws(kind.kind, kind.group)) {
    // No pane for a kind it cannot draw (a Service, a Node): it was opened, titled as a Deployment, and took the focus.
    k.toast('info', `xray shows a workload: press x on one of ${XRAY_KINDS_TEXT}${kind ? `, not on ${kind.kind}s` : ''}`);
    return;
  }
  const t = pane.selectedResource?.() ?? null;
  const args: Record<string, unknown> = { kind: kind.kindId, context: kind.context };
  if (t) {
    args.name = t.name;
    if (t.namespace) args.namespace = t.namespace;
    if (t.uid) args.uid = t.uid;
  } else if (kind.namespace) args.namespace = kind.namespace;
  ws.openCompanion(ws.focusedPane(k.client), { key: 'xray', args }, k.client);
}

/**
 * k9s's jump to owner: the focused list becomes the owner's list (its kind found by discovery,
 * the owner read first so a deleted one is said, not shown as an empty selection), the owner
 * selected; `esc` there comes back. A jump that ends after the pane changed does nothing.
 */
export function jumpToOwner(k: BrowseKey): void {
  const ws = k.workspace;
  const paneId = ws.focusedPane(k.client);
  const pane = ws.pane(paneId);
  const kind = pane.resourceKind?.() ?? null;
  const obj = pane.selectedObject?.() ?? null;
  if (!kind || !obj) {
    k.toast('info', 'shift+j jumps to the owner of the selected row of a resource list');
    return;
  }
  let kc;
  try {
    kc = k.kube.configFor(kind.context);
  } catch (err) {
    k.toast('error', errorMessage(err));
    return;
  }
  findOwner(kc, obj, kind.kind).then(
    (owner) => {
      // The pane was closed or switched meanwhile: the jump is not wanted there any more.
      if (!ws.holds(pane)) return;
      const args = ownerListArgs(owner, { args: pane.args, state: pane.persistState?.() ?? {}, selectedUid: obj.metadata.uid });
      ws.replaceView(paneId, { key: 'resource-list', args });
    },
    (err: unknown) => k.toast('warn', `jump to owner: ${errorMessage(err)}`),
  );
}

/**
 * Puts the selected row's name on this terminal's clipboard (OSC 52), or the marked rows' names
 * separated by spaces (ready for `kubectl delete pod a b c`).
 */
export function copyNames(k: BrowseKey): void {
  const ws = k.workspace;
  const pane = ws.pane(ws.focusedPane(k.client));
  if (!pane.resourceKind?.()) {
    k.toast('info', 'c copies the name of the selected row of a resource list (cordons a Node)');
    return;
  }
  const marked = pane.markedResources?.() ?? [];
  const names = marked.length > 0 ? marked.map((t) => t.name) : [pane.selectedResource?.()?.name].filter((n): n is string => !!n);
  if (names.length === 0) {
    k.toast('info', 'no row is selected: nothing was copied');
    return;
  }
  ws.clients.get(k.client.id)?.sink.clipboard(names.join(' '));
  k.toast('success', names.length === 1 ? `copied ${names[0]} to the clipboard` : `copied ${names.length} names to the clipboard`);
}

/** k9s's number keys: the tab to all namespaces (0) or to its context's n-th favorite namespace (the tab bar numbers them). */
export function pickFavorite(k: BrowseKey, n: number): void {
  const ws = k.workspace;
  const tab = ws.activeTab(k.client);
  if (tab.context === null) {
    k.toast('error', `No cluster connection: ${k.kube.problem ?? 'no context'}`);
    return;
  }
  const namespace = n === 0 ? '*' : k.favorites?.(tab.context)[n - 1];
  if (namespace === undefined) {
    k.toast('info', `no favorite namespace ${n} yet: the namespaces this context's tabs are switched to (ctrl+n, :ns NAME) are numbered 1–9 in the tab bar`);
    return;
  }
  if (namespace !== tab.namespace) ws.setTabScope(k.client.sessionName, tab.id, { namespace });
}

/** k9s's column sort keys: by the column, again the other way round; said when the list has no such column. */
export function sortBy(k: BrowseKey, column: string): void {
  const ws = k.workspace;
  const pane = ws.pane(ws.focusedPane(k.client));
  if (!pane.sortByColumn) {
    k.toast('info', 'only resource lists sort by a column');
    return;
  }
  const why = pane.sortByColumn(column);
  if (why) k.toast('info', why);
}
