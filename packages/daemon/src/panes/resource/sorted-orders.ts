import type { ObjectStore, StoreEntry } from '../../kube/object-store.js';
import { SlicedSort } from './sliced-sort.js';
import { GatheredKeys, type SortKey } from './sort-keys.js';
import { afterInput, nextSlice } from './next-slice.js';

/**
 * Complete sorted orders of a whole (unfiltered) list, by spec key, as of a store change: the one a
 * list left when another sort was chosen, and those made in the background for every column while
 * the list is quiet. A sort key press that finds its order here takes it and applies the changes
 * since (the rows that changed leave and re-enter by their current key): a pass over the rows
 * instead of a selection and a sort.
 */
export interface Order {
  rows: readonly StoreEntry[];
  /** The store's change and generation the order is exact for. */
  seq: number;
  generation: number;
}

/** Orders kept (each holds one array of the list's rows). */
const MAX_ORDERS = 24;
/** Work per slice of a background sort. */
const SLICE_MS = 4;

export class SortedOrders {
  private readonly orders = new Map<string, Order>();
  /** Background sorts tried for this columns key and generation (one attempt per column). */
  private tried = new Set<string>();
  private triedFor = '';
  private busy = false;
  disposed = false;

  constructor(
    private readonly store: ObjectStore,
    /** How long a background slice is to wait (a key's frame is being painted), ms. */
    private readonly quietFor: () => number = () => 0,
  ) {}

  /** The order kept for `specKey` when it is still of this store's generation. */
  get(specKey: string): Order | undefined {
    const o = this.orders.get(specKey);
    if (o && o.generation !== this.store.generation) {
      this.orders.delete(specKey);
      return undefined;
    }
    return o;
  }

  put(specKey: string, order: Order): void {
    this.orders.delete(specKey);
    this.orders.set(specKey, order);
    while (this.orders.size > MAX_ORDERS) this.orders.delete(this.orders.keys().next().value!);
  }

  /** Drops the orders more than `limit(order)` changes behind the store (they would be rebuilt, not patched; they hold rows since removed). */
  prune(limit: (o: Order) => number): void {
    for (const [k, o] of this.orders) if (o.generation !== this.store.generation || this.store.seq - o.seq > limit(o)) this.orders.delete(k);
  }

  get size(): number {
    return this.orders.size;
  }

  clear(): void {
    this.orders.clear();
  }

  /**
   * Sorts the list by one more of the columns (ascending) in the background, a slice per turn of the
   * event loop, when none is running and `idle()` says the list has nothing else to do; each column
   * once per columns key and generation.
   */
  prepare(columnsKey: string, columns: number, specKeyOf: (index: number) => string, keyOf: (e: StoreEntry, index: number) => SortKey, idle: () => boolean): void {
    if (this.busy || this.disposed) return;
    const store = this.store;
    const tag = `${columnsKey}#${store.generation}`;
    if (tag !== this.triedFor) {
      this.tried = new Set();
      this.triedFor = tag;
    }
    let index = -1;
    for (let i = 0; i < columns; i++) {
      const k = specKeyOf(i);
      if (!this.tried.has(k) && !this.get(k)) {
        index = i;
        break;
      }
    }
    if (index < 0 || !idle()) return;
    const specKey = specKeyOf(index);
    this.tried.add(specKey);
    this.busy = true;
    const generation = store.generation;
    // The rows and the keys' arrays are taken on the first slice, not here: the pane calls this while
    // it draws a frame (often a key's), and copying 100k rows and allocating their keys' arrays took
    // 1–4 ms of that frame (profile of keys typed in the seconds after a 100k list loaded).
    let rows: StoreEntry[] = [];
    let seq = 0;
    let n = 0;
    let keys: GatheredKeys | null = null;
    let gathered = 0;
    let sorter: SlicedSort | null = null;
    const step = (): void => {
      if (this.disposed || store.generation !== generation || this.triedFor !== tag) {
        this.busy = false;
        return;
      }
      const wait = this.quietFor();
      if (wait > 0) {
        setTimeout(step, wait);
        return;
      }
      if (!keys) {
        rows = store.sorted.slice();
        seq = store.seq;
        n = rows.length;
        keys = new GatheredKeys(n, false);
      }
      if (!sorter) {
        // The keys first, in slices too (a row that changes meanwhile is among the changes since
        // `seq`, which whoever takes the order re-places).
        const stop = performance.now() + SLICE_MS;
        while (gathered < n) {
          keys.set(gathered, keyOf(rows[gathered]!, index));
          if ((++gathered & 255) === 0 && performance.now() >= stop) break;
        }
        if (gathered < n) {
          nextSlice(step);
          return;
        }
        sorter = new SlicedSort(n, keys.compare);
      }
      if (!sorter.step(SLICE_MS)) {
        nextSlice(step);
        return;
      }
      const order = sorter.result;
      const out = new Array<StoreEntry>(n);
      for (let i = 0; i < n; i++) out[i] = rows[order[i]!]!;
      if (!this.orders.has(specKey)) this.put(specKey, { rows: out, seq, generation });
      this.busy = false;
      // The next column.
      nextSlice(() => this.prepare(columnsKey, columns, specKeyOf, keyOf, idle));
    };
    afterInput(step);
  }
}
