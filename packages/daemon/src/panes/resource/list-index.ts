import type { ColumnDef } from '../../kube/kinds/types.js';
import { isBlankCell } from '../../kube/kinds/compare.js';
import { parseAge } from '../../kube/kinds/age.js';
import type { ObjectStore, StoreChange, StoreEntry } from '../../kube/object-store.js';

/**
 * The rows of a resource list after filter and sort, kept up to date incrementally so a 100k-row
 * list under thousands of changes a second costs what changed, not a rescan:
 * - cells, search text and sort keys are cached per object version (and warmed in the background
 *   after a list arrives, so the first filter keystroke does not compute 100k rows of cells);
 * - a filter that extends the previous one narrows the previous result;
 * - a change moves one row (binary search on the key it was placed with), it does not re-sort;
 * - a new sort first places only the rows the screen needs (partial selection) and completes the
 *   full order right after, off the keystroke's path.
 */

/** What sorts a cell: blanks last in both orders, then values that parse (numbers, ages, ratios), then other text. */
interface SortKey {
  /** 0: a value of the column's kind, 1: other text, 2: blank. */
  rank: number;
  n: number;
  /** Natural-order text (lower case, digit runs padded), then the raw text. */
  s: string;
}

interface Cached {
  rev: number;
  columnsKey: string;
  cells: string[];
  search: string;
  keys: Array<SortKey | undefined>;
}

export interface ListSpec {
  cols: ColumnDef[];
  columnsKey: string;
  /** Lower-cased substring filter ('' for none). */
  filter: string;
  /** Index into `cols`, or -1 for the store's namespace/name order. */
  sortIndex: number;
  desc: boolean;
}

/** Columns whose text changes with the time alone (ages, `5 (3m ago)`): never part of the search text. */
export const ticks = (c: ColumnDef): boolean => c.sort === 'age' || c.clock === true;

const DIGITS = /\d+/g;
/** `pod-2` < `pod-10` with plain string comparison: digit runs padded to 16 places, case and accents folded. */
function naturalKey(text: string): string {
  const folded = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return folded.replace(DIGITS, (d) => (d.length >= 16 ? d : d.padStart(16, '0')));
}

function leadingNumber(text: string): number | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

function ratioValue(text: string): number | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)/.exec(text);
  return m ? Number(m[1]) * 1e7 + Math.min(Number(m[2]), 9_999_999) : undefined;
}

function sortKeyOf(col: ColumnDef, cell: string, e: StoreEntry): SortKey {
  if (isBlankCell(cell)) return { rank: 2, n: 0, s: `${naturalKey(cell)}\u0000${cell}` };
  const text = `${naturalKey(cell)}\u0000${cell}`;
  let n: number | undefined;
  if (col.sort === 'age') {
    // AGE is the creation time (exact, and ages all grow alike); other durations parse their text.
    const created = col.id === 'age' ? Date.parse(e.obj.metadata.creationTimestamp ?? '') : NaN;
    n = Number.isFinite(created) ? -created : parseAge(cell);
  } else if (col.sort === 'number') n = leadingNumber(cell);
  else if (col.sort === 'ratio') n = ratioValue(cell);
  else return { rank: 0, n: 0, s: text };
  return n === undefined ? { rank: 1, n: 0, s: text } : { rank: 0, n, s: text };
}

function compareKeys(a: SortKey, b: SortKey, desc: boolean): number {
  if (a.rank === 2 || b.rank === 2) return a.rank === b.rank ? (a.s < b.s ? -1 : a.s > b.s ? 1 : 0) : a.rank === 2 ? 1 : -1;
  let r = a.rank - b.rank || a.n - b.n;
  if (r === 0) r = a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  return desc ? -r : r;
}

const byKey = (a: StoreEntry, b: StoreEntry): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

interface State {
  spec: ListSpec;
  specKey: string;
  seq: number;
  rows: StoreEntry[];
  /** Rows placed, with the sort key each was placed with (null when ordered by store key). */
  placed: Map<StoreEntry, SortKey | null> | null;
  /** How many leading rows are in their final order (rows.length when complete). */
  exact: number;
}

/** Rows beyond this many changes since the last frame are recomputed, not patched. */
const PATCH_LIMIT = 2000;
/** Warm-up work per slice of the event loop, in entries. */
const WARM_SLICE = 1500;

export class ListIndex {
  private readonly cache = new WeakMap<StoreEntry, Cached>();
  private state: State | null = null;
  private completing = false;
  private warming: { columnsKey: string; at: number; generation: number } | null = null;
  private disposed = false;

