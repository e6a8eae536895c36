import { compareLines, type LogLine } from '../../kube/logs/log-line.js';
import { lineCost } from '../../kube/logs/line-ring.js';
import { LineColumns } from './line-columns.js';

/**
 * A pane's lines: sorted by timestamp (lines of several containers interleave as they happened),
 * bounded by count and size — the oldest go first and are counted — with the lines that pass the
 * filter listed alongside, so a view or a scroll never rescans the buffer. Matching lines have
 * absolute indexes (`matchBase` counts those dropped from the front) so a scroll position stays
 * put while old lines go. Lines are kept column-wise (LineColumns): no object per kept line.
 */
export class LogBuffer {
  private readonly items = new LineColumns();
  /** Absolute id of the first item (items dropped since the last reset). */
  private itemBase = 0;
  /** With a filter: absolute item ids of the matching lines, in order. */
  private matches: number[] = [];
  private mhead = 0;
  /** Matching lines dropped from the front since the last reset: the absolute index of the first match. */
  matchBase = 0;
  bytes = 0;
  /** Lines dropped to stay within the bounds. */
  dropped = 0;
  private test: ((l: LogLine) => boolean) | null = null;

  constructor(
    private readonly maxLines: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  get matchCount(): number {
    return this.test === null ? this.items.length : this.matches.length - this.mhead;
  }

  /** One past the last matching line's absolute index. */
  get matchEnd(): number {
    return this.matchBase + this.matchCount;
  }

  /** The matching line at absolute index `abs`. */
  match(abs: number): LogLine | undefined {
    const i = abs - this.matchBase;
    if (i < 0 || i >= this.matchCount) return undefined;
    return this.items.get(this.test === null ? i : this.matches[this.mhead + i]! - this.itemBase);
  }

  last(): LogLine | undefined {
    return this.items.length ? this.items.get(this.items.length - 1) : undefined;
  }

  private passes(l: LogLine): boolean {
    return this.test === null || l.marker !== undefined || this.test(l);
  }

  /** Replaces the filter and rebuilds the matching lines (absolute indexes start over). Without one, every line matches. */
  setFilter(test: ((l: LogLine) => boolean) | null): void {
    this.test = test;
    this.matches = [];
    this.mhead = 0;
    this.matchBase = 0;
    if (test === null) return;
    for (let i = 0; i < this.items.length; i++) if (this.passes(this.items.get(i))) this.matches.push(this.itemBase + i);
  }

  /** First item index whose line sorts after `l` (equal keys keep arrival order). */
  private upperBound(l: LogLine): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items.compare(mid, l) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position in the matches whose id is at least `id`. */
  private matchFrom(id: number): number {
    let lo = this.mhead;
    let hi = this.matches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.matches[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Adds lines (a stream's batch). Those that sort after the last line are appended; the rest of
   * the batch is merged in one pass (a pod whose node clock is behind, a stream that lags, a new
   * pod's history). Inserting such lines one by one moved every later line each time: with a full
   * buffer and a pod 10 s behind, the daemon handled under 1,000 lines a second.
   */
  insert(lines: readonly LogLine[]): void {
    if (lines.length === 0) return;
    const batch = isSorted(lines) ? lines : [...lines].sort(compareLines);
    const items = this.items;
    const filtered = this.test !== null;
    let bytes = this.bytes;
    for (const l of batch) bytes += lineCost(l);
    this.bytes = bytes;
    const last = this.last();
    if (!last || compareLines(batch[0]!, last) >= 0) {
      for (const l of batch) {
        items.push(l);
        if (filtered && this.passes(l)) this.matches.push(this.itemBase + items.length - 1);
      }
    } else {
      const pos = this.upperBound(batch[0]!);
      let wasMatch: Uint8Array | null = null;
      if (filtered) {
        // Which stored lines from `pos` on matched: their ids change, not their match.
        const m = this.matchFrom(this.itemBase + pos);
        wasMatch = new Uint8Array(items.length - pos);
        for (let j = m; j < this.matches.length; j++) wasMatch[this.matches[j]! - this.itemBase - pos] = 1;
        this.matches.length = m;
      }
      const added = items.mergeFrom(pos, batch);
      if (wasMatch) {
        let old = 0;
        let fresh = 0;
        for (let k = 0; k < added.length; k++) {
          const id = this.itemBase + pos + k;
          if (added[k] === 1 ? this.passes(batch[fresh++]!) : wasMatch[old++] === 1) this.matches.push(id);
        }
      }
    }
    this.trim();
  }

  private trim(): void {
    const items = this.items;
    while (items.length > 0 && (items.length > this.maxLines || this.bytes > this.maxBytes)) {
      this.bytes -= items.chars(0) + 64;
      items.shift();
      this.dropped++;
      const id = this.itemBase++;
      if (this.test === null) this.matchBase++;
      else if (this.mhead < this.matches.length && this.matches[this.mhead] === id) {
        this.mhead++;
        this.matchBase++;
      }
    }
    if (this.mhead > 4096 && this.mhead * 2 > this.matches.length) {
      this.matches = this.matches.slice(this.mhead);
      this.mhead = 0;
    }
  }

  /** The matching lines, oldest first (made for saving). */
  matching(): LogLine[] {
    const out: LogLine[] = [];
    for (let abs = this.matchBase; abs < this.matchEnd; abs++) out.push(this.match(abs)!);
    return out;
  }

  clear(): void {
    this.items.clear();
    this.itemBase = 0;
    this.matches = [];
    this.mhead = 0;
    this.matchBase = 0;
    this.bytes = 0;
    this.dropped = 0;
  }
}

/** True when the lines are in order (a stream's batch nearly always is). */
function isSorted(lines: readonly LogLine[]): boolean {
  for (let i = 1; i < lines.length; i++) if (compareLines(lines[i - 1]!, lines[i]!) > 0) return false;
  return true;
}
