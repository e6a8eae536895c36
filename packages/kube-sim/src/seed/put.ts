/** Seeding helper: creates objects by apiVersion/kind through the store. */
import { apiError } from '../api/status.js';
import type { ObjectStore } from '../store/object-store.js';
import type { StoredObject } from '../store/stored-object.js';
import type { KubeObject } from '../types.js';

export function put(store: ObjectStore, obj: KubeObject): StoredObject {
  const rt = store.registry.byKind(obj.apiVersion ?? '', obj.kind ?? '');
  if (!rt) throw apiError('NotFound', `no resource type for ${obj.apiVersion ?? ''} ${obj.kind ?? ''}`);
  return store.create(rt, obj);
}
