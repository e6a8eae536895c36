/** The current objects of one resource type, kept in key order for paging. */
import type { StoredObject } from './stored-object.js';

export class Collection {
  private readonly map = new Map<string, StoredObject>();
  /** Keys in ascending order ("namespace/name"), as etcd orders them. */
  private keys: string[] = [];

  get size(): number {
    return this.map.size;
  }

  get(key: string): StoredObject | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  set(rec: StoredObject): void {
    if (!this.map.has(rec.key)) {
      const keys = this.keys;
      const last = keys[keys.length - 1];
      if (last === undefined || last < rec.key) keys.push(rec.key);
      else keys.splice(this.lowerBound(rec.key), 0, rec.key);
    }
    this.map.set(rec.key, rec);
  }

  delete(key: string): boolean {
    if (!this.map.delete(key)) return false;
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
    return true;
  }

  /** Index of the first key >= `key`. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.keys[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key > `key`. */
  upperBound(key: string): number {
    const i = this.lowerBound(key);
    return this.keys[i] === key ? i + 1 : i;
  }

  keyAt(i: number): string | undefined {
    return this.keys[i];
  }

  get keyCount(): number {
    return this.keys.length;
  }

  /** Objects in key order, starting at index `from`. */
  *iterateFrom(from: number): IterableIterator<StoredObject> {
    for (let i = from; i < this.keys.length; i++) {
      const rec = this.map.get(this.keys[i] as string);
      if (rec) yield rec;
    }
  }

  values(): IterableIterator<StoredObject> {
    return this.map.values();
  }

  /** Key range for one namespace: [first, end). */
  namespaceRange(namespace: string): [number, number] {
    return [this.lowerBound(`${namespace}/`), this.lowerBound(`${namespace}0`)];
  }
}
