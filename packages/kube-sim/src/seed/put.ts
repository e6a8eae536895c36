/** Seeding helpers: create objects by apiVersion/kind through the store, optionally backdated. */
import { apiError } from '../api/status.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseStored, type StoredObject } from '../store/stored-object.js';
import type { KubeObject } from '../types.js';

export function put(store: ObjectStore, obj: KubeObject): StoredObject {
  const rt = store.registry.byKind(obj.apiVersion ?? '', obj.kind ?? '');
  if (!rt) throw apiError('NotFound', `no resource type for ${obj.apiVersion ?? ''} ${obj.kind ?? ''}`);
  return store.create(rt, obj);
}

/** Creates an object whose creationTimestamp is `createdAt` (ms); returns it as stored. */
export function putAt(store: ObjectStore, obj: KubeObject, createdAt: number): KubeObject {
  const rt = store.registry.byKind(obj.apiVersion ?? '', obj.kind ?? '');
  if (!rt) throw apiError('NotFound', `no resource type for ${obj.apiVersion ?? ''} ${obj.kind ?? ''}`);
  return parseStored(store.create(rt, obj, { createdAt }));
}
