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
    if (t.group && s === `${t.plural}.${t.group}`) return true;
    // A name of a built-in kind (`pods`, `po`, `Pod`, `deploy`) means that kind in its own group: a custom
    // resource of another group named the same (`pods.evil.example.com`, kind Pod) is not in scope — a
    // `kubectl … pod $NAME` command would act on the core Pod of its name.
    const known = findKind(s);
    if (known) return known.id === t.kindId && known.group === t.group;
    return s === t.kindId || s === t.plural || s === t.kind.toLowerCase();
  });
}

export const scopesText = (scopes: readonly string[]): string => scopes.join(', ');
