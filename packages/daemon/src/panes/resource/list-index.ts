import type { Style } from '@kubetile/rpc-schema';
import type { ColumnDef } from '../../kube/kinds/types.js';
import type { KubeObject } from '../../kube/types.js';
import { ObjectStore, type StoreChange, type StoreEntry } from '../../kube/object-store.js';
import { madeKey, RowCache, safeCell, styleOf, ticks } from './row-cache.js';
import { arrange, placeVisible, SlicedSort } from './sliced-sort.js';
import { byKey, compareKeys, GatheredKeys, sameKey, type SortKey } from './sort-keys.js';
import { SortedOrders, type Order } from './sorted-orders.js';
import { afterInput, nextSlice } from './next-slice.js';
import type { RowFilter } from './row-filter.js';

export { safeCell, styleOf, ticks };

/**
 * The rows of a resource list after filter and sort, kept up to date incrementally so a 100k-row
 * list under thousands of changes a second costs what changed, not a rescan:
 * - cells, search text and sort keys are cached per object version (and warmed in the background
 *   after a list arrives, so the first filter keystroke or sort finds them ready);
 * - a filter that extends the previous one narrows the previous result;
 * - the changes of a frame are applied together: a row whose key did not change stays put, a few
 *   moves are binary-searched splices, many are one merge pass;
 * - complete sorted orders of the whole list are kept (the one a list leaves for another sort, and one
 *   per column made in the background while the list is quiet): a sort that finds its order takes
 *   it and re-places only the rows changed since (one pass, no sorting on the keystroke);
 * - otherwise a new sort on a big list first places the rows the screen shows (the top rows and those around
 *   the selected row: one pass over flat keys), then completes the full order in slices of a few
 *   milliseconds that let keys and frames through; when the rows' keys for that column are not made
 *   yet (a list just loaded, or changing too often for the background orders), they are made in
 *   slices first, the list in the store's order meanwhile (`sorting…`);
 * - a filter on a big list in an order it can be scanned in (the store's order, or narrowing a
 *   complete previous result) scans only until the screen's rows are found: they are exactly the
 *   first rows of the full result, and the rest of the scan (the count) follows in slices.
 */

export interface ListSpec {
  cols: ColumnDef[];
  columnsKey: string;
  /** Lower-cased substring filter ('' for none), or the key of another kind of filter (`match`; see row-filter.ts). */
  filter: string;
  /** Set for filters that are not a plain substring (labels, inverted): whether a row is in. */
  match?: RowFilter['match'];
  /** The kind's style for a whole row, for the cells' styles a `match` may look at (faults). */
  rowStyle?: (obj: KubeObject) => Style | undefined;
  /** Index into `cols`, or -1 for the store's namespace/name order. */
  sortIndex: number;
  desc: boolean;
}

/** Which rows must be in their final order now: the first `top`, and `span` either side of the row with `uid`. */
export interface Need {
  top: number;
  uid: string | null;
  span: number;
  /** The whole order (a move to the far end). */
  all?: boolean;
  /**
   * Rows after the selected one that must be known now (a key moving the selection down or a page);
   * the rest of `span` a frame scans for a few milliseconds and shows what it found.
   */
  ahead?: number;
}

interface Pending {
  /** The rows being sorted in slices: row number r is `rows[moved.get(r) ?? r]` (a few were swapped into place). */
  rows: StoreEntry[];
  moved: Map<number, number>;
  sorter: SlicedSort;
  /** Position ranges of `rows` already in their final order. */
  exact: Array<[number, number]>;
  /** The positions of the rows placed there. */
  posOf: Map<StoreEntry, number>;
}

/**
 * A filter being applied in slices: `rows` holds the matches of what was scanned, in the result's
 * order; `parts` is what is left (each from `from`), in that order too.
 */
interface Scan {
  parts: ScanPart[];
  /** The rows the last frame wanted; while fewer are found, each slice that finds more asks for a frame. */
  want: number;
}

interface ScanPart {
  src: readonly StoreEntry[];
  from: number;
  /**
   * Set when `src` is the store's own array (not copied: 100k rows took milliseconds of the first
   * filter key), which changes in place: after a change the scan resumes after the key it scanned last.
   */
  live?: { seq: number; last: string | null };
}

interface Warming {
  columnsKey: string;
  generation: number;
  /** The store's change the pass started from. */
  seq: number;
  /** The rows to warm: the changed ones, or (null) the whole store. */
  queue: StoreEntry[] | null;
  at: number;
  busy: boolean;
  /** Whether this pass makes sort keys too (a full pass makes the search texts of all rows first). */
  keys: boolean;
}

/** A sort whose rows' keys are being made in slices before it is built (see `gathering`). */
interface Gather {
  specKey: string;
  generation: number;
  cols: ColumnDef[];
  columnsKey: string;
  sortIndex: number;
  /** Position in the store's order reached (the order changes in place: build() makes what a change made it miss). */
  at: number;
  done: boolean;
}

interface State {
  spec: ListSpec;
  specKey: string;
  seq: number;
  /** Rows carry `epoch` in their RowData while they are in `rows`. */
  epoch: number;
  rows: StoreEntry[];
  /** Set while the full order is being completed in slices. */
  pending: Pending | null;
  /** Set while the filter is still scanning (then `rows` is an exact prefix of the result). */
  scan: Scan | null;
  /**
   * Set while rows taken from a kept order are still being marked as placed (their epoch and key,
   * which applying changes needs): the rows from here on. Done in slices while the store does not
   * change; the first change finishes it.
   */
  mark?: number | null;
  /** `rows` is a kept order's own array: copied before it is changed in place. */
  shared?: boolean;
}

