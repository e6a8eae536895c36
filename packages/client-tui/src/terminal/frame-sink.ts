import { EventEmitter } from 'node:events';

/**
 * The stream ink renders into (in debug mode every render writes one whole frame): frames go to a
 * callback that paints them, so ink never writes to the terminal itself. Its width is what ink lays
 * out each render in (read by ink on every layout): the width of the region ink draws, not the
 * terminal's.
 */
export class FrameSink extends EventEmitter {
  rows: number;
  readonly isTTY = false;
  writable = true;

  constructor(
    size: { cols: number; rows: number },
    private readonly width: () => number,
    private readonly onFrame: (frame: string) => void,
  ) {
    super();
    this.rows = size.rows;
  }

  /** ink's layout width: at least 1 (ink asks the real terminal when it is 0). */
  get columns(): number {
    return Math.max(1, this.width());
  }

  write(data: string | Uint8Array, encoding?: unknown, cb?: () => void): boolean {
    const done = typeof encoding === 'function' ? (encoding as () => void) : cb;
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    if (text) this.onFrame(text);
    done?.();
    return true;
  }

  setSize(size: { cols: number; rows: number }): void {
    this.rows = size.rows;
  }
}

/** A stream that swallows everything (ink's stderr). */
export class NullSink extends EventEmitter {
  readonly isTTY = false;
  write(_data: unknown, encoding?: unknown, cb?: () => void): boolean {
    const done = typeof encoding === 'function' ? (encoding as () => void) : cb;
    done?.();
    return true;
  }
}
