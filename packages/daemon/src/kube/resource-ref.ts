/** Enough to address a collection over REST. */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /**
   * Where these names came from, for error messages (`args.kind`, `args.group, args.version`);
   * absent for the built-in kinds.
   */
  origin?: { plural: string; groupVersion: string };
}

export const apiVersionOf = (r: ResourceRef): string => (r.group ? `${r.group}/${r.version}` : r.version);

/** A DNS-1123 subdomain: what API group names are (`apps`, `networking.k8s.io`). */
const GROUP = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A DNS-1035 label: what versions are (`v1`, `v1beta1`, `v2alpha3`, any CRD version name). */
const VERSION = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 label: what resource plurals are (`pods`, `ingressroutes`, `componentstatuses`). */
const PLURAL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** What a kind is: `Pod`, `IngressRoute`. */
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

const show = (v: unknown): string => JSON.stringify(typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…` : v);

/** Why `group` is not an API group name, or null. `field` names it in the message. */
export function badGroup(group: unknown, field = 'group'): string | null {
  if (group === '') return null;
  return typeof group === 'string' && group.length <= 253 && GROUP.test(group) ? null : `${field} ${show(group)} is not an API group (like apps or networking.k8s.io)`;
}

export function badVersion(version: unknown, field = 'version'): string | null {
  return typeof version === 'string' && version.length <= 63 && VERSION.test(version) ? null : `${field} ${show(version)} is not an API version (like v1 or v1beta1)`;
}

export function badPlural(plural: unknown, field = 'plural'): string | null {
  return typeof plural === 'string' && plural.length <= 63 && PLURAL.test(plural) ? null : `${field} ${show(plural)} is not a resource name (lower-case letters, digits and '-', like pods)`;
}

export function badKind(kind: unknown, field = 'kind'): string | null {
  return typeof kind === 'string' && kind.length <= 63 && KIND.test(kind) ? null : `${field} ${show(kind)} is not a kind (letters and digits, like Pod)`;
}

export function badNamespace(ns: unknown, field = 'namespace'): string | null {
  return typeof ns === 'string' && ns.length <= 63 && PLURAL.test(ns) ? null : `${field} ${show(ns)} is not a namespace name`;
}

/** Why a ResourceRef cannot be put into a URL path, or null: every name must be a plain path segment. */
export function invalidRef(r: Pick<ResourceRef, 'group' | 'version' | 'plural'>): string | null {
  return badGroup(r.group) ?? badVersion(r.version) ?? badPlural(r.plural);
}
