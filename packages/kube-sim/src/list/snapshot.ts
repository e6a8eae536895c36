/**
 * A key-ordered view of one resource type as it was at a past resourceVersion, rebuilt from the
 * current state plus the retained history (what etcd's MVCC gives the real apiserver).
 */
import type { ResourceType } from '../api/resource-types.js';
import type { ObjectStore } from '../store/object-store.js';
import type { StoredObject } from '../store/stored-object.js';

export interface SnapshotCursor {
  /** The next object in key order, or undefined at the end. */
  next(): StoredObject | undefined;
  /** How many objects remain after the ones already returned. */
  remaining(): number;
}

/**
 * Opens a cursor at `rv` over keys after `afterKey` (all when undefined), limited to one
 * namespace when given. Returns null when history no longer reaches back to `rv`.
 */
export function openSnapshot(store: ObjectStore, rt: ResourceType, rv: number, afterKey: string | undefined, namespace: string | undefined): SnapshotCursor | null {
  const coll = store.collection(rt);
  let [from, to] = namespace !== undefined && rt.namespaced ? coll.namespaceRange(namespace) : [0, coll.keyCount];
  if (afterKey !== undefined) from = Math.max(from, coll.upperBound(afterKey));
  const prefix = namespace !== undefined && rt.namespaced ? `${namespace}/` : '';
  const inRange = (k: string): boolean => (afterKey === undefined || k > afterKey) && k.startsWith(prefix);

  // Changes after rv: key -> the state at rv (null when the key did not exist then).
  let changed: Map<string, StoredObject | null> | undefined;
  if (rv < store.rv) {
    const events = store.history.since(rv, rt.id);
    if (!events) return null;
    changed = new Map();
    for (const ev of events) {
      const k = ev.obj.key;
      if (!changed.has(k) && inRange(k)) changed.set(k, ev.prev);
    }
  }
  const changedKeys = changed ? [...changed.keys()].sort() : [];
  let i = from;
  let j = 0;
  // Items left: current keys in [i,to) not in changed, plus changed keys [j..] that existed at rv.
  let currentChangedLeft = 0;
  let pastLeft = 0;
  if (changed) {
    for (const [k, prev] of changed) {
      if (coll.get(k)) currentChangedLeft++;
      if (prev) pastLeft++;
    }
  }
  return {
    next(): StoredObject | undefined {
      for (;;) {
        const ck = i < to ? coll.keyAt(i) : undefined;
        const hk = changedKeys[j];
        if (ck === undefined && hk === undefined) return undefined;
        if (hk === undefined || (ck !== undefined && ck < hk)) {
          i++;
          if (changed?.has(ck as string)) {
            currentChangedLeft--;
            continue;
          }
          const rec = coll.get(ck as string);
          if (rec) return rec;
          continue;
        }
        // The changed key comes first (or ties with the current key).
        if (ck === hk) {
          i++;
          currentChangedLeft--;
        }
        j++;
        const prev = changed?.get(hk);
        if (prev) {
          pastLeft--;
          return prev;
        }
      }
    },
    remaining(): number {
      return Math.max(0, to - i - currentChangedLeft + pastLeft);
    },
  };
}
