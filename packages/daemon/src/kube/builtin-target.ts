import { KNOWN_KINDS } from './kinds/builtin.js';

/** The group each kind kubectl and kubetile know by name is served in (the first one listed: core Events before events.k8s.io's). */
const GROUP_OF = new Map<string, string>();
for (const k of KNOWN_KINDS) if (!GROUP_OF.has(k.kind)) GROUP_OF.set(k.kind, k.group);

/**
 * Whether `t` is the built-in kind it is named as — its group too. A custom resource of kind `Pod`
 * (or `Deployment`…) in another group is not one: logs, exec, debug and the query pane find their
 * pod by kind and name, and reached the core Pod of the same name (an audit: `l` on a CRD `Pod`
 * named `same` streamed the core pod `same`'s log).
 */
export function isBuiltinKind(t: { readonly kind: string; readonly group: string }, kind: string = t.kind): boolean {
  return t.kind === kind && GROUP_OF.has(kind) && GROUP_OF.get(kind) === t.group;
}

/** `isBuiltinKind(t, 'Pod')`: a core/v1 Pod. */
export const isCorePod = (t: { readonly kind: string; readonly group: string }): boolean => isBuiltinKind(t, 'Pod');

/** `t` as an error names it: `Pod shop/web`, or `Pod (pods.evil.example.com) shop/web` when it is not the built-in kind. */
export function describedKind(t: { readonly kind: string; readonly group: string; readonly plural: string; readonly namespace: string | null; readonly name: string }): string {
  const kind = GROUP_OF.has(t.kind) && !isBuiltinKind(t) ? `${t.kind} (${t.plural}.${t.group || 'core'})` : t.kind;
  return `${kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
}