  constructor(
    private readonly store: ObjectStore,
    /** Called when work done off a keystroke's path (completing a sort) changed the rows. */
    private readonly onReady: () => void,
  ) {}

  dispose(): void {
    this.disposed = true;
    this.state = null;
  }

  /** The cached cells of an entry at its current version (computed now if needed). */
  cached(e: StoreEntry, cols: ColumnDef[], columnsKey: string, now: number): Cached {
    const c = this.cache.get(e);
    if (c && c.rev === e.rev && c.columnsKey === columnsKey) return c;
    const cells = cols.map((col) => safeCell(col, e, now));
    let search = '';
    for (let i = 0; i < cols.length; i++) if (!ticks(cols[i]!)) search += `${cells[i]!.toLowerCase()}\u0000`;
    const fresh: Cached = { rev: e.rev, columnsKey, cells, search, keys: [] };
    this.cache.set(e, fresh);
    return fresh;
  }

  private sortKey(e: StoreEntry, spec: ListSpec, now: number): SortKey {
    const c = this.cached(e, spec.cols, spec.columnsKey, now);
    let k = c.keys[spec.sortIndex];
    if (!k) {
      k = sortKeyOf(spec.cols[spec.sortIndex]!, c.cells[spec.sortIndex]!, e);
      c.keys[spec.sortIndex] = k;
    }
    return k;
  }

  private matches(e: StoreEntry, spec: ListSpec, now: number): boolean {
    return spec.filter === '' || this.cached(e, spec.cols, spec.columnsKey, now).search.includes(spec.filter);
  }

  /**
   * The rows for `spec` as of the store's latest change; at least the first `need` rows are in their
   * final order (the rest follows within a moment, announced through `onReady`).
   */
  rows(spec: ListSpec, need: number, now: number): readonly StoreEntry[] {
    const store = this.store;
    const sorted = spec.sortIndex >= 0 || spec.desc;
    if (!sorted && spec.filter === '') {
      // The store's own order: nothing to keep.
      this.state = null;
      return store.sorted;
    }
    const specKey = `${spec.columnsKey}|${spec.filter}|${spec.sortIndex}|${spec.desc}`;
    let st = this.state;
    if (st && st.specKey === specKey && st.seq !== store.seq) {
      const changes = store.changesSince(st.seq);
      if (changes && changes.length <= Math.max(PATCH_LIMIT, st.rows.length / 20)) {
        this.finish(st, now);
        this.patch(st, changes, now);
        st.seq = store.seq;
      } else st = null;
    } else if (st && st.specKey !== specKey) {
      st = this.narrowed(st, spec, specKey, now);
    }
    if (!st || st.specKey !== specKey) st = this.build(spec, specKey, need, now);
    this.state = st;
    if (st.exact < Math.min(need, st.rows.length)) this.finish(st, now);
    return st.rows;
  }

  /** A filter that extends the previous one (same columns and order): narrow the previous rows. */
  private narrowed(prev: State, spec: ListSpec, specKey: string, now: number): State | null {
    const p = prev.spec;
    if (prev.seq !== this.store.seq || p.columnsKey !== spec.columnsKey || p.sortIndex !== spec.sortIndex || p.desc !== spec.desc) return null;
    if (!spec.filter.startsWith(p.filter) || spec.filter === p.filter) return null;
    this.finish(prev, now);
    const rows = prev.rows.filter((e) => this.matches(e, spec, now));
    const placed = new Map<StoreEntry, SortKey | null>();
    for (const e of rows) placed.set(e, prev.placed?.get(e) ?? null);
    return { spec, specKey, seq: prev.seq, rows, placed, exact: rows.length };
  }

  private build(spec: ListSpec, specKey: string, need: number, now: number): State {
    const base = this.store.sorted;
    const rows = spec.filter === '' ? [...base] : base.filter((e) => this.matches(e, spec, now));
    const st: State = { spec, specKey, seq: this.store.seq, rows, placed: new Map(), exact: 0 };
    if (spec.sortIndex < 0 && !spec.desc) {
      for (const e of rows) st.placed!.set(e, null);
      st.exact = rows.length;
      return st;
    }
    if (rows.length <= 20_000 || need >= rows.length / 4) {
      this.sortAll(st, now);
      return st;
    }
    // A big list: put the first `need` rows in place now (one pass keeping the best `need`), and
    // the full order right after this frame.
    const k = Math.max(1, need);
    const best: StoreEntry[] = [];
    const cmp = this.comparator(spec, now);
    for (const e of rows) {
      if (best.length === k && cmp(e, best[k - 1]!) >= 0) continue;
      let i = best.length < k ? best.length : k - 1;
      if (best.length < k) best.push(e);
      while (i > 0 && cmp(best[i - 1]!, e) > 0) {
        best[i] = best[i - 1]!;
        i--;
      }
      best[i] = e;
    }
    const chosen = new Set(best);
    st.rows = [...best, ...rows.filter((e) => !chosen.has(e))];
    st.exact = best.length;
    this.scheduleFinish();
    return st;
  }

