/** One container instance's log: a bounded ring of timestamped lines, with followers. */

export interface LogLine {
  /** Wall-clock ms. */
  readonly t: number;
  /** RFC3339Nano timestamp as the kubelet prints it. */
  readonly ts: string;
  readonly text: string;
}

/** An RFC3339Nano timestamp (Go style: trailing zeros of the fraction trimmed). */
export function formatNanos(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}

export type LogListener = (line: LogLine | null) => void;

export class ContainerLog {
  private lines: LogLine[] = [];
  private readonly listeners = new Set<LogListener>();
  private endedFlag = false;
  private lastNs = 0n;

  constructor(readonly capacity = 5_000) {}

  get ended(): boolean {
    return this.endedFlag;
  }

  get size(): number {
    return this.lines.length;
  }

  append(text: string, t = Date.now()): void {
    if (this.endedFlag) return;
    for (const part of text.split('\n')) {
      // Strictly increasing within one log, with sub-millisecond digits like a real runtime.
      let ns = BigInt(Math.floor(t)) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
      if (ns <= this.lastNs) ns = this.lastNs + 1n;
      this.lastNs = ns;
      const line: LogLine = { t: Number(ns / 1_000_000n), ts: formatNanos(ns), text: part };
      this.lines.push(line);
      for (const l of this.listeners) l(line);
    }
    if (this.lines.length > this.capacity * 1.25) this.lines = this.lines.slice(this.lines.length - this.capacity);
  }

  /**
   * Appends as written on a node whose clock reads `t` (tests): unlike `append`, the timestamps may
   * go back from the lines before (a node's clock stepped back), and go on from `t`.
   */
  appendAt(text: string, t: number): void {
    this.lastNs = BigInt(Math.floor(t)) * 1_000_000n - 1n;
    this.append(text, t);
  }

  /** Marks the instance as terminated: followers see the end. */
  end(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    for (const l of this.listeners) l(null);
    this.listeners.clear();
  }

  snapshot(): readonly LogLine[] {
    return this.lines;
  }

  /** Subscribes to new lines; the listener gets null when the log ends. */
  follow(l: LogListener): () => void {
    if (this.endedFlag) {
      l(null);
      return () => undefined;
    }
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
