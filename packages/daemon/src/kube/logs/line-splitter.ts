/** The longest line kept whole; the rest of a longer one is counted and dropped as it streams in. */
export const MAX_LINE_BYTES = 64 * 1024;

const EMPTY = Buffer.alloc(0);
/** The first buffer a partial line gets (it doubles from there, up to the longest line). */
const MIN_PENDING = 256;

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
      if (this.pendingLen === 0 && this.dropped === 0) {
        if (nl - pos > this.maxLine) this.onLine(chunk, pos, pos + this.maxLine, nl - pos - this.maxLine);
        else this.onLine(chunk, pos, nl, 0);
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

  /** The stream ended for good: a last line without a newline is still a line. */
  finish(): void {
    if (this.hasPartial) this.flushPending();
  }

  /** The stream broke: a partial line is dropped (it is read again whole after a resume). */
  reset(): void {
    this.pending = EMPTY;
    this.pendingLen = 0;
    this.dropped = 0;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
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
    this.onLine(line, 0, line.length, cut);
  }
}
