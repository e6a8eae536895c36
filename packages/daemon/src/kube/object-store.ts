import type { KubeObject } from './types.js';

export interface StoreEntry {
  obj: KubeObject;
  /** `namespace/name`: the stable default order. */
  key: string;
  /** Bumped when the object changes; caches keyed on it. */
  rev: number;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Objects by UID plus an array kept sorted by namespace/name, updated incrementally. */
export class ObjectStore {
  private readonly byUid = new Map<string, StoreEntry>();
  readonly sorted: StoreEntry[] = [];
  private rev = 0;

  get size(): number {
    return this.byUid.size;
  }

  get(uid: string): StoreEntry | undefined {
    return this.byUid.get(uid);
  }

  private indexOf(key: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.key < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  upsert(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    const existing = this.byUid.get(uid);
    if (existing) {
      existing.obj = obj;
      existing.rev = ++this.rev;
      return;
    }
    const entry: StoreEntry = { obj, key: keyOf(obj), rev: ++this.rev };
    let i = this.indexOf(entry.key);
    // A recreated object with the same name but a new UID replaces the old one.
    const clash = this.sorted[i];
    if (clash && clash.key === entry.key) {
      this.byUid.delete(clash.obj.metadata.uid);
      this.sorted[i] = entry;
    } else {
      this.sorted.splice(i, 0, entry);
    }
    this.byUid.set(uid, entry);
  }

  remove(obj: KubeObject): void {
    const e = this.byUid.get(obj.metadata.uid);
    if (!e) return;
    this.byUid.delete(obj.metadata.uid);
    const i = this.indexOf(e.key);
    if (this.sorted[i] === e) this.sorted.splice(i, 1);
    else {
      const j = this.sorted.indexOf(e);
      if (j >= 0) this.sorted.splice(j, 1);
    }
  }

  /** Replaces everything (after a list), keeping entries (and their caches) whose object did not change. */
  replace(objs: KubeObject[]): void {
    const next = new Map<string, StoreEntry>();
    for (const obj of objs) {
      const old = this.byUid.get(obj.metadata.uid);
      if (old && old.obj.metadata.resourceVersion === obj.metadata.resourceVersion) next.set(obj.metadata.uid, old);
      else next.set(obj.metadata.uid, { obj, key: keyOf(obj), rev: ++this.rev });
    }
    this.byUid.clear();
    for (const [k, v] of next) this.byUid.set(k, v);
    this.sorted.length = 0;
    this.sorted.push(...next.values());
    this.sorted.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
