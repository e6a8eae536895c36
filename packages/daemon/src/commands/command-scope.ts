import { findKind } from '../kube/kinds/find-kind.js';
import type { ObjectRef } from '../kube/object-ref.js';

/**
 * Whether a command whose `scopes` name kinds (`pods`, `po`, `pod`, `Deployment`,
 * `certificates.cert-manager.io`, or `all`) applies to objects of `t`'s kind.
 */
export function commandInScope(scopes: readonly string[], t: Pick<ObjectRef, 'kindId' | 'kind' | 'plural' | 'group'>): boolean {
  return scopes.some((raw) => {
    const s = raw.toLowerCase();
    if (s === 'all') return true;
    if (s === t.kindId || s === t.plural || s === t.kind.toLowerCase()) return true;
    if (t.group && s === `${t.plural}.${t.group}`) return true;
    return findKind(s)?.id === t.kindId;
  });
}

export const scopesText = (scopes: readonly string[]): string => scopes.join(', ');
