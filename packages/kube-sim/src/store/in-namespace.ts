import type { ResourceType } from '../api/resource-types.js';
import type { KubeObject } from '../types.js';
import type { ObjectStore } from './object-store.js';
import { parseStored } from './stored-object.js';

/** The objects of `rt` in `namespace`, parsed. */
export function objectsIn(store: ObjectStore, rt: ResourceType, namespace: string): KubeObject[] {
  const coll = store.collection(rt);
  const [from, to] = coll.namespaceRange(namespace);
  const out: KubeObject[] = [];
  for (let i = from; i < to; i++) {
    const rec = coll.get(coll.keyAt(i) as string);
    if (rec) out.push(parseStored(rec));
  }
  return out;
}
