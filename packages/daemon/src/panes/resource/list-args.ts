import type { KindDef } from '../../kube/kinds/types.js';
import { badObjectName } from '../../kube/object-ref.js';

/**
 * Why a resource list of `kind` cannot open with `args`' scope narrowing — `node` (k9s's enter on a
 * node: a pods list only, an object's name) and `ownerUid` (enter on a CronJob: an object's uid) — or
 * null. The list refuses to open with such args; a way back naming them is none (list-jump's backView).
 */
export function listArgsProblem(kind: KindDef, args: Record<string, unknown>): string | null {
  if (args['node'] !== undefined) {
    if (!(kind.group === '' && kind.id === 'pods')) return `args.node is for a pods list, not ${kind.id}`;
    const bad = badObjectName(args['node'], 'args.node');
    if (bad) return bad;
  }
  if (args['ownerUid'] !== undefined && (typeof args['ownerUid'] !== 'string' || !/^[A-Za-z0-9-]{1,128}$/.test(args['ownerUid']))) return 'args.ownerUid is not an object uid';
  return null;
}
