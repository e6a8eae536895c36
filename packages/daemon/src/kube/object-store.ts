import type { KubeObject } from './types.js';

export interface StoreEntry {
  obj: KubeObject;
  /** `namespace/name`: the stable default order. */
  key: string;
  /** Bumped when the object changes; caches keyed on it. */
  rev: number;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const byKey = (a: StoreEntry, b: StoreEntry): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export interface StoreChange {
  entry: StoreEntry;
  removed: boolean;
}

/**
 * The change log holds at most as many changes as the store holds objects, at least LOG_FLOOR and at
 * most LOG_MAX (trimmed to half when it is over). Readers use it only while they are a few frames
 * behind (a list patches its rows from at most max(2,000, rows/20) changes; further back it starts
 * over, as every reader does on null), and a removed object is held by its change alone: a small
 * list under create/delete churn (Events, CI runners' pods) kept 50,000 deleted objects whole.
 */
export const LOG_FLOOR = 5_000;
const LOG_MAX = 50_000;

/**
 * Objects by UID plus an array kept sorted by namespace/name, updated incrementally, and a
 * bounded log of changes so views can follow a big store without rescanning it.
 */
export class ObjectStore {
  private readonly byUid = new Map<string, StoreEntry>();
  readonly sorted: StoreEntry[] = [];
  private rev = 0;
  /** Sequence number of the last change; `changesSince` answers from here. */
  seq = 0;
  /** Bumped by every `replace` (a relist): caches built over the whole store start over. */
  generation = 0;
  private log: StoreChange[] = [];
  /** The seq just before log[0]. */
  private logBase = 0;

  private record(entry: StoreEntry, removed: boolean): void {
    this.seq++;
    this.log.push({ entry, removed });
    const cap = Math.min(LOG_MAX, Math.max(LOG_FLOOR, this.byUid.size));
    if (this.log.length > cap) {
      const drop = this.log.length - Math.floor(cap / 2);
      this.log = this.log.slice(drop);
      this.logBase += drop;
    }
  }

  /** The changes after `seq`, oldest first, or null when the log no longer reaches back that far. */
  changesSince(seq: number): readonly StoreChange[] | null {
    if (seq < this.logBase || seq > this.seq) return null;
    return this.log.slice(seq - this.logBase);
  }

  /** Binary search by key in an array sorted by key (the store's order). */
  static indexIn(rows: readonly StoreEntry[], key: string): number {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows[mid]!.key < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get size(): number {
    return this.byUid.size;
  }

  /**
   * The namespaces the objects are in, or null when there are more than `max`: a binary search per
   * namespace in the key order (a namespace's keys, `ns/name`, are contiguous and all below `ns/\uffff`).
   */
  namespaces(max: number): Set<string> | null {
    const out = new Set<string>();
    const rows = this.sorted;
    for (let i = 0; i < rows.length; ) {
      const ns = rows[i]!.obj.metadata.namespace ?? '';
      out.add(ns);
      if (out.size > max) return null;
      i = Math.max(i + 1, ObjectStore.indexIn(rows, `${ns}/\uffff`));
    }
    return out;
  }

  get(uid: string): StoreEntry | undefined {
    return this.byUid.get(uid);
  }

  private indexOf(key: string): number {
    return ObjectStore.indexIn(this.sorted, key);
  }

  upsert(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    const existing = this.byUid.get(uid);
    const m = obj.metadata;
    if (existing && existing.obj.metadata.name === m.name && (existing.obj.metadata.namespace ?? '') === (m.namespace ?? '')) {
      existing.obj = obj;
      existing.rev = ++this.rev;
      this.record(existing, false);
      return;
    }
    // A uid that comes back under another namespace/name (no API server renames; one that reuses
    // uids does): the entry is moved to its place. Updated where it was, the order was broken (the
    // binary searches went wrong: a later object of the old name replaced it, and it vanished).
    if (existing) this.remove(existing.obj);
    const entry: StoreEntry = { obj, key: keyOf(obj), rev: ++this.rev };
    let i = this.indexOf(entry.key);
    // A recreated object with the same name but a new UID replaces the old one.
    const clash = this.sorted[i];
    if (clash && clash.key === entry.key) {
      this.byUid.delete(clash.obj.metadata.uid);
      this.sorted[i] = entry;
      this.record(clash, true);
    } else {
      this.sorted.splice(i, 0, entry);
    }
    this.byUid.set(uid, entry);
    this.record(entry, false);
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
    this.record(e, true);
  }

  /**
   * Adds one page of a first list (shown while the next pages load): objects not yet held, merged
   * into the namespace/name order (pages usually arrive in that order: then they are appended).
   */
  appendPage(objs: readonly KubeObject[]): void {
    const fresh: StoreEntry[] = [];
    for (const obj of objs) {
      const uid = obj.metadata.uid;
      if (this.byUid.has(uid)) continue;
      const e: StoreEntry = { obj, key: keyOf(obj), rev: ++this.rev };
      this.byUid.set(uid, e);
      fresh.push(e);
    }
    fresh.sort(byKey);
    const last = this.sorted[this.sorted.length - 1];
    if (!last || fresh.length === 0 || fresh[0]!.key > last.key) {
      for (const e of fresh) this.sorted.push(e);
    } else {
      const merged: StoreEntry[] = [];
      let i = 0;
      let j = 0;
      while (i < this.sorted.length || j < fresh.length) {
        if (j >= fresh.length || (i < this.sorted.length && this.sorted[i]!.key <= fresh[j]!.key)) merged.push(this.sorted[i++]!);
        else merged.push(fresh[j++]!);
      }
      this.sorted.length = 0;
      for (const e of merged) this.sorted.push(e);
    }
    // Not a list of changes either: incremental consumers start over.
    this.generation++;
    this.seq++;
    this.log = [];
    this.logBase = this.seq;
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
    for (const v of next.values()) this.sorted.push(v);
    this.sorted.sort(byKey);
    // A relist is not a list of changes: incremental consumers start over.
    this.generation++;
    this.seq++;
    this.log = [];
    this.logBase = this.seq;
  }
}