/** Changes since the last frame beyond this (or 1/20 of the rows) are recomputed, not patched. */
const PATCH_LIMIT = 2000;
/** Lists up to this many rows are sorted at once; bigger ones place the visible rows first. */
export const SORT_AT_ONCE = 5000;
/** Up to this many moved rows are spliced; more are merged in one pass. */
const SPLICE_LIMIT = 16;
/** Work per slice of the event loop. */
const SLICE_MS = 4;
/**
 * After a key's frame (a new filter or sort), how long the work it left (the rest of a filter's scan,
 * a sort's completion, marking a kept order) waits before its first slice: the client and the
 * terminal paint that frame meanwhile. On a loaded 2-core machine the slices right after the frame
 * took the CPU the client needed (interleaved A/B, 30 rounds each on 100k pods: first filter key
 * p50 6.7 → 5.1 ms, p99 35.5 → 17.1 ms; sort p50 6.6 → 3.5 ms); the exact count comes that much later.
 * With a key also holding back warming and kept orders (`keyPressed`), against the code before both
 * (interleaved, 15 rounds each, load ~1): first key p50 6.6 → 5.0 ms, max 44.3 → 12.0 ms; next keys
 * max 33.6 → 9.5 ms; sort p50 5.2 → 3.6 ms, max 15.5 → 10.7 ms; `j` p50 4.9 / 4.4 ms.
 */
const PAINT_GRACE_MS = 12;
const WARM_SLICE = 1000;
/**
 * A new sort on a big list makes at most this many missing keys on its keystroke (a few ms); a list
 * lacking more has them made in slices first (see `gathering`). Measured on 100k pods, `s` pressed as
 * soon as the list had loaded (3 loads each, one after the other, load ~1): key → painted 322–355 ms
 * before (every client's frames and keys waited meanwhile) → 26–33 ms; `j` right after it 31–39 →
 * 3–33 ms; the sorted rows on screen 408–471 → 510–623 ms (the slices share the loop with the warm-up).
 * A list lacking more makes none on the keystroke (it used to make the first 2,000, ~4 ms, and then
 * the rest in slices): the key's frame right after a 100k load took 3–9 ms to flush, now 0.6–1.7.
 */
export const KEYS_AT_ONCE = 2_000;
/** Filters over more rows than this find the screen's rows first and scan the rest in slices. */
export const SCAN_AT_ONCE = 5000;
/** How long a frame scans for the rows it would like (a sparse filter shows what it found by then, and `filtering…`). */
const FRAME_SCAN_MS = 3;
/**
 * A filter's scan reads the clock every this many rows + 1. A row scanned before the list has been
 * warmed builds its search text on the way (~10 µs a pod: its status, restarts, age), so the 512 rows
 * between two looks at the clock it used to take were ~5 ms: a scan slice meant to take 4 ms ran 6
 * (profile of a filter key typed right after a 100k list loaded: the key read meanwhile waited for it),
 * and a frame's 3 ms scan ran long too. The clock costs ~50 ns a look.
 */
const SCAN_CHECK_MASK = 63;

export class ListIndex {
  private readonly data = new RowCache();
  /** The flat keys of the last sort, reused by the next one of the same size or smaller. */
  private keysBuf: GatheredKeys | null = null;
  private state: State | null = null;
  private epochs = 0;
  private slicing = false;
  /** Background slices start no earlier than this (see PAINT_GRACE_MS). */
  private quietUntil = 0;
  private warming: Warming | null = null;
  private gather: Gather | null = null;
  private disposed = false;
  private columnsKey = '';
  private readonly orders: SortedOrders;

  constructor(
    private readonly store: ObjectStore,
    /** Called when work done off a keystroke's path (completing a sort) changed the rows. */
    private readonly onReady: () => void,
    opts: {
      /** How long background slices wait after a key's frame (tests that step through slices pass 0). */
      paintGraceMs?: number;
      /** Missing sort keys a new sort makes on its keystroke (see KEYS_AT_ONCE). */
      keysAtOnce?: number;
      /**
       * How long a frame scans for the rows it would like (see FRAME_SCAN_MS). Tests of what a frame
       * finds pass Infinity: on a loaded machine 3 ms of wall time can pass before the first row.
       */
      frameScanMs?: number;
    } = {},
  ) {
    this.paintGraceMs = opts.paintGraceMs ?? PAINT_GRACE_MS;
    this.keysAtOnce = opts.keysAtOnce ?? KEYS_AT_ONCE;
    this.frameScanMs = opts.frameScanMs ?? FRAME_SCAN_MS;
    this.orders = new SortedOrders(store, this.quietFor);
  }

  private readonly paintGraceMs: number;
  private readonly keysAtOnce: number;
  private readonly frameScanMs: number;

  /** A key is being answered: background work (warming, kept orders, slices) waits for its frame to be painted. */
  keyPressed(): void {
    this.quietUntil = performance.now() + this.paintGraceMs;
  }

  /** How long background work is still to wait (ms, ≤ 0: none). */
  private readonly quietFor = (): number => (this.disposed ? 0 : this.quietUntil - performance.now());

  dispose(): void {
    this.disposed = true;
    this.data.disposed = true;
    this.orders.disposed = true;
    this.orders.clear();
    this.state = null;
    this.gather = null;
  }

