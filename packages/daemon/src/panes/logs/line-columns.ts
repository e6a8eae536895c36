import { StreamLine, type LogLine, type LogOrigin } from '../../kube/logs/log-line.js';

const MARKERS = [undefined, 'info', 'warn', 'error'] as const;
const NO_ORIGIN: LogOrigin = { pod: '', container: '' };
const markerCode = (m: LogLine['marker']): number => (m === undefined ? 0 : MARKERS.indexOf(m));

/**
 * Where a line sorts in a pane: a timestamp and an arrival number. A line's own, unless its stream
 * went back in time (a node clock stepped back): then its stream's previous line's (see LogBuffer).
 */
export interface OrderKey {
  readonly sec: number;
  readonly nano: number;
  readonly seq: number;
}

/** Orders two keys (timestamp, then arrival). */
export const compareKeys = (a: OrderKey, b: OrderKey): number => a.sec - b.sec || a.nano - b.nano || a.seq - b.seq;

/** A line marked by the pane: its text is safe as it is. */
interface MarkerLine extends LogLine {
  readonly marker: 'info' | 'warn' | 'error';
}

/**
 * Lines stored column by column (typed arrays, and arrays of references to the shared chunk
 * strings and origins): a kept line is no object of its own, so a buffer of 50,000 lines costs the
 * garbage collector a few arrays instead of 50,000 objects to mark and move. Lines are made again
 * (`get`) only to be shown, filtered or saved.
 *
 * A ring: line `i` is in slot `(head + i) & mask`, so dropping the oldest line and adding one at the
 * end move nothing (the columns were moved to the front every ~1.6× the buffer's lines: ~3% of a
 * followed stream's CPU at 50,000 lines/s). The capacity is a power of two, grown when full.
 */
export class LineColumns {
  private cap = 0;
  private mask = 0;
  private head = 0;
  private n = 0;
  private src: string[] = [];
  private origin: LogOrigin[] = [];
  private from = new Int32Array(0);
  private to = new Int32Array(0);
  private sec = new Float64Array(0);
  private nano = new Int32Array(0);
  private seq = new Float64Array(0);
  private cut = new Int32Array(0);
  private marker = new Uint8Array(0);
  /** Each line's OrderKey (the lines are kept in its order; sec/nano/seq above are the line's own). */
  private kSec = new Float64Array(0);
  private kNano = new Int32Array(0);
  private kSeq = new Float64Array(0);

  get length(): number {
    return this.n;
  }

  /** Characters of line `i`'s stored text. */
  chars(i: number): number {
    const k = (this.head + i) & this.mask;
    return this.to[k]! - this.from[k]!;
  }

  /** Orders stored line `i`'s key against `key`. */
  compare(i: number, key: OrderKey): number {
    const k = (this.head + i) & this.mask;
    return this.kSec[k]! - key.sec || this.kNano[k]! - key.nano || this.kSeq[k]! - key.seq;
  }

  /** Stored line `i`'s key. */
  key(i: number): OrderKey {
    const k = (this.head + i) & this.mask;
    return { sec: this.kSec[k]!, nano: this.kNano[k]!, seq: this.kSeq[k]! };
  }

  get(i: number): LogLine {
    const k = (this.head + i) & this.mask;
    const m = this.marker[k]!;
    const src = this.src[k]!;
    if (m !== 0) {
      const line: MarkerLine = { sec: this.sec[k]!, nano: this.nano[k]!, seq: this.seq[k]!, text: src, chars: src.length, origin: this.origin[k]!, cut: 0, marker: MARKERS[m]! };
      return line;
    }
    return new StreamLine(this.sec[k]!, this.nano[k]!, this.seq[k]!, src, this.from[k]!, this.to[k]!, this.origin[k]!, this.cut[k]!);
  }

  push(l: LogLine, key: OrderKey): void {
    this.room();
    this.write((this.head + this.n) & this.mask, l, key);
    this.n++;
  }

