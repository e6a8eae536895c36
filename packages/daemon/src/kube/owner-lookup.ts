import type { KubeConfig } from './kubeconfig.js';
import { KubeApiError } from './api-error.js';
import { collectionPath, kubeRequest } from './kube-http.js';
import { badGroup, badKind, badVersion, type ResourceRef } from './resource-ref.js';
import { badObjectName } from './object-ref.js';
import type { KubeObject } from './types.js';
import { ownerRefs } from './owner-refs.js';
import { isRecord } from '../util/is-record.js';

/**
 * The owner of an object (k9s's jump to owner): its controller owner reference (else its first),
 * the owner's resource found in the API server's discovery of that group version (so a CRD owner —
 * an Argo Rollout over a ReplicaSet — works like a built-in one), and the owner read to make sure
 * it is there and is the very object referenced (its uid). Every field of the reference comes from
 * the API server and is checked before it is put into a request path.
 */

export interface FoundOwner {
  ref: ResourceRef;
  name: string;
  /** Null for a cluster-scoped owner (a Node over its mirror pods). */
  namespace: string | null;
  uid: string;
}

const MAX_UID = 128;

/** The owner's group and version from its apiVersion (`apps/v1`, `v1`), or why it is unusable. */
function groupVersion(apiVersion: string): { group: string; version: string } | string {
  const parts = apiVersion.split('/');
  if (parts.length > 2) return `its owner reference's apiVersion ${JSON.stringify(apiVersion.length > 80 ? `${apiVersion.slice(0, 80)}…` : apiVersion)} is not an API version (like apps/v1)`;
  const [group, version] = parts.length === 1 ? ['', parts[0]!] : [parts[0]!, parts[1]!];
  return badGroup(group, 'its owner reference\'s group') ?? badVersion(version, 'its owner reference\'s version') ?? { group, version };
}

/** The owner of `obj`, an object of `kind` (list items do not say their kind). Throws saying why there is none to go to. */
export async function findOwner(kc: KubeConfig, obj: KubeObject, kind: string): Promise<FoundOwner> {
  const named = (x: KubeObject): string => `${kind} ${x.metadata.namespace ? `${x.metadata.namespace}/` : ''}${x.metadata.name}`;
  const refs = ownerRefs(obj);
  const o = refs.find((r) => r.controller) ?? refs[0];
  if (!o) throw new Error(`${named(obj)} has no owner`);
  const gv = groupVersion(o.apiVersion);
  const bad = typeof gv === 'string' ? gv : (badKind(o.kind, "its owner reference's kind") ?? badObjectName(o.name, "its owner reference's name") ?? (o.uid.length > MAX_UID ? "its owner reference's uid is too long" : null));
  if (bad !== null || typeof gv === 'string') throw new Error(`${named(obj)}: ${bad}`);
  const owner = `${o.kind} ${o.name}`;
  const doc = await kubeRequest<unknown>(kc, { path: gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}` }).catch((err: unknown) => {
    if (err instanceof KubeApiError && err.status === 404) throw new Error(`${owner}, the owner of ${named(obj)}: the API server does not serve ${o.apiVersion}`);
    throw err;
  });
  const resources = isRecord(doc) && Array.isArray(doc['resources']) ? (doc['resources'] as unknown[]) : [];
  const r = resources.find((x) => isRecord(x) && x['kind'] === o.kind && typeof x['name'] === 'string' && !x['name'].includes('/'));
  if (!isRecord(r) || typeof r['name'] !== 'string') throw new Error(`${owner}, the owner of ${named(obj)}: the API server does not serve ${o.kind} in ${o.apiVersion}`);
  const ref: ResourceRef = { group: gv.group, version: gv.version, plural: r['name'], kind: o.kind, namespaced: r['namespaced'] === true };
  // An owner is in its dependent's namespace, or cluster-scoped.
  const namespace = ref.namespaced ? (obj.metadata.namespace ?? null) : null;
  if (ref.namespaced && namespace === null) throw new Error(`${owner}, the owner of ${named(obj)}, is namespaced but ${named(obj)} is not: a reference the garbage collector ignores`);
  let found: unknown;
  try {
    found = await kubeRequest<unknown>(kc, { path: `${collectionPath(ref, namespace)}/${encodeURIComponent(o.name)}` });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) throw new Error(`${o.kind} ${namespace ? `${namespace}/` : ''}${o.name}, the owner of ${named(obj)}, is not in the cluster (deleted)`);
    throw err;
  }
  const uid = isRecord(found) && isRecord(found['metadata']) ? found['metadata']['uid'] : undefined;
  if (uid !== o.uid) throw new Error(`${o.kind} ${namespace ? `${namespace}/` : ''}${o.name}, the owner of ${named(obj)}, is not in the cluster: another object of that name is (a new uid)`);
  return { ref, name: o.name, namespace, uid: o.uid };
}
