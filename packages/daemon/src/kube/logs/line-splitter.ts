/** The longest line kept whole; the rest of a longer one is counted and dropped as it streams in. */
export const MAX_LINE_BYTES = 64 * 1024;

const EMPTY = Buffer.alloc(0);
/** The first buffer a partial line gets (it doubles from there, up to the longest line). */
const MIN_PENDING = 256;
/**
 * Bytes of a line's start kept when its earlier carriage-return redraws are dropped: its timestamp
 * (at most 36 bytes) stays, and whatever text there is before the kept redraw's `\r` is not shown.
 */
const HEAD = 64;
const CR = 13;

/** The last `\r` of `buf[from..to)` followed there by something other than `\r` (a redraw starts), or -1. */
function lastRedraw(buf: Buffer, from: number, to: number): number {
  let i = to - 2;
  while (i >= from) {
    const r = buf.lastIndexOf(CR, i);
    if (r < from) return -1;
    if (buf[r + 1] !== CR) return r;
    i = r - 1;
  }
  return -1;
}

/** A complete line: bytes `buf[start..end)` (no newline), and how many bytes after them were dropped. */
export type LineSink = (buf: Buffer, start: number, end: number, cut: number) => void;

/**
 * Splits a byte stream into lines with bounded memory: a line without a newline is kept up to
 * `maxLine` bytes and the rest is only counted, so a 100 MB line never sits in memory. Chunks
 * are not retained (kept parts are copied), lines are handed out as byte ranges.
 */
export class LineSplitter {
  /**
   * The partial line's bytes, `[0, pendingLen)` of one buffer grown by doubling. A list of the
   * pieces cost a Buffer object per chunk: a container printing progress dots without a newline,
   * one chunk each, held ~10 MB per stream for a 64 KiB line.
   */
  private pending: Buffer = EMPTY;
  private pendingLen = 0;
  private dropped = 0;
  /** The line's last byte (kept or dropped) was a `\r`. */
  private crEnd = false;
  /** Lines handed out so far (a partial line is a new one when this changed). */
  lines = 0;
  /** Bumped whenever the partial line changes (a view of it made before is stale). */
  version = 0;

  constructor(
    private readonly onLine: LineSink,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.keep(chunk, pos, chunk.length);
        return;
      }
      if (this.pendingLen === 0 && this.dropped === 0 && nl - pos <= this.maxLine) {
        this.lines++;
        this.onLine(chunk, pos, nl, 0);
      } else {
        this.keep(chunk, pos, nl);
        this.flushPending();
      }
      pos = nl + 1;
    }
  }

  /** True when part of a line is waiting for its newline. */
  get hasPartial(): boolean {
    return this.pendingLen > 0 || this.dropped > 0;
  }

  /**
   * The partial line as it is now: its kept bytes (a view of the splitter's buffer, valid until the
   * next push: decode or copy them at once) and how many bytes past them were dropped.
   */
  partial(): { bytes: Buffer; cut: number } | null {
    return this.hasPartial ? { bytes: this.pending.subarray(0, this.pendingLen), cut: this.dropped } : null;
  }

  /** The stream ended for good: a last line without a newline is still a line. */
  finish(): void {
    if (this.hasPartial) this.flushPending();
  }

  /** The stream broke: a partial line is dropped (it is read again whole after a resume). */
  reset(): void {
    this.version++;
    this.pending = EMPTY;
    this.pendingLen = 0;
    this.dropped = 0;
    this.crEnd = false;
  }

  /**
   * Adds `chunk[from..to)` to the partial line. A line that would outgrow maxLine and is redrawn
   * with carriage returns (a progress bar) drops its earlier redraws first: what is shown is the
   * last redraw, and keeping the first 64 KiB showed a stale one (`3%` of a bar that reached 100%).
   */
  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.version++;
    if (this.pendingLen + (to - from) > this.maxLine) from = this.dropRedraws(chunk, from, to);
    this.crEnd = chunk[to - 1] === CR;
    this.append(chunk, from, to);
  }

  /** Drops the line's redraws before the last one that has begun; returns where the new bytes to keep start. */
  private dropRedraws(chunk: Buffer, from: number, to: number): number {
    const r = lastRedraw(chunk, from, to);
    if (r >= 0) {
      // The head comes from this chunk when the line starts in it.
      if (this.pendingLen < HEAD) this.append(chunk, from, Math.min(r, from + HEAD - this.pendingLen));
      else this.pendingLen = HEAD;
      this.dropped = 0;
      this.blankHead();
      return r;
    }
    if (this.crEnd && chunk[from] !== CR) {
      // The redraw began with the previous chunk's last byte.
      this.pendingLen = Math.min(this.pendingLen, HEAD);
      this.dropped = 0;
      this.blankHead();
      this.append(Buffer.of(CR), 0, 1);
      return from;
    }
    if (this.dropped === 0) {
      // The last redraw began in what is kept: it moves up to the head, making room for its rest.
      const p = lastRedraw(this.pending, HEAD + 1, this.pendingLen);
      if (p > HEAD) {
        this.pending.copyWithin(HEAD, p, this.pendingLen);
        this.pendingLen = HEAD + this.pendingLen - p;
        this.blankHead();
      }
    }
    return from;
  }

  /**
   * The head's text is an earlier redraw, never shown; cut where it was, it could end inside an
   * escape sequence that would then swallow the kept redraw: its control and non-ASCII bytes
   * become spaces (a timestamp is ASCII).
   */
  private blankHead(): void {
    const end = Math.min(this.pendingLen, HEAD);
    for (let i = 0; i < end; i++) {
      const b = this.pending[i]!;
      if (b < 0x20 || b >= 0x7f) this.pending[i] = 0x20;
    }
  }

  private append(chunk: Buffer, from: number, to: number): void {
    const room = this.maxLine - this.pendingLen;
    const take = Math.min(room, to - from);
    if (take > 0) {
      const need = this.pendingLen + take;
      if (need > this.pending.length) {
        const grown = Buffer.allocUnsafe(Math.min(this.maxLine, Math.max(need, this.pending.length * 2, MIN_PENDING)));
        this.pending.copy(grown, 0, 0, this.pendingLen);
        this.pending = grown;
      }
      chunk.copy(this.pending, this.pendingLen, from, from + take);
      this.pendingLen = need;
    }
    this.dropped += to - from - Math.max(0, take);
  }

  private flushPending(): void {
    // A buffer of its own per line (the reader tells chunks apart by their buffer).
    const line = this.pending.subarray(0, this.pendingLen);
    const cut = this.dropped;
    this.reset();
    this.lines++;
    this.onLine(line, 0, line.length, cut);
  }
}
