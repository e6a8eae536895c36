import { compareLines, type LogLine } from '../../kube/logs/log-line.js';
import { lineCost } from '../../kube/logs/line-ring.js';

/** First index in `arr[from..]` whose line sorts after `l` (so equal keys keep arrival order). */
function upperBound(arr: readonly LogLine[], from: number, l: LogLine): number {
  let lo = from;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareLines(arr[mid]!, l) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A pane's lines: sorted by timestamp (lines of several containers interleave as they happened),
 * bounded by count and size — the oldest go first and are counted — with the lines that pass the
 * filter kept alongside, so a view or a scroll never rescans the buffer. Matching lines have
 * absolute indexes (`matchBase` counts those dropped from the front) so a scroll position stays
 * put while old lines go.
 */
export class LogBuffer {
  private items: LogLine[] = [];
  private head = 0;
  private matches: LogLine[] = [];
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
    return this.items.length - this.head;
  }

  get matchCount(): number {
    return this.matches.length - this.mhead;
  }

  /** One past the last matching line's absolute index. */
  get matchEnd(): number {
    return this.matchBase + this.matchCount;
  }

  /** The matching line at absolute index `abs`. */
  match(abs: number): LogLine | undefined {
    const i = abs - this.matchBase;
    return i < 0 ? undefined : this.matches[this.mhead + i];
  }

  last(): LogLine | undefined {
    return this.items.length > this.head ? this.items[this.items.length - 1] : undefined;
  }

  private passes(l: LogLine): boolean {
    return this.test === null || l.marker !== undefined || this.test(l);
  }

  /** Replaces the filter and rebuilds the matching lines (absolute indexes start over). */
  setFilter(test: ((l: LogLine) => boolean) | null): void {
    this.test = test;
    const all = this.items.slice(this.head);
    this.matches = test === null ? all : all.filter((l) => this.passes(l));
    this.mhead = 0;
    this.matchBase = 0;
  }

  insert(lines: readonly LogLine[]): void {
    for (const l of lines) {
      const last = this.items.length > this.head ? this.items[this.items.length - 1]! : undefined;
      const pass = this.passes(l);
      if (!last || compareLines(l, last) >= 0) {
        this.items.push(l);
        if (pass) this.matches.push(l);
      } else {
        this.items.splice(upperBound(this.items, this.head, l), 0, l);
        if (pass) this.matches.splice(upperBound(this.matches, this.mhead, l), 0, l);
      }
      this.bytes += lineCost(l);
    }
    this.trim();
  }

  private trim(): void {
    while (this.size > 0 && (this.size > this.maxLines || this.bytes > this.maxBytes)) {
      const l = this.items[this.head]!;
      this.items[this.head] = undefined as unknown as LogLine;
      this.head++;
      this.bytes -= lineCost(l);
      this.dropped++;
      if (this.mhead < this.matches.length && this.matches[this.mhead] === l) {
        this.matches[this.mhead] = undefined as unknown as LogLine;
        this.mhead++;
        this.matchBase++;
      }
    }
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.mhead > 4096 && this.mhead * 2 > this.matches.length) {
      this.matches = this.matches.slice(this.mhead);
      this.mhead = 0;
    }
  }

  /** The matching lines, oldest first (a copy, for saving). */
  matching(): LogLine[] {
    return this.matches.slice(this.mhead);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.matches = [];
    this.mhead = 0;
    this.matchBase = 0;
    this.bytes = 0;
    this.dropped = 0;
  }
}