  /** The cells of an entry at its current version (computed now if needed). */
  cached(e: StoreEntry, cols: ColumnDef[], columnsKey: string, now: number, rowStyle?: (obj: KubeObject) => Style | undefined): { cells: string[]; styles: Array<Style | undefined> } {
    return { cells: this.data.cells(e, cols, columnsKey, now), styles: this.data.styles(e, cols, columnsKey, now, rowStyle) };
  }

  private matches(e: StoreEntry, spec: ListSpec, now: number): boolean {
    if (spec.filter === '') return true;
    const m = spec.match;
    if (m) return m(e.obj, () => this.data.search(e, spec.cols, spec.columnsKey, now), () => this.data.styles(e, spec.cols, spec.columnsKey, now, spec.rowStyle));
    return this.data.search(e, spec.cols, spec.columnsKey, now).includes(spec.filter);
  }

  private keyOf(e: StoreEntry, spec: ListSpec, now: number): SortKey | null {
    return spec.sortIndex >= 0 ? this.data.key(e, spec.cols, spec.columnsKey, spec.sortIndex, now) : null;
  }

  /** Whether the full order or the filter is still being completed (or rows still marked). */
  get completing(): boolean {
    const st = this.state;
    if (st === null) return this.gather !== null;
    return st.pending !== null || st.scan !== null || (st.mark ?? null) !== null;
  }

  /** How many complete orders of the whole list are kept for sorts to come (see SortedOrders). */
  get keptOrders(): number {
    return this.orders.size;
  }

  /** What is still being completed in slices, for the pane to say (`filtering…`, `sorting…`). */
  get working(): 'filtering' | 'sorting' | null {
    const st = this.state;
    if (st === null) return this.gather !== null ? 'sorting' : null;
    return st.scan ? 'filtering' : st.pending ? 'sorting' : null;
  }

  /**
   * The rows for `spec` as of the store's latest change, exact where `need` says (the rest follows
   * within a moment, announced through `onReady`).
   */
  rows(given: ListSpec, need: Need, now: number): readonly StoreEntry[] {
    const store = this.store;
    // The same columns key string each frame: row caches compare it by identity, not by content.
    if (given.columnsKey !== this.columnsKey) this.columnsKey = given.columnsKey;
    const spec: ListSpec = { ...given, columnsKey: this.columnsKey };
    if (spec.sortIndex < 0 && !spec.desc && spec.filter === '') {
      // The store's own order: nothing to keep.
      this.leave(null);
      this.gather = null;
      return store.sorted;
    }
    const specKey = specKeyOf(spec);
    let st = this.state;
    if (st && st.specKey === specKey && st.seq !== store.seq) {
      const changes = store.changesSince(st.seq);
      if (changes && changes.length <= Math.max(PATCH_LIMIT, st.rows.length / 20)) {
        if ((st.mark ?? null) !== null) this.finishMarking(st, changes, now);
        // While the order is being completed, changes that move nothing (churn on other fields) leave it be.
        if (st.scan || !st.pending || !this.inPlace(st, changes, now)) {
          this.complete(st);
          this.patch(st, changes, now);
        }
        st.seq = store.seq;
      } else st = null;
    } else if (st && st.specKey !== specKey) {
      // A complete result behind the store (pods changing) is brought up to date to be narrowed:
      // otherwise a first filter key on a sorted list under churn filtered all rows on the key's path.
      if (st.seq !== store.seq && !st.pending && !st.scan) {
        const changes = store.changesSince(st.seq);
        if (changes && changes.length <= Math.max(PATCH_LIMIT, st.rows.length / 20)) {
          if ((st.mark ?? null) !== null) this.finishMarking(st, changes, now);
          this.patch(st, changes, now);
          st.seq = store.seq;
        }
      }
      st = this.narrowed(st, spec, specKey, need, now);
    }
    // A state made for this frame has had its scan for the frame (a new filter scanned for its rows already).
    const made = !st || st.specKey !== specKey || st !== this.state;
    // A new filter or order: the frame that shows it goes first, the rest of its work after a moment.
    // (A sort whose keys are still being made was new on its keystroke's frame, not on each frame
    // after it: under churn those come every 16 ms and held its slices to a quarter of the time.)
    const gatherGoesOn = this.gather !== null && !this.gather.done && this.gather.specKey === specKey;
    if (made && !gatherGoesOn) this.quietUntil = performance.now() + this.paintGraceMs;
    if ((!st || st.specKey !== specKey) && this.gathering(spec, specKey, need, now)) {
      // The keys of the new sort are being made: the store's order until they are.
      this.leave(null);
      return store.sorted;
    }
    if (!st || st.specKey !== specKey) st = this.build(spec, specKey, need, now);
    this.leave(st);
    if (st.scan && (!made || need.all || need.uid !== null)) this.scanFor(st, need, now);
    if (st.pending && !this.covers(st, need)) this.complete(st);
    return st.rows;
  }

  /** Makes `next` the state shown; a complete sort of the whole list it replaces is kept for a return to that sort. */
  private leave(next: State | null): void {
    const old = this.state;
    this.state = next;
    if (!old || old === next || old.pending || old.scan) return;
    const { spec } = old;
    if (spec.filter !== '' || spec.sortIndex < 0 || old.rows.length <= SORT_AT_ONCE) return;
    this.orders.put(old.specKey, { rows: old.rows, seq: old.seq, generation: this.store.generation });
  }

