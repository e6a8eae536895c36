/** The longest line kept whole; the rest of a longer one is counted and dropped as it streams in. */
export const MAX_LINE_BYTES = 64 * 1024;

/** A complete line: bytes `buf[start..end)` (no newline), and how many bytes after them were dropped. */
export type LineSink = (buf: Buffer, start: number, end: number, cut: number) => void;

/**
 * Splits a byte stream into lines with bounded memory: a line without a newline is kept up to
 * `maxLine` bytes and the rest is only counted, so a 100 MB line never sits in memory. Chunks
 * are not retained (kept parts are copied), lines are handed out as byte ranges.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
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
    this.pending = [];
    this.pendingLen = 0;
    this.dropped = 0;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    const room = this.maxLine - this.pendingLen;
    const take = Math.min(room, to - from);
    if (take > 0) {
      this.pending.push(Buffer.from(chunk.subarray(from, from + take)));
      this.pendingLen += take;
    }
    this.dropped += to - from - Math.max(0, take);
  }

  private flushPending(): void {
    const line = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLen);
    const cut = this.dropped;
    this.reset();
    this.onLine(line, 0, line.length, cut);
  }
}
