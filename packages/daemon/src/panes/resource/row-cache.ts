import type { Style } from '@kubetile/rpc-schema';
import type { ColumnDef } from '../../kube/kinds/types.js';
import type { KubeObject } from '../../kube/types.js';
import type { StoreEntry } from '../../kube/object-store.js';
import { sortKeyOf, type SortKey } from './sort-keys.js';

/** Columns whose text changes with the time alone (ages, `5 (3m ago)`): never part of the search text. */
export const ticks = (c: ColumnDef): boolean => c.sort === 'age' || c.clock === true;

/**
 * The most of a cell a list keeps and shows: wider than any screen. A cell is the API server's text
 * (a server Table's cell, an Event's message) and may be megabytes: each was sent whole in every
 * frame and snapshot of the rows on screen, and kept again in the row's search text.
 */
export const MAX_CELL_CHARS = 1024;

/** `text` cut to MAX_CELL_CHARS (never between the halves of a surrogate pair), with `…` when cut. */
export function capCell(text: string): string {
  if (text.length <= MAX_CELL_CHARS) return text;
  const end = /[\uD800-\uDBFF]/.test(text[MAX_CELL_CHARS - 1]!) ? MAX_CELL_CHARS - 1 : MAX_CELL_CHARS;
  return `${text.slice(0, end)}…`;
}

export function safeCell(col: ColumnDef, e: StoreEntry, now: number): string {
  try {
    return capCell(col.cell(e.obj, now));
  } catch {
    return '?';
  }
}

/** A cell's style: the column's own, else the row's (either failing counts as none). */
export function styleOf(col: ColumnDef, e: StoreEntry, now: number, rowStyle: ((obj: KubeObject) => Style | undefined) | undefined): Style | undefined {
  let s: Style | undefined;
  try {
    s = col.style?.(e.obj, now);
  } catch {
    s = undefined;
  }
  if (s !== undefined || !rowStyle) return s;
  try {
    return rowStyle(e.obj);
  } catch {
    return undefined;
  }
}

/** What one list keeps about one row: cells, search text and sort keys of its current version, and where it is placed. */
export interface RowData {
  readonly owner: RowCache;
  rev: number;
  columnsKey: string;
  cells: string[] | null;
  /** The cells' styles (those of columns that tick are not kept). */
  styles: Array<Style | undefined> | null;
  search: string | null;
  /** Sort keys by column, the cell text each was made from and the version it was last checked at (kept across versions: a change elsewhere in the object reuses them). */
  keys: Array<SortKey | undefined>;
  keyCells: Array<string | undefined>;
  keyRevs: number[];
  /** The list state the row is placed in (0: none), and the key it was placed with (null: ordered by name). */
  epoch: number;
  placed: SortKey | null;
}

/** A row's sort key for column `index` when it is made for its current version and columns; else undefined. */
export const madeKey = (d: RowData, e: StoreEntry, columnsKey: string, index: number): SortKey | undefined =>
  d.columnsKey === columnsKey && d.keyRevs[index] === e.rev ? d.keys[index] : undefined;

/**
 * The key arrays of a row with no keys yet: shared, never written (`key` gives a row arrays of the
 * columns' length on its first key). Three empty arrays per row, then grown by a first write past
 * their end to 17 slots each, were ~0.5 kB per row of a 100k list for the young generation's
 * collections to copy while the list was warmed (pauses of tens of milliseconds under a key).
 */
const NO_KEYS: never[] = [];

const ROW: unique symbol = Symbol('kubetile.listRow');
type Tagged = StoreEntry & { [ROW]?: RowData };

/** Keys of texts many rows share (STATUS, READY…) are made once per column. */
const SHARED_KEYS = 4096;

/**
 * Per-row data of one list. The first list over a store keeps it on the entry itself (a property
 * read per row, so scanning 100k rows costs no hash lookups); another list over the same store
 * keeps its own in a WeakMap (correct, slower), and takes over the entries when the first is gone.
 */
export class RowCache {
  disposed = false;
  private readonly own = new WeakMap<StoreEntry, RowData>();
  private shared: Array<Map<string, SortKey> | null> = [];
  private sharedFor = '';

  private fresh(): RowData {
    return { owner: this, rev: -1, columnsKey: '', cells: null, styles: null, search: null, keys: NO_KEYS, keyCells: NO_KEYS, keyRevs: NO_KEYS, epoch: 0, placed: null };
  }