  /**
   * Scans until the rows `need` must have are found (all of them when it cannot tell), then for a few
   * milliseconds towards the rows it would like.
   */
  private scanFor(st: State, need: Need, now: number): void {
    if (need.all) return this.complete(st);
    let want = need.top;
    if (need.uid !== null) {
      const at = st.rows.findIndex((e) => e.obj.metadata.uid === need.uid);
      // The selected row not found yet: it may be further on, and the pane must not lose it.
      if (at < 0) return this.complete(st);
      if (need.ahead) this.scanTo(st, at + need.ahead + 1, Infinity, now);
      want = Math.max(want, at + need.span + 1);
    }
    this.scanSome(st, want, now);
  }

  /** Scans towards `want` rows for a frame's few milliseconds; a frame that stays short is followed by another as slices find more. */
  private scanSome(st: State, want: number, now: number): void {
    const sc = st.scan;
    if (!sc) return;
    sc.want = want;
    if (st.rows.length < want) this.scanTo(st, want, performance.now() + this.frameScanMs, now);
  }

  /** Scans `st`'s filter on until `want` rows are found, the time is `deadline`, or the end; true when the end is reached. */
  private scanTo(st: State, want: number, deadline: number, now: number): boolean {
    const sc = st.scan;
    if (!sc) return true;
    const { spec, rows, epoch } = st;
    const unsorted = spec.sortIndex < 0;
    const timed = deadline !== Infinity;
    let n = 0;
    while (sc.parts.length > 0 && rows.length < want) {
      const part = sc.parts[0]!;
      const src = part.src;
      const live = part.live;
      if (live && live.seq !== this.store.seq) {
        // The store changed: rows were added or removed before `from` (changes to rows already
        // scanned are applied by the frame that asks for the rows).
        live.seq = this.store.seq;
        if (live.last !== null) {
          const at = ObjectStore.indexIn(src, live.last);
          part.from = src[at]?.key === live.last ? at + 1 : at;
        }
      }
      let i = part.from;
      let late = false;
      for (; i < src.length && rows.length < want; i++) {
        if (timed && (++n & SCAN_CHECK_MASK) === 0 && performance.now() >= deadline) {
          late = true;
          break;
        }
        const e = src[i]!;
        if (!this.matches(e, spec, now)) continue;
        rows.push(e);
        const d = this.data.data(e);
        d.epoch = epoch;
        // In a sorted list a row keeps the key it was placed with (narrowing a complete result).
        if (unsorted) d.placed = null;
      }
      part.from = i;
      if (live && i > 0) live.last = src[i - 1]!.key;
      if (late) return false;
      if (i >= src.length) sc.parts.shift();
    }
    if (sc.parts.length > 0) return false;
    st.scan = null;
    return true;
  }

  private covers(st: State, need: Need): boolean {
    const p = st.pending;
    if (!p) return true;
    if (need.all) return false;
    const inside = (from: number, to: number): boolean => p.exact.some(([a, b]) => a <= from && to <= b);
    if (!inside(0, Math.min(need.top, st.rows.length))) return false;
    if (need.uid === null) return true;
    // Not in the rows: nothing to place. In them but not placed: not exact.
    const e = this.store.get(need.uid);
    if (!e || this.data.data(e).epoch !== st.epoch) return true;
    const at = p.posOf.get(e);
    return at !== undefined && inside(Math.max(0, at - need.span), Math.min(st.rows.length, at + need.span + 1));
  }

