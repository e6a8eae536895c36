/**
 * Plugin permissions: what each one allows, and the host's check of a request against them.
 *
 *   clipboard:write               copy text to the user's clipboard
 *   k8s:get:secrets               read secrets (values decoded) of the pane's namespace
 *   k8s:list:<resource>[:ns=N]    read objects of a resource from the shared informers, and get
 *                                 their watch events (plugin_on_event)
 *   k8s:logs:pods[:ns=N]          read pod logs (the last lines, bounded)
 *   k8s:patch:<resource>[:ns=N]   merge-patch an object (after the user confirms)
 *   k8s:delete:<resource>[:ns=N]  delete an object (after the user confirms)
 *   k8s:scale:<resource>[:ns=N]   set replicas (after the user confirms)
 *
 * `<resource>` is the plural kubectl uses (`pods`, `deployments`), or `plural.group` for a
 * resource of another API group (`certificates.cert-manager.io`). `:ns=N` limits the permission to
 * namespace N; without it, it holds in every namespace (and for cluster-scoped objects).
 */

export type KubeVerb = 'list' | 'logs' | 'patch' | 'delete' | 'scale';
export type WriteVerb = 'patch' | 'delete' | 'scale';
export const WRITE_VERBS: readonly WriteVerb[] = ['patch', 'delete', 'scale'];

/** The forms a permission takes (for messages: "known: …"). */
export const PERMISSION_FORMS = [
  'clipboard:write',
  'k8s:get:secrets',
  'k8s:list:<resource>[:ns=<namespace>]',
  'k8s:logs:pods[:ns=<namespace>]',
  'k8s:patch:<resource>[:ns=<namespace>]',
  'k8s:delete:<resource>[:ns=<namespace>]',
  'k8s:scale:<resource>[:ns=<namespace>]',
] as const;

const LABEL = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
const RESOURCE = `${LABEL}(?:\\.${LABEL})*`;
const KUBE = new RegExp(`^k8s:(list|logs|patch|delete|scale):(${RESOURCE})(?::ns=(${LABEL}))?$`);
const PLAIN = new Set(['clipboard:write', 'k8s:get:secrets']);
const MAX_LENGTH = 320;

export interface KubePermission {
  verb: KubeVerb;
  resource: string;
  /** null: every namespace. */
  namespace: string | null;
}

/** The parts of a `k8s:<verb>:<resource>[:ns=N]` permission, or null for any other string. */
export function parseKubePermission(p: string): KubePermission | null {
  if (p.length > MAX_LENGTH) return null;
  const m = KUBE.exec(p);
  if (!m) return null;
  const verb = m[1] as KubeVerb;
  if (verb === 'logs' && m[2] !== 'pods') return null;
  return { verb, resource: m[2]!, namespace: m[3] ?? null };
}

/** Whether `p` is a permission kubetile knows. */
export function isPermission(p: string): boolean {
  return PLAIN.has(p) || parseKubePermission(p) !== null;
}

/** The names a resource answers to in permissions: `plural`, and `plural.group` for a named group. */
export function resourceNames(r: { plural: string; group: string }): string[] {
  return r.group === '' ? [r.plural] : [r.plural, `${r.plural}.${r.group}`];
}

/**
 * Whether `permissions` allow `verb` on `resource` in `namespace` (null: all namespaces, or a
 * cluster-scoped object, which only a permission without `:ns=` allows).
 */
export function allows(permissions: readonly string[], verb: KubeVerb, resource: { plural: string; group: string }, namespace: string | null): boolean {
  const names = resourceNames(resource);
  return permissions.some((p) => {
    const k = parseKubePermission(p);
    return k !== null && k.verb === verb && names.includes(k.resource) && (k.namespace === null || k.namespace === namespace);
  });
}

/** The permission a request needs, for messages (`k8s:delete:pods:ns=dev` when a namespace is known). */
export function neededPermission(verb: KubeVerb, resource: string, namespace: string | null): string {
  return `k8s:${verb}:${resource}${namespace ? ` (or k8s:${verb}:${resource}:ns=${namespace})` : ''}`;
}

/** Whether any permission is of this verb (grants the host function; each call is checked). */
/** Whether any permission lists pods (`k8s:list:pods`, or one namespace's: `k8s:list:pods:ns=dev`). */
export const listsPods = (permissions: readonly string[]): boolean =>
  permissions.some((p) => {
    const k = parseKubePermission(p);
    return k !== null && k.verb === 'list' && k.resource === 'pods';
  });

export const hasVerb = (permissions: readonly string[], verbs: readonly KubeVerb[]): boolean =>
  permissions.some((p) => {
    const k = parseKubePermission(p);
    return k !== null && verbs.includes(k.verb);
  });