  /**
   * Merges `lines` (sorted by `keys`, each sorting after line `from - 1`) into lines `[from, length)`, in one
   * pass from the end: the lines after `from` move once per batch, not once per line inserted before
   * them. Returns, for each position from `from` on, whether the line there is one of `lines` (1)
   * or was already stored (0).
   */
  mergeFrom(from: number, lines: readonly LogLine[], keys: readonly OrderKey[]): Uint8Array {
    const k = lines.length;
    const kept = this.n - from;
    const added = new Uint8Array(kept + k);
    this.room(k);
    const mask = this.mask;
    let i = this.n - 1; // last stored line of the tail
    let j = k - 1;
    let w = this.n + k - 1;
    while (j >= 0) {
      if (i >= from && this.compare(i, keys[j]!) > 0) {
        this.copy((this.head + i) & mask, (this.head + w) & mask);
        i--;
      } else {
        this.write((this.head + w) & mask, lines[j]!, keys[j]!);
        added[w - from] = 1;
        j--;
      }
      w--;
    }
    this.n += k;
    return added;
  }

  /** Drops the first line. */
  shift(): void {
    if (this.n === 0) return;
    this.src[this.head] = '';
    this.origin[this.head] = NO_ORIGIN;
    this.head = (this.head + 1) & this.mask;
    this.n--;
  }

  clear(): void {
    this.head = 0;
    this.n = 0;
    this.src.fill('');
    this.origin.fill(NO_ORIGIN);
  }

  /** Copies stored slot `a` to slot `b`. */
  private copy(a: number, b: number): void {
    this.src[b] = this.src[a]!;
    this.origin[b] = this.origin[a]!;
    this.from[b] = this.from[a]!;
    this.to[b] = this.to[a]!;
    this.sec[b] = this.sec[a]!;
    this.nano[b] = this.nano[a]!;
    this.seq[b] = this.seq[a]!;
    this.cut[b] = this.cut[a]!;
    this.marker[b] = this.marker[a]!;
    this.kSec[b] = this.kSec[a]!;
    this.kNano[b] = this.kNano[a]!;
    this.kSeq[b] = this.kSeq[a]!;
  }

  private write(k: number, l: LogLine, key: OrderKey): void {
    if (l instanceof StreamLine) {
      this.src[k] = l.src;
      this.from[k] = l.from;
      this.to[k] = l.to;
    } else {
      this.src[k] = l.text;
      this.from[k] = 0;
      this.to[k] = l.text.length;
    }
    this.origin[k] = l.origin;
    this.sec[k] = l.sec;
    this.nano[k] = l.nano;
    this.seq[k] = l.seq;
    this.cut[k] = l.cut;
    this.marker[k] = markerCode(l.marker);
    this.kSec[k] = key.sec;
    this.kNano[k] = key.nano;
    this.kSeq[k] = key.seq;
  }

  /** Makes room for `k` more lines at the end: grows (the lines in order from slot 0) when full. */
  private room(k = 1): void {
    if (this.n + k <= this.cap) return;
    let cap = Math.max(1024, this.cap * 2);
    while (cap < this.n + k) cap *= 2;
    /** The stored lines in order: the ring's two runs, one after the other from 0. */
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      const first = Math.min(this.n, this.cap - this.head);
      b.set(a.subarray(this.head, this.head + first));
      b.set(a.subarray(0, this.n - first), first);
      return b;
    };
    this.from = grow(this.from, (c) => new Int32Array(c));
    this.to = grow(this.to, (c) => new Int32Array(c));
    this.sec = grow(this.sec, (c) => new Float64Array(c));
    this.nano = grow(this.nano, (c) => new Int32Array(c));
    this.seq = grow(this.seq, (c) => new Float64Array(c));
    this.cut = grow(this.cut, (c) => new Int32Array(c));
    this.marker = grow(this.marker, (c) => new Uint8Array(c));
    this.kSec = grow(this.kSec, (c) => new Float64Array(c));
    this.kNano = grow(this.kNano, (c) => new Int32Array(c));
    this.kSeq = grow(this.kSeq, (c) => new Float64Array(c));
    const src: string[] = new Array<string>(cap).fill('');
    const origin: LogOrigin[] = new Array<LogOrigin>(cap).fill(NO_ORIGIN);
    for (let i = 0; i < this.n; i++) {
      const k = (this.head + i) & this.mask;
      src[i] = this.src[k]!;
      origin[i] = this.origin[k]!;
    }
    this.src = src;
    this.origin = origin;
    this.head = 0;
    this.cap = cap;
    this.mask = cap - 1;
  }
}