  /**
   * The position of `uid`'s row in the rows last returned, found without a scan of all rows: a row a
   * new sort placed, else a binary search of a complete order by the row's key; -1 when it cannot
   * be told that way (the caller searches), -2 when the row is known not to be among the rows.
   */
  knownPosition(uid: string): number {
    const store = this.store;
    const e = store.get(uid);
    const st = this.state;
    if (!st) {
      // The store's own order.
      if (!e) return -2;
      const i = ObjectStore.indexIn(store.sorted, e.key);
      return store.sorted[i] === e ? i : -1;
    }
    const p = st.pending;
    if (p) return e ? (p.posOf.get(e) ?? -1) : -1;
    if (st.scan || st.seq !== store.seq) return -1;
    if (!e) return -2;
    const d = this.data.data(e);
    // Marked rows carry the state's epoch: an unmarked row is not among them.
    if ((st.mark ?? null) === null && d.epoch !== st.epoch) return -2;
    const now = Date.now();
    const key = this.keyOf(e, st.spec, now);
    const rows = st.rows;
    const desc = st.spec.desc;
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = rows[mid]!;
      // (The store has not changed since the rows were placed: their keys now are those they were placed with.)
      const c = key === null ? (desc ? byKey(other, e) : byKey(e, other)) : compareKeys(key, this.keyOf(other, st.spec, now)!, desc) || byKey(e, other);
      if (c > 0) lo = mid + 1;
      else hi = mid;
    }
    return rows[lo] === e ? lo : -1;
  }

  /**
   * A filter that extends the previous one (same columns and order): narrow the previous rows (in
   * slices on a big list: they are in the result's order already, and those of a scan not finished
   * are followed by the rest of its source).
   */
  private narrowed(prev: State, spec: ListSpec, specKey: string, need: Need, now: number): State | null {
    const p = prev.spec;
    if (prev.pending || prev.seq !== this.store.seq || p.columnsKey !== spec.columnsKey || p.sortIndex !== spec.sortIndex || p.desc !== spec.desc) return null;
    if (!spec.filter.startsWith(p.filter) || spec.filter === p.filter) return null;
    // Only a plain filter narrows as it grows (`!ab` → `!abc` shows more rows; `-l a=b` → `-l a=bc` others).
    if (spec.match && p.filter !== '') return null;
    // The narrowed rows keep the keys they were placed with.
    this.markTo(prev, Infinity);
    const epoch = ++this.epochs;
    const scan = prev.scan;
    if (scan || prev.rows.length > SCAN_AT_ONCE) {
      // What the previous filter found, then what it had still to scan.
      const parts = [{ src: prev.rows, from: 0 }, ...(scan ? scan.parts : [])];
      const st: State = { spec, specKey, seq: prev.seq, epoch, rows: [], pending: null, scan: { parts, want: 0 } };
      this.startScan(st, need, now);
      return st;
    }
    const rows: StoreEntry[] = [];
    for (const e of prev.rows) {
      if (!this.matches(e, spec, now)) continue;
      rows.push(e);
      // The key it was placed with stays.
      this.data.data(e).epoch = epoch;
    }
    return { spec, specKey, seq: prev.seq, epoch, rows, pending: null, scan: null };
  }

  /**
   * Whether the new sort `spec` must wait for its rows' keys: on a big list lacking more than
   * KEYS_AT_ONCE of them (and no kept order of it to take), they are made in slices (`onReady` when
   * done, then `build` finds them made). Fewer are made here and now. Not for a filter (it scans) nor
   * when the whole order is needed at once.
   */
  private gathering(spec: ListSpec, specKey: string, need: Need, now: number): boolean {
    const store = this.store;
    if (need.all || spec.filter !== '' || spec.sortIndex < 0 || store.sorted.length <= SORT_AT_ONCE) {
      this.gather = null;
      return false;
    }
    const g = this.gather;
    if (g && g.specKey === specKey && g.generation === store.generation) {
      if (!g.done) return true;
      this.gather = null;
      return false;
    }
    this.gather = null;
    if (this.keptOrder(specKey)) return false;
    const fresh: Gather = { specKey, generation: store.generation, cols: spec.cols, columnsKey: spec.columnsKey, sortIndex: spec.sortIndex, at: 0, done: false };
    // Few keys missing: made now. More: none made on the keystroke (they would only delay its frame),
    // all in slices.
    const missing = this.missingKeys(fresh, this.keysAtOnce);
    if (missing) {
      const rows = this.store.sorted;
      for (const i of missing) this.data.key(rows[i]!, fresh.cols, fresh.columnsKey, fresh.sortIndex, now);
      return false;
    }
    this.gather = fresh;
    const step = (): void => {
      if (this.disposed || this.gather !== fresh) return;
      const wait = this.quietFor();
      if (wait > 0) {
        setTimeout(step, wait);
        return;
      }
      if (!this.gatherTo(fresh, Infinity, performance.now() + SLICE_MS, Date.now())) {
        nextSlice(step);
        return;
      }
      fresh.done = true;
      this.onReady();
    };
    afterInput(step);
    return true;
  }

  /** The kept complete order of `specKey` and the store's changes since it, when it can be patched up to date. */
  private keptOrder(specKey: string): { order: Order; changes: readonly StoreChange[] } | null {
    this.orders.prune(patchable);
    const order = this.orders.get(specKey);
    const changes = order ? this.store.changesSince(order.seq) : null;
    return order && changes && changes.length <= patchable(order) ? { order, changes } : null;
  }

  /**
   * Where the rows lacking `g`'s sort key are, when there are at most `most` of them; null when more
   * (found without making any: right after a list loaded, the first `most` rows tell).
   */
  private missingKeys(g: Gather, most: number): number[] | null {
    const rows = this.store.sorted;
    const { columnsKey, sortIndex } = g;
    const out: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const e = rows[i]!;
      const d = this.data.data(e);
      if (madeKey(d, e, columnsKey, sortIndex) !== undefined) continue;
      if (out.length >= most) return null;
      out.push(i);
    }
    return out;
  }

  /** Makes the sort keys `g` lacks, until `most` were made or `until` (performance.now()); true when all are. */
  private gatherTo(g: Gather, most: number, until: number, now: number): boolean {
    const rows = this.store.sorted;
    const { cols, columnsKey, sortIndex } = g;
    let made = 0;
    let i = g.at;
    for (; i < rows.length; i++) {
      if ((i & 31) === 31 && (made >= most || performance.now() >= until)) break;
      const e = rows[i]!;
      const d = this.data.data(e);
      if (madeKey(d, e, columnsKey, sortIndex) !== undefined) continue;
      this.data.key(e, cols, columnsKey, sortIndex, now);
      made++;
    }
    g.at = i;
    return i >= rows.length;
  }

  /** Finds the rows the screen wants now (for a few milliseconds at most), the rest in slices. */
  private startScan(st: State, need: Need, now: number): void {
    if (need.all) return this.complete(st);
    this.scanSome(st, need.top, now);
    if (st.scan) this.scheduleSlices();
  }

  private build(spec: ListSpec, specKey: string, need: Need, now: number): State {
    const store = this.store;
    const epoch = ++this.epochs;
    if (spec.filter === '' && spec.sortIndex >= 0) {
      const kept = this.keptOrder(specKey);
      if (kept) return this.fromOrder(spec, specKey, epoch, kept.order, kept.changes, now);
    }
    let base: StoreEntry[];
    if (spec.filter === '') base = store.sorted.slice();
    else if (spec.sortIndex < 0 && store.sorted.length > SCAN_AT_ONCE) {
      // The store's order (or its reverse): its first matches are the result's first rows.
      const part: ScanPart = spec.desc ? { src: store.sorted.slice().reverse(), from: 0 } : { src: store.sorted, from: 0, live: { seq: store.seq, last: null } };
      const st: State = { spec, specKey, seq: store.seq, epoch, rows: [], pending: null, scan: { parts: [part], want: 0 } };
      this.startScan(st, need, now);
      return st;
    } else {
      base = [];
      for (const e of store.sorted) if (this.matches(e, spec, now)) base.push(e);
    }
    const st: State = { spec, specKey, seq: store.seq, epoch, rows: base, pending: null, scan: null };
    if (spec.sortIndex < 0) {
      if (spec.desc) base.reverse();
      for (const e of base) {
        const d = this.data.data(e);
        d.epoch = epoch;
        d.placed = null;
      }
      return st;
    }
    const n = base.length;
    const keys = this.gathered(n, spec.desc);
    const { cols, columnsKey, sortIndex } = spec;
    const selected = need.uid !== null ? store.get(need.uid) : undefined;
    let around = -1;
    for (let i = 0; i < n; i++) {
      const e = base[i]!;
      const d = this.data.data(e);
      // The warmed key, read here without the cache's call (one pass over 100k rows).
      const k = madeKey(d, e, columnsKey, sortIndex) ?? this.data.key(e, cols, columnsKey, sortIndex, now);
      d.epoch = epoch;
      d.placed = k;
      keys.set(i, k);
      if (e === selected) around = i;
    }
    // (The keys' buffers are this index's: only the state being shown sorts with them.)
    if (n <= SORT_AT_ONCE || need.all) {
      const sorter = new SlicedSort(n, keys.compare);
      sorter.step(Infinity);
      st.rows = pick(base, sorter.result);
      return st;
    }
    // Twice what the screen needs now, so moving the selection a screen or two does not need the rest yet.
    const placed = placeVisible(n, keys.compare, need.top * 2, around, need.span * 2);
    // The placed rows are swapped into `base` itself (a copy of the store's order already).
    const moved = arrange(base, placed.at);
    const posOf = new Map<StoreEntry, number>();
    for (const pos of placed.at.keys()) posOf.set(base[pos]!, pos);
    st.rows = base;
    st.pending = { rows: base, moved, sorter: new SlicedSort(n, keys.compare), exact: placed.exact, posOf };
    this.scheduleSlices();
    return st;
  }

  /**
   * A kept complete order as the state of `spec`: its rows that did not change since, with their keys
   * (unchanged: the rows are in their order), then the changed ones placed by their current keys.
   */
  private fromOrder(spec: ListSpec, specKey: string, epoch: number, o: Order, changes: readonly StoreChange[], now: number): State {
    if (changes.length === 0) {
      // Exact as it is: the rows are marked as placed in slices after this frame.
      // (The kept array itself, not a copy: copying 100k rows took milliseconds. Copied when first changed.)
      const st: State = { spec, specKey, seq: o.seq, epoch, rows: o.rows as StoreEntry[], pending: null, scan: null, mark: 0, shared: true };
      this.scheduleSlices();
      return st;
    }
    const st: State = { spec, specKey, seq: o.seq, epoch, rows: o.rows as StoreEntry[], pending: null, scan: null, mark: 0 };
    this.finishMarking(st, changes, now);
    this.patch(st, changes, now);
    st.seq = this.store.seq;
    return st;
  }

  /** Marks rows of `st` as placed (the store has not changed since `st.seq`) until `deadline`. */
  private markTo(st: State, deadline: number): void {
    const at = st.mark ?? null;
    if (at === null) return;
    const { cols, columnsKey, sortIndex } = st.spec;
    const { rows, epoch } = st;
    const timed = deadline !== Infinity;
    const now = Date.now();
    let i = at;
    for (; i < rows.length; i++) {
      if (timed && (i & 1023) === 1023 && performance.now() >= deadline) break;
      const e = rows[i]!;
      const d = this.data.data(e);
      d.epoch = epoch;
      d.placed = madeKey(d, e, columnsKey, sortIndex) ?? this.data.key(e, cols, columnsKey, sortIndex, now);
    }
    st.mark = i < rows.length ? i : null;
  }

  /**
   * Finishes marking when the store changed since `st.seq`: the changed rows leave (their key as of
   * `st.seq` is not known), the others are marked with their keys (unchanged); applying the changes
   * then puts the changed ones back where their current keys say.
   */
  private finishMarking(st: State, changes: readonly StoreChange[], now: number): void {
    const changed = new Set<StoreEntry>();
    for (const c of changes) changed.add(c.entry);
    const { cols, columnsKey, sortIndex } = st.spec;
    const { epoch } = st;
    const src = st.rows;
    const rows = new Array<StoreEntry>(src.length);
    let n = 0;
    for (let i = 0; i < src.length; i++) {
      const e = src[i]!;
      const d = this.data.data(e);
      if (changed.has(e)) {
        if (d.epoch === epoch) d.epoch = 0;
        continue;
      }
      d.epoch = epoch;
      d.placed = madeKey(d, e, columnsKey, sortIndex) ?? this.data.key(e, cols, columnsKey, sortIndex, now);
      rows[n++] = e;
    }
    rows.length = n;
    st.rows = rows;
    st.shared = false;
    st.mark = null;
  }

  private gathered(n: number, desc: boolean): GatheredKeys {
    const b = this.keysBuf;
    if (b && b.capacity >= n && b.capacity <= 2 * n + 1024) return b.reuse(n, desc);
    return (this.keysBuf = new GatheredKeys(n, desc));
  }

  /** Completes a state's filter and order now (rows are needed beyond what is exact). */
  private complete(st: State): void {
    if (st.scan) this.scanTo(st, Infinity, Infinity, Date.now());
    const p = st.pending;
    if (!p) return;
    p.sorter.step(Infinity);
    this.settle(st);
  }

  private settle(st: State): void {
    const p = st.pending!;
    const order = p.sorter.result;
    const out = new Array<StoreEntry>(order.length);
    for (let i = 0; i < order.length; i++) {
      const r = order[i]!;
      out[i] = p.rows[p.moved.get(r) ?? r]!;
    }
    st.rows = out;
    st.pending = null;
  }

  private scheduleSlices(): void {
    if (this.slicing) return;
    this.slicing = true;
    const step = (): void => {
      const wait = this.quietUntil - performance.now();
      if (wait > 0 && !this.disposed) {
        setTimeout(step, wait);
        return;
      }
      const st = this.state;
      if (this.disposed || !st || (!st.pending && !st.scan && (st.mark ?? null) === null)) {
        this.slicing = false;
        return;
      }
      if (!st.pending && !st.scan) {
        // Marking rows taken from a kept order; after a change to the store, finished with the changes applied.
        if (this.store.seq !== st.seq) {
          this.slicing = false;
          const changes = this.store.changesSince(st.seq);
          if (changes && changes.length <= Math.max(PATCH_LIMIT, st.rows.length / 20)) {
            const now = Date.now();
            this.finishMarking(st, changes, now);
            this.patch(st, changes, now);
            st.seq = this.store.seq;
          } else this.state = null;
          this.onReady();
          return;
        }
        this.markTo(st, performance.now() + SLICE_MS);
        if ((st.mark ?? null) !== null) nextSlice(step);
        else this.slicing = false;
        return;
      }
      const sc = st.scan;
      if (sc) {
        const found = st.rows.length;
        if (!this.scanTo(st, Infinity, performance.now() + SLICE_MS, Date.now())) {
          // The last frame was short of rows and this slice found more: show them.
          if (found < sc.want && st.rows.length > found) this.onReady();
          nextSlice(step);
          return;
        }
        this.slicing = false;
        this.onReady();
        return;
      }
      if (!st.pending!.sorter.step(SLICE_MS)) {
        nextSlice(step);
        return;
      }
      this.slicing = false;
      this.settle(st);
      this.onReady();
    };
    afterInput(step);
  }

  /** Where `e`, placed with `key`, belongs among the rows (binary search on the keys rows were placed with). */
  private position(st: State, e: StoreEntry, key: SortKey | null): number {
    const rows = st.rows;
    const desc = st.spec.desc;
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = rows[mid]!;
      let c: number;
      if (key === null) c = desc ? byKey(other, e) : byKey(e, other);
      else c = compareKeys(key, this.data.data(other).placed!, desc) || byKey(e, other);
      if (c > 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether none of `changes` adds, removes or moves a row of `st`. */
  private inPlace(st: State, changes: readonly StoreChange[], now: number): boolean {
    for (const { entry: e } of changes) {
      const d = this.data.data(e);
      const inRows = d.epoch === st.epoch;
      const live = this.store.get(e.obj.metadata.uid) === e && this.matches(e, st.spec, now);
      if (!inRows && !live) continue;
      if (!inRows || !live || !sameKey(d.placed, this.keyOf(e, st.spec, now))) return false;
    }
    return true;
  }

  /**
   * Applies store changes to a complete state. A row whose key is unchanged stays where it is; the
   * others leave and enter by binary search: a few as splices, many in one pass over the rows.
   */
  private patch(st: State, changes: readonly StoreChange[], now: number): void {
    const spec = st.spec;
    const seen = new Set<StoreEntry>();
    const leave: Array<{ e: StoreEntry; key: SortKey | null }> = [];
    const enter: Array<{ e: StoreEntry; key: SortKey | null }> = [];
    for (let c = changes.length - 1; c >= 0; c--) {
      const e = changes[c]!.entry;
      if (seen.has(e)) continue;
      seen.add(e);
      const d = this.data.data(e);
      const inRows = d.epoch === st.epoch;
      const live = this.store.get(e.obj.metadata.uid) === e && this.matches(e, spec, now);
      const key = live ? this.keyOf(e, spec, now) : null;
      if (inRows && live && sameKey(d.placed, key)) continue;
      if (inRows) leave.push({ e, key: d.placed });
      if (live) enter.push({ e, key });
    }
    if (leave.length === 0 && enter.length === 0) return;
    const order = (a: { e: StoreEntry; key: SortKey | null }, b: { e: StoreEntry; key: SortKey | null }): number =>
      a.key === null || b.key === null ? (spec.desc ? byKey(b.e, a.e) : byKey(a.e, b.e)) : compareKeys(a.key, b.key, spec.desc) || byKey(a.e, b.e);
    const at = (e: StoreEntry, key: SortKey | null): number => {
      const i = this.position(st, e, key);
      return st.rows[i] === e ? i : st.rows.indexOf(e);
    };
    if (leave.length + enter.length <= SPLICE_LIMIT) {
      if (st.shared) {
        st.rows = st.rows.slice();
        st.shared = false;
      }
      for (const { e, key } of leave) {
        const i = at(e, key);
        if (i >= 0) st.rows.splice(i, 1);
        this.data.data(e).epoch = 0;
      }
      for (const { e, key } of enter) {
        st.rows.splice(this.position(st, e, key), 0, e);
        const d = this.data.data(e);
        d.epoch = st.epoch;
        d.placed = key;
      }
      return;
    }
    // Many: mark the leaving positions, find where each entering row goes among the old rows, one pass.
    const rows = st.rows;
    const gone: number[] = [];
    for (const { e, key } of leave) {
      const i = at(e, key);
      if (i >= 0) gone.push(i);
    }
    gone.sort((a, b) => a - b);
    enter.sort(order);
    const into = enter.map(({ e, key }) => this.position(st, e, key));
    for (const { e } of leave) this.data.data(e).epoch = 0;
    // Copy the runs between the leaving positions and the entering ones (positions among the old rows, ascending).
    const out: StoreEntry[] = [];
    let from = 0;
    let g = 0;
    let j = 0;
    while (from <= rows.length) {
      const nextGone = g < gone.length ? gone[g]! : rows.length;
      const nextIn = j < enter.length ? into[j]! : rows.length + 1;
      const to = Math.min(nextGone, nextIn, rows.length);
      for (let i = from; i < to; i++) out.push(rows[i]!);
      from = to;
      if (nextIn === from) {
        out.push(enter[j++]!.e);
        continue;
      }
      if (from === rows.length) break;
      // `from` leaves.
      g++;
      from++;
    }
    while (j < enter.length) out.push(enter[j++]!.e);
    for (const { e, key } of enter) {
      const d = this.data.data(e);
      d.epoch = st.epoch;
      d.placed = key;
    }
    st.rows = out;
  }

  /**
   * Computes cells, search text and the visible columns' sort keys of every row in the background,
   * a slice per turn of the event loop, then of the rows that change, so the first filter keystroke
   * or sort on a big list finds them ready (the pane calls this with each frame).
   */
  warm(cols: ColumnDef[], given: string): void {
    const store = this.store;
    if (given !== this.columnsKey) this.columnsKey = given;
    const columnsKey = this.columnsKey;
    const w = this.warming;
    this.orders.prune(patchable);
    if (w && w.columnsKey === columnsKey && w.generation === store.generation) {
      if (w.busy) return;
      if (w.seq === store.seq) {
        // Quiet: the complete order by each column, one at a time in the background.
        this.prepareOrders(cols, columnsKey);
        return;
      }
      // Caught up with the first pass: follow the changes since.
      const changes = store.changesSince(w.seq);
      w.seq = store.seq;
      if (changes) {
        const seen = new Set<StoreEntry>();
        for (const { entry } of changes) if (!seen.has(entry)) seen.add(entry);
        w.queue = [...seen];
        w.at = 0;
        w.keys = true;
        w.busy = true;
        afterInput(() => this.warmStep(cols, w));
        return;
      }
    }
    // A full pass: per column set and per relist.
    const fresh: Warming = { columnsKey, generation: store.generation, seq: store.seq, queue: null, at: 0, busy: true, keys: false };
    this.warming = fresh;
    afterInput(() => this.warmStep(cols, fresh));
  }

  private prepareOrders(cols: ColumnDef[], columnsKey: string): void {
    if (this.store.size <= SORT_AT_ONCE) return;
    const now = Date.now();
    const w = this.warming;
    this.orders.prepare(
      columnsKey,
      cols.length,
      (index) => specKeyOf({ cols, columnsKey, filter: '', sortIndex: index, desc: false }),
      (e, index) => this.data.key(e, cols, columnsKey, index, now),
      // Only while nothing else is being done and the store has not changed since the last frame's warming.
      () => !this.disposed && !this.completing && this.warming === w && w !== null && !w.busy && w.seq === this.store.seq && this.columnsKey === columnsKey,
    );
  }

  private warmStep(cols: ColumnDef[], w: Warming): void {
    if (this.disposed || this.warming !== w) return;
    const wait = this.quietFor();
    if (wait > 0) {
      setTimeout(() => this.warmStep(cols, w), wait);
      return;
    }
    const rows = w.queue ?? this.store.sorted;
    const now = Date.now();
    const end = Math.min(rows.length, w.at + WARM_SLICE);
    // A slice stops after a few milliseconds too (1,000 rows' cells, search text and keys took tens of
    // milliseconds on a loaded machine, and a key arriving meanwhile waited for them).
    const stop = performance.now() + SLICE_MS;
    let i = w.at;
    for (; i < end; i++) {
      if ((i & 31) === 31 && performance.now() >= stop) break;
      const e = rows[i]!;
      if (w.queue && this.store.get(e.obj.metadata.uid) !== e) continue;
      this.data.search(e, cols, w.columnsKey, now);
      if (w.keys) for (let c = 0; c < cols.length; c++) this.data.key(e, cols, w.columnsKey, c, now);
    }
    w.at = i;
    if (i < rows.length) nextSlice(() => this.warmStep(cols, w));
    else if (!w.keys && rows.length <= SORT_AT_ONCE) {
      // The search texts first (a filter key needs every row's), then the sort keys (a bigger list
      // makes them column by column as it prepares each column's order: the first is ready sooner).
      w.keys = true;
      w.at = 0;
      nextSlice(() => this.warmStep(cols, w));
    } else w.busy = false;
  }
}

/** How many changes a kept order may be behind to be patched rather than rebuilt. */
const patchable = (o: Order): number => Math.max(PATCH_LIMIT, o.rows.length / 20);

const specKeyOf = (spec: ListSpec): string => `${spec.columnsKey}|${spec.filter}|${spec.sortIndex}|${spec.desc}`;

/** `rows` in the order of `order` (row numbers). */
function pick(rows: readonly StoreEntry[], order: Uint32Array): StoreEntry[] {
  const out = new Array<StoreEntry>(order.length);
  for (let i = 0; i < order.length; i++) out[i] = rows[order[i]!]!;
  return out;
}
