/**
 * A FIFO of bytes in one reused buffer: output waiting for the terminal emulator is copied in as it
 * arrives and read out in contiguous pieces.
 *
 * Why a copy: a flood's network buffers would otherwise wait in a queue long enough to survive two
 * scavenges and be promoted, and promoted ArrayBuffers are only freed by a full mark-sweep — the
 * daemon's external memory then climbed ~5 MiB a second for as long as the flood lasted (V8 only
 * collects them once ~64 MiB have piled up). Copied, the network buffers die young and the bytes
 * waiting live in this one allocation.
 */
export class ByteRing {
  private buf: Uint8Array;
  /** Offset of the oldest byte. */
  private head = 0;
  private used = 0;

  constructor(private readonly initialCapacity: number) {
    this.buf = new Uint8Array(initialCapacity);
  }

  /** Bytes waiting. */
  get length(): number {
    return this.used;
  }

  get capacity(): number {
    return this.buf.length;
  }

  /** Appends a copy of `data`, growing (doubling) when it does not fit. */
  push(data: Uint8Array): void {
    if (data.length === 0) return;
    if (this.used + data.length > this.buf.length) this.grow(this.used + data.length);
    const cap = this.buf.length;
    const tail = (this.head + this.used) % cap;
    const first = Math.min(data.length, cap - tail);
    this.buf.set(data.subarray(0, first), tail);
    if (first < data.length) this.buf.set(data.subarray(first), 0);
    this.used += data.length;
  }

  /**
   * Up to `max` of the oldest bytes, contiguous (a piece stops at the end of the buffer), as a view
   * that stays valid until they are consumed. Empty when nothing waits.
   */
  peek(max: number): Uint8Array {
    const n = Math.min(max, this.used, this.buf.length - this.head);
    return this.buf.subarray(this.head, this.head + n);
  }

  /** Drops the `n` oldest bytes (a piece that was peeked and used). */
  consume(n: number): void {
    const k = Math.min(n, this.used);
    this.used -= k;
    this.head = this.used === 0 ? 0 : (this.head + k) % this.buf.length;
    // Back to the usual size once a burst that grew it has drained.
    if (this.used === 0 && this.buf.length > this.initialCapacity) this.buf = new Uint8Array(this.initialCapacity);
  }

  clear(): void {
    this.head = 0;
    this.used = 0;
    if (this.buf.length > this.initialCapacity) this.buf = new Uint8Array(this.initialCapacity);
  }

  private grow(needed: number): void {
    let cap = this.buf.length * 2;
    while (cap < needed) cap *= 2;
    const next = new Uint8Array(cap);
    const first = Math.min(this.used, this.buf.length - this.head);
    next.set(this.buf.subarray(this.head, this.head + first), 0);
    if (first < this.used) next.set(this.buf.subarray(0, this.used - first), first);
    this.buf = next;
    this.head = 0;
  }
}
