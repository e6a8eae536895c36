/**
 * A bounded map of what was used lately: two generations, the newest first. A lookup that finds an
 * entry in the older one moves it to the newer; when the newer holds `size` entries, the older is
 * dropped and the newer becomes it. Everything used in the last `size` insertions stays; nothing
 * grows past `2 × size`. (An LRU without a linked list: a frame's worth of rows at a time.)
 */
export class RecentCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly size: number) {
    if (!(size >= 1)) throw new RangeError(`a RecentCache needs a size of at least 1 (got ${size})`);
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.size) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  /** Entries held (both generations; a key in both counts twice). */
  get held(): number {
    return this.young.size + this.old.size;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
