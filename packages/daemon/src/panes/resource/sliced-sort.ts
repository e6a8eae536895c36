/**
 * Sorting row numbers without holding the event loop: the rows a screen needs first (a partial
 * selection in one pass), then the whole order in slices of a few milliseconds.
 */

type Cmp = (a: number, b: number) => number;

/** The `cap` best of what is offered (`cmp(a, b) < 0`: a is better), kept in a heap whose root is the worst kept. */
class Best {
  private readonly heap: number[] = [];

  constructor(
    private readonly cap: number,
    private readonly cmp: Cmp,
  ) {}

  /** Keeps `x` if it is among the `cap` best offered so far. */
  offer(x: number): void {
    const h = this.heap;
    const cmp = this.cmp;
    if (this.cap <= 0) return;
    if (h.length < this.cap) {
      let i = h.length;
      h.push(x);
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (cmp(h[p]!, x) >= 0) break;
        h[i] = h[p]!;
        i = p;
      }
      h[i] = x;
      return;
    }
    if (cmp(x, h[0]!) >= 0) return;
    // Replace the worst and sift down.
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && cmp(h[r]!, h[l]!) > 0 ? r : l;
      if (cmp(h[c]!, x) <= 0) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = x;
  }

  /** What was kept, best first. */
  sorted(): number[] {
    return this.heap.slice().sort(this.cmp);
  }
}

const STRIDE = 16;

export interface Placement {
  /** The row number at each of the exact positions (the others hold any of the remaining rows). */
  at: Map<number, number>;
  /** Position ranges [from, to) already in their final order. */
  exact: Array<[number, number]>;
}

/**
 * Places rows 0..n-1 so that the first `top` positions, and `span` positions either side of row
 * `around` (when not -1), hold exactly what a full sort would put there; one pass over the rows.
 */
export function placeVisible(n: number, cmp: Cmp, top: number, around: number, span: number): Placement {
  const first = new Best(Math.min(top, n), cmp);
  // Around a row: the `span` greatest below it and the `span` least above it.
  const below = new Best(around >= 0 ? span : 0, (a, b) => cmp(b, a));
  const above = new Best(around >= 0 ? span : 0, cmp);
  let rankOf = 0;
  const visit = (i: number): void => {
    first.offer(i);
    if (around < 0 || i === around) return;
    if (cmp(i, around) < 0) {
      rankOf++;
      below.offer(i);
    } else above.offer(i);
  };
  // A spread-out sample first, so the heaps hold good rows early and most rows are turned away with
  // one comparison even when the store's order is the reverse of the sort (names numbered by age).
  for (let i = 0; i < n; i += STRIDE) visit(i);
  for (let i = 0; i < n; i++) if (i % STRIDE !== 0) visit(i);
  const at = new Map<number, number>();
  const put = (pos: number, row: number): void => {
    if (!at.has(pos)) at.set(pos, row);
  };
  const exact: Array<[number, number]> = [];
  const head = first.sorted();
  head.forEach((row, pos) => put(pos, row));
  exact.push([0, head.length]);
  if (around >= 0) {
    const lo = below.sorted().reverse();
    const from = rankOf - lo.length;
    lo.forEach((row, k) => put(from + k, row));
    put(rankOf, around);
    const hi = above.sorted();
    hi.forEach((row, k) => put(rankOf + 1 + k, row));
    exact.push([from, rankOf + 1 + hi.length]);
  }
  return { at, exact };
}

/**
 * Puts the placed rows at their positions in `rows` itself, the others anywhere else: a swap per
 * placed row (no pass over all rows). Returns where each moved row number now is (the others are
 * where they were).
 */
export function arrange<T>(rows: T[], at: ReadonlyMap<number, number>): Map<number, number> {
  const where = new Map<number, number>();
  /** Which row number is at a position a swap changed (by default, its own). */
  const holds = new Map<number, number>();
  for (const [pos, row] of at) {
    const cur = where.get(row) ?? row;
    if (cur === pos) continue;
    const other = holds.get(pos) ?? pos;
    const t = rows[pos]!;
    rows[pos] = rows[cur]!;
    rows[cur] = t;
    where.set(row, pos);
    holds.set(pos, row);
    where.set(other, cur);
    holds.set(cur, other);
  }
  return where;
}

const RUN = 1024;

/** 0..n-1. */
function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** A stable bottom-up merge sort of row numbers, run a slice at a time. */
export class SlicedSort {
  private src: Uint32Array;
  private dst: Uint32Array;
  private runsSorted = 0;
  private width = RUN;
  private lo = 0;
  /** Inside one merge: the read positions and the write position. */
  private i = -1;
  private j = 0;
  private k = 0;
  /** The count of rows whose numbers are still to be made (-1: made). */
  private pendingIdentity: number;
  done = false;

  /** `rows`: the row numbers to sort, or how many (0..n-1, made on the first step: not on a keystroke's path). */
  constructor(
    rows: Uint32Array | number,
    private readonly cmp: Cmp,
  ) {
    this.src = typeof rows === 'number' ? new Uint32Array(0) : rows;
    this.pendingIdentity = typeof rows === 'number' ? rows : -1;
    // Made when the merging starts (a slice of the key path allocates nothing it does not use).
    this.dst = new Uint32Array(0);
  }

  /** The sorted row numbers (when done). */
  get result(): Uint32Array {
    return this.src;
  }

  /** Works until done or `budgetMs` have passed; returns whether done. */
  step(budgetMs: number): boolean {
    const start = performance.now();
    if (this.pendingIdentity >= 0) {
      this.src = identity(this.pendingIdentity);
      this.pendingIdentity = -1;
    }
    const n = this.src.length;
    const cmp = this.cmp;
    let ops = 0;
    const late = (): boolean => {
      if (ops < 2048) return false;
      ops = 0;
      return performance.now() - start >= budgetMs;
    };
    while (this.runsSorted < n) {
      const end = Math.min(n, this.runsSorted + RUN);
      this.src.subarray(this.runsSorted, end).sort(cmp);
      ops += (end - this.runsSorted) * 10;
      this.runsSorted = end;
      if (late()) return false;
    }
    if (this.dst.length !== n) this.dst = new Uint32Array(n);
    while (this.width < n) {
      while (this.lo < n) {
        const lo = this.lo;
        const mid = Math.min(n, lo + this.width);
        const hi = Math.min(n, lo + 2 * this.width);
        if (this.i < 0) {
          this.i = lo;
          this.j = mid;
          this.k = lo;
        }
        const s = this.src;
        const d = this.dst;
        let i = this.i;
        let j = this.j;
        let k = this.k;
        while (k < hi) {
          if (i < mid && (j >= hi || cmp(s[i]!, s[j]!) <= 0)) d[k++] = s[i++]!;
          else d[k++] = s[j++]!;
          if ((++ops & 2047) === 0 && performance.now() - start >= budgetMs) {
            this.i = i;
            this.j = j;
            this.k = k;
            return false;
          }
        }
        this.i = -1;
        this.lo = hi;
      }
      const t = this.src;
      this.src = this.dst;
      this.dst = t;
      this.width *= 2;
      this.lo = 0;
    }
    this.done = true;
    return true;
  }
}
