/**
 * An immutable stored version of one object. The JSON text is kept pre-serialised, so lists and
 * watch events are written without re-serialising; only the small indexes needed for selectors,
 * ordering and garbage collection live beside it.
 */
import { extractFieldValues } from '../api/field-values.js';
import type { ResourceType } from '../api/resource-types.js';
import type { KubeObject } from '../types.js';

export interface StoredObject {
  /** "namespace/name" for namespaced kinds, "name" otherwise. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly rv: number;
  /** Compact JSON of the whole object, including metadata.resourceVersion. */
  readonly json: string;
  readonly labels: Readonly<Record<string, string>> | null;
  /** Values of the kind's selectable fields, in ResourceType.selectableFields order. */
  readonly fields: readonly string[] | null;
  readonly ownerUids: readonly string[] | null;
}

export function objectKey(namespace: string, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Freezes an object into a stored record. The caller has already set metadata.resourceVersion. */
export function toStored(rt: ResourceType, obj: KubeObject): StoredObject {
  const md = obj.metadata;
  const namespace = rt.namespaced ? md.namespace ?? '' : '';
  const name = md.name ?? '';
  const labels = md.labels && Object.keys(md.labels).length > 0 ? md.labels : null;
  const owners = md.ownerReferences && md.ownerReferences.length > 0 ? md.ownerReferences.map((o) => o.uid) : null;
  return {
    key: objectKey(namespace, name),
    namespace,
    name,
    uid: md.uid ?? '',
    rv: Number(md.resourceVersion ?? '0'),
    json: JSON.stringify(obj),
    labels,
    fields: extractFieldValues(rt, obj),
    ownerUids: owners,
  };
}

export function parseStored(rec: StoredObject): KubeObject {
  return JSON.parse(rec.json) as KubeObject;
}

/** The same object re-stamped with another resourceVersion (for DELETED events). */
export function restamp(rt: ResourceType, rec: StoredObject, rv: number): StoredObject {
  const obj = parseStored(rec);
  obj.metadata.resourceVersion = String(rv);
  return toStored(rt, obj);
}
