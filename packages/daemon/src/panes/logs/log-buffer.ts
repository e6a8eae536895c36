import type { LogLine, LogOrigin } from '../../kube/logs/log-line.js';
import { lineCost } from '../../kube/logs/line-ring.js';
import { compareKeys, LineColumns, type OrderKey } from './line-columns.js';

/**
 * A pane's lines: each stream (one container's log, one LogOrigin) in the order the kubelet wrote
 * it, and the streams merged by timestamp (lines of several containers interleave as they
 * happened). A line never goes before an earlier line of its own stream: one whose timestamp went
 * back (its node's clock stepped back an hour) sorts as its stream's previous line did, just after
 * it — sorted by its own timestamp it went an hour up the buffer, and with a full buffer was dropped
 * at once, never seen. So a line's place is its OrderKey: the newest (timestamp, arrival) its stream
 * has had so far. Bounded by count and size — the oldest go first and are counted — with the lines
 * that pass the filter listed alongside, so a view or a scroll never rescans the buffer. Matching lines have
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
  /** Each stream's newest OrderKey so far (kept when its lines are dropped: a later line still sorts after them). */
  private streams = new WeakMap<LogOrigin, OrderKey>();

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

  /** Where the last line sorts (a line with this timestamp and a new arrival number goes after it). */
  lastKey(): OrderKey | undefined {
    return this.items.length ? this.items.key(this.items.length - 1) : undefined;
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

  /** First item index whose line sorts after `key` (equal keys keep arrival order). */
  private upperBound(key: OrderKey): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items.compare(mid, key) <= 0) lo = mid + 1;
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
    const { batch, keys } = this.keyed(lines);
    const items = this.items;
    const filtered = this.test !== null;
    let bytes = this.bytes;
    for (const l of batch) bytes += lineCost(l);
    this.bytes = bytes;
    if (items.length === 0 || items.compare(items.length - 1, keys[0]!) <= 0) {
      for (let i = 0; i < batch.length; i++) {
        const l = batch[i]!;
        items.push(l, keys[i]!);
        if (filtered && this.passes(l)) this.matches.push(this.itemBase + items.length - 1);
      }
    } else {
      const pos = this.upperBound(keys[0]!);
      let wasMatch: Uint8Array | null = null;
      if (filtered) {
        // Which stored lines from `pos` on matched: their ids change, not their match.
        const m = this.matchFrom(this.itemBase + pos);
        wasMatch = new Uint8Array(items.length - pos);
        for (let j = m; j < this.matches.length; j++) wasMatch[this.matches[j]! - this.itemBase - pos] = 1;
        this.matches.length = m;
      }
      const added = items.mergeFrom(pos, batch, keys);
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

  /**
   * The batch's lines with their OrderKeys, in key order. A line's key is its own timestamp and
   * arrival, or its stream's newest key when that is later: within a stream keys never go down, so
   * a stream's batch (what the daemon inserts) is in order as it came, and is sorted only when
   * lines of several streams were handed over together.
   */
  private keyed(lines: readonly LogLine[]): { batch: readonly LogLine[]; keys: OrderKey[] } {
    const keys = new Array<OrderKey>(lines.length);
    let sorted = true;
    // The stream of the lines just seen and its newest key (a batch is nearly always one stream's).
    let origin: LogOrigin | null = null;
    let prev: OrderKey | undefined;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.origin !== origin) {
        if (origin !== null) this.remember(origin, prev!);
        origin = l.origin;
        prev = this.streams.get(origin);
      }
      // A line is its own key (no object per line) unless its stream went back in time.
      const key: OrderKey = prev !== undefined && compareKeys(l, prev) < 0 ? prev : l;
      prev = key;
      keys[i] = key;
      if (i > 0 && compareKeys(keys[i - 1]!, key) > 0) sorted = false;
    }
    this.remember(origin!, prev!);
    if (sorted) return { batch: lines, keys };
    // Stable: a stream's lines with one key (a run after a step back) keep their order.
    const order = keys.map((_, i) => i).sort((a, b) => compareKeys(keys[a]!, keys[b]!) || a - b);
    return { batch: order.map((i) => lines[i]!), keys: order.map((i) => keys[i]!) };
  }

  /** Keeps a stream's newest key (a copy: a line kept as a key would hold its chunk's text). */
  private remember(origin: LogOrigin, key: OrderKey): void {
    this.streams.set(origin, { sec: key.sec, nano: key.nano, seq: key.seq });
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
    this.streams = new WeakMap();
  }
}
