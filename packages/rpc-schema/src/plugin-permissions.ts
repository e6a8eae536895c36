/**
 * Plugin permissions: what each one allows, and the host's check of a request against them.
 *
 *   clipboard:write               copy text to the user's clipboard
 *   k8s:get:secrets[:ns=N]        read secrets (values decoded); without :ns= in any namespace named (the pane's by default)
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
 *
 * Declared once here for the daemon (its checks) and the SDK (packages/sdk/abi.mjs: the build's
 * link check), so the two can never disagree on which host functions a set of permissions links.
 */

export type KubeVerb = 'get' | 'list' | 'logs' | 'patch' | 'delete' | 'scale';
export type WriteVerb = 'patch' | 'delete' | 'scale';
export const WRITE_VERBS: readonly WriteVerb[] = ['patch', 'delete', 'scale'];

/** The forms a permission takes (for messages: "known: …"). */
export const PERMISSION_FORMS = [
  'clipboard:write',
  'k8s:get:secrets[:ns=<namespace>]',
  'k8s:list:<resource>[:ns=<namespace>]',
  'k8s:logs:pods[:ns=<namespace>]',
  'k8s:patch:<resource>[:ns=<namespace>]',
  'k8s:delete:<resource>[:ns=<namespace>]',
  'k8s:scale:<resource>[:ns=<namespace>]',
] as const;

const LABEL = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
const RESOURCE = `${LABEL}(?:\\.${LABEL})*`;
const KUBE = new RegExp(`^k8s:(get|list|logs|patch|delete|scale):(${RESOURCE})(?::ns=(${LABEL}))?$`);
const PLAIN = new Set(['clipboard:write']);
const MAX_LENGTH = 320;

export interface KubePermission {
  verb: KubeVerb;
  resource: string;
  /** null: every namespace. */
  namespace: string | null;
}

/** The parts of a `k8s:<verb>:<resource>[:ns=N]` permission, or null for any other string. */
export function parseKubePermission(p: unknown): KubePermission | null {
  if (typeof p !== 'string' || p.length > MAX_LENGTH) return null;
  const m = KUBE.exec(p);
  if (!m) return null;
  const verb = m[1] as KubeVerb;
  if (verb === 'logs' && m[2] !== 'pods') return null;
  // Reading objects outside the informers is for secrets only (get_secret).
  if (verb === 'get' && m[2] !== 'secrets') return null;
  return { verb, resource: m[2]!, namespace: m[3] ?? null };
}

/** Whether `p` is a permission kubetile knows. */
export function isPermission(p: unknown): boolean {
  return (typeof p === 'string' && PLAIN.has(p)) || parseKubePermission(p) !== null;
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

/** Whether any permission lists pods (`k8s:list:pods`, or one namespace's: `k8s:list:pods:ns=dev`). */
export const listsPods = (permissions: readonly string[]): boolean =>
  permissions.some((p) => {
    const k = parseKubePermission(p);
    return k !== null && k.verb === 'list' && k.resource === 'pods';
  });

/** Whether any permission is of this verb (grants the host function; each call is checked). */
export const hasVerb = (permissions: readonly string[], verbs: readonly KubeVerb[]): boolean =>
  permissions.some((p) => {
    const k = parseKubePermission(p);
    return k !== null && verbs.includes(k.verb);
  });

/**
 * Host function → the permission that grants it (null: always granted). `<resource>` stands for
 * any resource: the function is linked with any permission of that verb, and every call is
 * checked against the resource and namespace it names.
 */
export const HOST_FUNCTIONS = Object.freeze({
  host_send_render: null,
  list_pods: 'k8s:list:pods',
  get_secret: 'k8s:get:secrets',
  clipboard_write: 'clipboard:write',
  k8s_list: 'k8s:list:<resource>',
  k8s_logs: 'k8s:logs:pods',
  k8s_write: 'k8s:patch|delete|scale:<resource>',
} as const satisfies Record<string, string | null>);
export type HostFunctionName = keyof typeof HOST_FUNCTIONS;

export function isHostFunctionName(name: string): name is HostFunctionName {
  return Object.hasOwn(HOST_FUNCTIONS, name);
}

/** Whether `permissions` link host function `fn` into an instance. */
export function hostFunctionGranted(fn: HostFunctionName, permissions: readonly string[]): boolean {
  switch (fn) {
    case 'host_send_render':
      return true;
    case 'list_pods':
      // Namespace-scoped too: the host checks each call's namespace.
      return listsPods(permissions);
    case 'k8s_list':
      return hasVerb(permissions, ['list']);
    case 'k8s_logs':
      return hasVerb(permissions, ['logs']);
    case 'get_secret':
      // Namespace-scoped too (k8s:get:secrets:ns=dev): the host checks each call's namespace.
      return hasVerb(permissions, ['get']);
    case 'k8s_write':
      return hasVerb(permissions, WRITE_VERBS);
    default:
      return permissions.includes(HOST_FUNCTIONS[fn]);
  }
}

/** The host functions a set of permissions grants, `host_send_render` always included. */
export function grantedHostFunctions(permissions: readonly string[]): HostFunctionName[] {
  return (Object.keys(HOST_FUNCTIONS) as HostFunctionName[]).filter((f) => hostFunctionGranted(f, permissions));
}
