import type { ViewSpec } from '@kubetile/rpc-schema';
import type { FoundOwner } from '../../kube/owner-lookup.js';
import { KNOWN_KINDS } from '../../kube/kinds/builtin.js';
import { isRecord } from '../../util/is-record.js';
import { resolveKind } from './kind-resolution.js';
import { badNamespace } from '../../kube/resource-ref.js';
import { listArgsProblem } from './list-args.js';
import type { KindDef } from '../../kube/kinds/types.js';

/**
 * k9s's jump to owner between resource lists: the owner's list in the pane's place with the owner
 * selected, and `esc` back to the list it came from with the row it left selected. The way back
 * rides in the new list's args (`back`, the previous list's args), so it survives a daemon restart
 * like the rest of the layout; a chain (Pod → ReplicaSet → Deployment) keeps at most MAX_BACK steps.
 */

const MAX_BACK = 8;
/** The list args a way back keeps (a filter or sort the user set there comes back too). */
const KEPT = ['kind', 'group', 'version', 'namespaced', 'kindName', 'allNamespaces', 'wide', 'faults', 'node', 'ownerUid', 'ownerName', 'filter', 'drillFilter', 'drillName', 'sortColumn', 'sortDesc'] as const;

function kept(args: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEPT) if (args[k] !== undefined) out[k] = args[k];
  if (depth < MAX_BACK - 1 && isRecord(args['back'])) out['back'] = keptBack(args['back'], depth + 1);
  return out;
}

/**
 * A way back as it is kept: the list's args, and what belongs to the step itself — the row left
 * selected and the tab's namespace to return to — at every depth of a chain (esc, esc, esc comes
 * back to each row left, not only to the last).
 */
function keptBack(back: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out = kept(back, depth);
  if (typeof back['selectUid'] === 'string' && back['selectUid'].length <= 128) out['selectUid'] = back['selectUid'];
  const ns = tabNamespace(back['tabNamespace']);
  if (ns) out['tabNamespace'] = ns;
  return out;
}

/** A namespace the tab can be on: a namespace's name, or `*` (all). */
const tabScope = (v: unknown): v is string => typeof v === 'string' && (v === '*' || badNamespace(v) === null);

/** A step's move of the tab (`{ from, to }`: a drill-down moved it from `from` to `to`), when well formed. */
function tabNamespace(v: unknown): { from: string; to: string } | null {
  return isRecord(v) && tabScope(v['from']) && tabScope(v['to']) ? { from: v['from'], to: v['to'] } : null;
}

/**
 * Drill-down args whose way back also moves the tab back: the drill moved it from `from` to `to` only
 * to show the object's pods (a workload listed in all namespaces, say), so esc returns it to `from`.
 */
export function returningTab(args: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  return isRecord(args['back']) ? { ...args, back: { ...args['back'], tabNamespace: { from, to } } } : args;
}

/**
 * Where esc moves the tab with the way back `back`, the tab being on `now`: back to where the drill
 * found it, if the tab is still where the drill put it (a namespace chosen since is the user's); else null.
 */
export function tabNamespaceBack(back: unknown, now: string): string | null {
  const move = isRecord(back) ? tabNamespace(back['tabNamespace']) : null;
  return move && move.to === now && move.from !== now ? move.from : null;
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
  const args = keptBack(back, 0);
  // The step's move of the tab is the pane's to make (tabNamespaceBack), not the list's arg.
  delete args['tabNamespace'];
  let kind: KindDef;
  try {
    kind = resolveKind(args);
  } catch {
    return null;
  }
  // What the list refuses to open with: going back to it would put an error pane in this list's
  // place (and move the tab first); dropping the arg would show another list (every pod, not a
  // node's). A way back naming one is none (pane/open's args are anyone's).
  if (listArgsProblem(kind, args) !== null) return null;
  return { key: 'resource-list', args };
}