  /** The row's data (its placement survives new versions; the cached texts are checked by `current`). */
  data(e: StoreEntry): RowData {
    const t = e as Tagged;
    const d = t[ROW];
    if (d !== undefined && d.owner === this) return d;
    if (d === undefined || d.owner.disposed) {
      const mine = this.own.get(e) ?? this.fresh();
      t[ROW] = mine;
      return mine;
    }
    let m = this.own.get(e);
    if (!m) {
      m = this.fresh();
      this.own.set(e, m);
    }
    return m;
  }

  /** The row's data with its cached texts valid for the entry's version and these columns. */
  current(e: StoreEntry, columnsKey: string): RowData {
    const d = this.data(e);
    if (d.columnsKey !== columnsKey) {
      d.columnsKey = columnsKey;
      d.keys = NO_KEYS;
      d.keyCells = NO_KEYS;
      d.keyRevs = NO_KEYS;
      d.rev = -1;
    }
    if (d.rev !== e.rev) {
      d.rev = e.rev;
      d.cells = null;
      d.styles = null;
      d.search = null;
    }
    return d;
  }

  cells(e: StoreEntry, cols: ColumnDef[], columnsKey: string, now: number): string[] {
    const d = this.current(e, columnsKey);
    return (d.cells ??= cols.map((col) => safeCell(col, e, now)));
  }

  /**
   * The cells' styles at the entry's version: a column's own style, else the row's (a status style
   * re-derives the cell, which for a pod summarises its containers: not per frame).
   */
  styles(e: StoreEntry, cols: ColumnDef[], columnsKey: string, now: number, rowStyle: ((obj: KubeObject) => Style | undefined) | undefined): Array<Style | undefined> {
    const d = this.current(e, columnsKey);
    return (d.styles ??= cols.map((col) => (ticks(col) ? undefined : styleOf(col, e, now, rowStyle))));
  }

  search(e: StoreEntry, cols: ColumnDef[], columnsKey: string, now: number): string {
    const d = this.current(e, columnsKey);
    if (d.search !== null) return d.search;
    const cells = (d.cells ??= cols.map((col) => safeCell(col, e, now)));
    // One flat string per row (joined, then lower-cased once): a concatenation cell by cell made a
    // tree of pieces per row that the first filter key's scan flattened (100k new strings on that
    // key's path) and that the young generation's collections had to copy while the rows were warmed.
    const parts: string[] = [];
    for (let i = 0; i < cols.length; i++) if (!ticks(cols[i]!)) parts.push(cells[i]!);
    parts.push('');
    const s = parts.join('\u0000').toLowerCase();
    d.search = s;
    return s;
  }

  key(e: StoreEntry, cols: ColumnDef[], columnsKey: string, index: number, now: number): SortKey {
    const d = this.current(e, columnsKey);
    if (d.keys === NO_KEYS) {
      // Sized once for the columns (holes until made).
      const n = cols.length;
      d.keys = new Array<SortKey | undefined>(n);
      d.keyCells = new Array<string | undefined>(n);
      d.keyRevs = new Array<number>(n).fill(-1);
    }
    const have = d.keys[index];
    if (have && d.keyRevs[index] === e.rev) return have;
    const col = cols[index]!;
    let k: SortKey;
    const created = e.obj.metadata.creationTimestamp;
    if (have && col.id === 'age' && col.sort === 'age' && have.s === '' && d.keyCells[index] === created) {
      // The creation time's key (it does not tick).
      k = have;
    } else {
      const cell = d.cells ? d.cells[index]! : safeCell(col, e, now);
      if (col.id === 'age' && col.sort === 'age') {
        k = sortKeyOf(col, cell, e);
        d.keyCells[index] = k.s === '' ? created : undefined;
      } else {
        k = have && d.keyCells[index] === cell ? have : this.sharedKey(col, cell, e, columnsKey, index);
        d.keyCells[index] = cell;
      }
    }
    d.keys[index] = k;
    d.keyRevs[index] = e.rev;
    return k;
  }

  private sharedKey(col: ColumnDef, cell: string, e: StoreEntry, columnsKey: string, index: number): SortKey {
    if (this.sharedFor !== columnsKey) {
      this.shared = [];
      this.sharedFor = columnsKey;
    }
    let m = this.shared[index];
    if (m === undefined) m = this.shared[index] = new Map();
    if (m === null) return sortKeyOf(col, cell, e);
    const hit = m.get(cell);
    if (hit) return hit;
    const k = sortKeyOf(col, cell, e);
    if (m.size < SHARED_KEYS) m.set(cell, k);
    // Mostly distinct texts (names): sharing saves nothing.
    else this.shared[index] = null;
    return k;
  }
}
