/**
 * An immutable stored version of one object. The JSON text is kept pre-serialised, so lists and
 * watch events are written without re-serialising; only the small indexes needed for selectors,
 * ordering and garbage collection live beside it.
 */
import { extractFieldValues } from '../api/field-values.js';
import type { ResourceType } from '../api/resource-types.js';
import type { KubeObject } from '../types.js';
import { printReady, type PrintReady } from '../table/print-ready.js';
import { intern } from '../util/intern.js';

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
  /** Where `json` holds the object's metadata (its start and end), for PartialObjectMetadata without a decode. */
  readonly metadataAt: readonly [number, number] | null;
  /** The object's table row, ready to print (kinds whose printer prepares rows), else null. */
  readonly printed: PrintReady | null;
}

export function objectKey(namespace: string, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Fields whose values are unique per object and not worth pooling. */
const UNIQUE_FIELDS = new Set(['status.podIP', 'involvedObject.uid', 'involvedObject.name', 'involvedObject.resourceVersion']);

function compactLabels(labels: Record<string, string> | undefined): Readonly<Record<string, string>> | null {
  if (!labels) return null;
  const keys = Object.keys(labels);
  if (keys.length === 0) return null;
  const out: Record<string, string> = {};
  for (const k of keys) out[intern(k)] = intern(String(labels[k]));
  return out;
}

/** Freezes an object into a stored record. The caller has already set metadata.resourceVersion. */
export function toStored(rt: ResourceType, obj: KubeObject): StoredObject {
  const md = obj.metadata;
  const namespace = intern(rt.namespaced ? md.namespace ?? '' : '');
  const name = md.name ?? '';
  const owners = md.ownerReferences && md.ownerReferences.length > 0 ? md.ownerReferences.map((o) => o.uid) : null;
  const fields = extractFieldValues(rt, obj);
  const { json, metadataAt } = serialise(obj);
  if (fields) for (let i = 0; i < fields.length; i++) if (!UNIQUE_FIELDS.has(rt.selectableFields[i] ?? '')) fields[i] = intern(fields[i] as string);
  return {
    key: objectKey(namespace, name),
    namespace,
    name,
    uid: md.uid ?? '',
    rv: Number(md.resourceVersion ?? '0'),
    json,
    labels: compactLabels(md.labels),
    fields,
    ownerUids: owners,
    metadataAt,
    printed: printReady(rt, obj),
  };
}

/**
 * JSON.stringify(obj) and where in it the metadata's text is: the members before it are measured
 * (the text itself is made in one piece: built from pieces, V8 keeps a string as a tree of them, which
 * cost 100k pods ~60 MB more).
 */
function serialise(obj: KubeObject): { json: string; metadataAt: [number, number] | null } {
  const json = JSON.stringify(obj);
  let at = 1;
  for (const k of Object.keys(obj)) {
    const v = JSON.stringify((obj as Record<string, unknown>)[k]) as string | undefined;
    if (v === undefined) continue;
    const key = JSON.stringify(k).length + 1;
    if (k === 'metadata') return { json, metadataAt: [at + key, at + key + v.length] };
    at += key + v.length + 1;
  }
  return { json, metadataAt: null };
}

/** The object's metadata as JSON text. */
export function metadataJson(rec: StoredObject): string {
  return rec.metadataAt ? rec.json.slice(rec.metadataAt[0], rec.metadataAt[1]) : JSON.stringify(parseStored(rec).metadata ?? {});
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
