import type { KubeObject } from './types.js';
import { isRecord } from '../util/is-record.js';

/** An owner reference as the daemon uses it: every field checked. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
}

/**
 * An object's owner references, those that are well formed. `metadata.ownerReferences` is what the
 * API server (an aggregated one, a proxy) sent: a string, an object, `[null]` or a reference with a
 * numeric uid are no owners — read as they came, one such pod made a whole view or action fail with
 * a TypeError (`….find is not a function`).
 */
export function ownerRefs(obj: KubeObject): OwnerReference[] {
  const raw: unknown = obj.metadata.ownerReferences;
  const out: OwnerReference[] = [];
  for (const o of Array.isArray(raw) ? (raw as unknown[]) : []) {
    if (!isRecord(o)) continue;
    const { apiVersion, kind, name, uid } = o;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string' || typeof uid !== 'string') continue;
    out.push({ apiVersion, kind, name, uid, controller: o['controller'] === true });
  }
  return out;
}

/** The object's controlling owner reference (`controller: true`), of `kind` when given; null when none. */
export function controllerRef(obj: KubeObject, kind?: string): OwnerReference | null {
  return ownerRefs(obj).find((r) => r.controller && (kind === undefined || r.kind === kind)) ?? null;
}
