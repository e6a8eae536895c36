import { EventEmitter } from 'node:events';

/**
 * The stream ink renders into (in debug mode every render writes one whole frame): frames go to a
 * callback that paints them, so ink never writes to the terminal itself.
 */
export class FrameSink extends EventEmitter {
  columns: number;
  rows: number;
  readonly isTTY = false;
  writable = true;

  constructor(
    size: { cols: number; rows: number },
    private readonly onFrame: (frame: string) => void,
  ) {
    super();
    this.columns = size.cols;
    this.rows = size.rows;
  }

  write(data: string | Uint8Array, encoding?: unknown, cb?: () => void): boolean {
    const done = typeof encoding === 'function' ? (encoding as () => void) : cb;
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    if (text) this.onFrame(text);
    done?.();
    return true;
  }

  setSize(size: { cols: number; rows: number }): void {
    this.columns = size.cols;
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
