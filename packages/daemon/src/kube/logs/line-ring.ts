import type { LogLine } from './log-line.js';

/** Characters a line is charged for in a byte bound (its text plus a fixed overhead). */
export const lineCost = (l: LogLine): number => l.chars + 64;

/**
 * The newest lines, bounded by count and by size (oldest dropped first). An array with a moving
 * head: appends and front drops are O(1), compacted now and then.
 */
export class LineRing {
  private items: LogLine[] = [];
  private head = 0;
  bytes = 0;
  /** Lines dropped from the front since the ring was made. */
  dropped = 0;

  constructor(
    private readonly maxLines: number,
    private maxBytes: number,
  ) {}

  /** Changes the size bound (the oldest lines go now if the ring is over it). */
  setMaxBytes(n: number): void {
    this.maxBytes = n;
    this.trim();
  }

  get length(): number {
    return this.items.length - this.head;
  }

  at(i: number): LogLine | undefined {
    return this.items[this.head + i];
  }

  first(): LogLine | undefined {
    return this.items[this.head];
  }

  push(l: LogLine): void {
    this.items.push(l);
    this.bytes += lineCost(l);
    this.trim();
  }

  pushAll(lines: readonly LogLine[]): void {
    let bytes = this.bytes;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      this.items.push(l);
      bytes += lineCost(l);
    }
    this.bytes = bytes;
    this.trim();
  }

  private trim(): void {
    while (this.length > 0 && (this.length > this.maxLines || this.bytes > this.maxBytes)) {
      const l = this.items[this.head]!;
      this.items[this.head] = undefined as unknown as LogLine;
      this.head++;
      this.bytes -= lineCost(l);
      this.dropped++;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** The lines, oldest first (a copy). */
  toArray(from = 0): LogLine[] {
    return this.items.slice(this.head + Math.max(0, from));
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.bytes = 0;
  }
}