  private comparator(spec: ListSpec, now: number): (a: StoreEntry, b: StoreEntry) => number {
    if (spec.sortIndex < 0) return spec.desc ? (a, b) => byKey(b, a) : byKey;
    return (a, b) => compareKeys(this.sortKey(a, spec, now), this.sortKey(b, spec, now), spec.desc) || byKey(a, b);
  }

  private sortAll(st: State, now: number): void {
    const cmp = this.comparator(st.spec, now);
    st.rows.sort(cmp);
    st.placed = new Map();
    for (const e of st.rows) st.placed.set(e, st.spec.sortIndex >= 0 ? this.sortKey(e, st.spec, now) : null);
    st.exact = st.rows.length;
  }

  /** Completes a partially ordered state now (a key needs rows beyond the exact prefix). */
  private finish(st: State, now: number): void {
    if (st.exact >= st.rows.length) return;
    this.sortAll(st, now);
  }

  private scheduleFinish(): void {
    if (this.completing) return;
    this.completing = true;
    setImmediate(() => {
      this.completing = false;
      const st = this.state;
      if (this.disposed || !st || st.exact >= st.rows.length) return;
      this.finish(st, Date.now());
      this.onReady();
    });
  }

  /** Applies store changes to a complete state: each changed row is moved, not the list re-sorted. */
  private patch(st: State, changes: readonly StoreChange[], now: number): void {
    const placed = st.placed!;
    const spec = st.spec;
    const cmpAt = (key: SortKey | null, e: StoreEntry, other: StoreEntry): number => {
      const ok = placed.get(other) ?? null;
      if (key === null || ok === null) return spec.desc ? byKey(other, e) : byKey(e, other);
      return compareKeys(key, ok, spec.desc) || byKey(e, other);
    };
    const find = (e: StoreEntry, key: SortKey | null): number => {
      let lo = 0;
      let hi = st.rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cmpAt(key, e, st.rows[mid]!) > 0) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    for (const { entry, removed } of changes) {
      if (placed.has(entry)) {
        const oldKey = placed.get(entry) ?? null;
        let at = find(entry, oldKey);
        if (st.rows[at] !== entry) at = st.rows.indexOf(entry);
        if (at >= 0) st.rows.splice(at, 1);
        placed.delete(entry);
      }
      if (removed || this.store.get(entry.obj.metadata.uid) !== entry || !this.matches(entry, spec, now)) continue;
      const key = spec.sortIndex >= 0 ? this.sortKey(entry, spec, now) : null;
      st.rows.splice(find(entry, key), 0, entry);
      placed.set(entry, key);
    }
    st.exact = st.rows.length;
  }

  /**
   * Computes cells, search text and sort keys of every row in the background, a slice per turn of
   * the event loop, so the first filter keystroke or sort on a big list finds them ready.
   */
  warm(cols: ColumnDef[], columnsKey: string): void {
    const w = this.warming;
    // One pass per column set and per relist; rows that change later are computed when needed.
    if (w && w.columnsKey === columnsKey && w.generation === this.store.generation) return;
    this.warming = { columnsKey, at: 0, generation: this.store.generation };
    const step = (): void => {
      const cur = this.warming;
      if (this.disposed || !cur || cur.columnsKey !== columnsKey) return;
      const rows = this.store.sorted;
      const now = Date.now();
      const end = Math.min(rows.length, cur.at + WARM_SLICE);
      for (let i = cur.at; i < end; i++) this.cached(rows[i]!, cols, columnsKey, now);
      cur.at = end;
      if (end < rows.length) setImmediate(step);
    };
    setImmediate(step);
  }
}

export function safeCell(col: ColumnDef, e: StoreEntry, now: number): string {
  try {
    return col.cell(e.obj, now);
  } catch {
    return '?';
  }
}

