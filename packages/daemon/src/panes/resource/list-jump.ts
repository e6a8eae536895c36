import type { ViewSpec } from '@kubetile/rpc-schema';
import type { FoundOwner } from '../../kube/owner-lookup.js';
import { KNOWN_KINDS } from '../../kube/kinds/builtin.js';
import { isRecord } from '../../util/is-record.js';
import { resolveKind } from './kind-resolution.js';

/**
 * k9s's jump to owner between resource lists: the owner's list in the pane's place with the owner
 * selected, and `esc` back to the list it came from with the row it left selected. The way back
 * rides in the new list's args (`back`, the previous list's args), so it survives a daemon restart
 * like the rest of the layout; a chain (Pod → ReplicaSet → Deployment) keeps at most MAX_BACK steps.
 */

const MAX_BACK = 8;
/** The list args a way back keeps (a filter or sort the user set there comes back too). */
const KEPT = ['kind', 'group', 'version', 'namespaced', 'kindName', 'allNamespaces', 'wide', 'faults', 'node', 'ownerUid', 'ownerName', 'filter', 'drillFilter', 'sortColumn', 'sortDesc'] as const;

function kept(args: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEPT) if (args[k] !== undefined) out[k] = args[k];
  if (depth < MAX_BACK - 1 && isRecord(args['back'])) out['back'] = kept(args['back'], depth + 1);
  return out;
}

/** The args of the owner's list: its kind, the owner selected, all namespaces if the list left was, and the way back. */
export function ownerListArgs(owner: FoundOwner, from: { args: Record<string, unknown>; state: Record<string, unknown>; selectedUid: string }): Record<string, unknown> {
  const r = owner.ref;
  const known = KNOWN_KINDS.find((k) => k.id === r.plural && k.group === r.group && k.version === r.version);
  const kind = known ? { kind: known.id } : { kind: r.plural, group: r.group, version: r.version, namespaced: r.namespaced, kindName: r.kind };
  return { ...kind, selectUid: owner.uid, ...(from.state['allNamespaces'] === true && r.namespaced ? { allNamespaces: true } : {}), back: backOf(from) };
}

/** k9s's enter on a namespace: the args of its pods list (the tab is moved to it), with the way back to the namespaces. */
export function drillDownArgs(kind: string, from: { args: Record<string, unknown>; state: Record<string, unknown>; selectedUid: string }): Record<string, unknown> {
  return { kind, back: backOf(from) };
}

/** The way back to the list left: its args and state, the row left selected. */
function backOf(from: { args: Record<string, unknown>; state: Record<string, unknown>; selectedUid: string }): Record<string, unknown> {
  return { ...kept({ ...from.args, ...from.state }, 0), selectUid: from.selectedUid };
}

/** The list a jump came from (`args.back`), or null: nothing to go back to, or args that do not name a list. */
export function backView(back: unknown): ViewSpec | null {
  if (!isRecord(back)) return null;
  const args = kept(back, 0);
  if (typeof back['selectUid'] === 'string' && back['selectUid'].length <= 128) args['selectUid'] = back['selectUid'];
  try {
    resolveKind(args);
  } catch {
    return null;
  }
  return { key: 'resource-list', args };
}
