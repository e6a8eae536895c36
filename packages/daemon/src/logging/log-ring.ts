import { Writable } from 'node:stream';
import { Signal } from '../util/signal.js';

export interface LogEntry {
  seq: number;
  time: number;
  level: number;
  msg: string;
  /** Extra fields as `k=v` text. */
  extra: string;
}

const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);

/** A bounded ring of the daemon's own log lines, fed by pino, read by the app-logs pane. */
export class LogRing {
  private readonly entries: LogEntry[] = [];
  private nextSeq = 1;
  readonly changed = new Signal();

  constructor(readonly capacity = 5000) {}

  push(entry: Omit<LogEntry, 'seq'>): void {
    this.entries.push({ ...entry, seq: this.nextSeq++ });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    this.changed.emit();
  }

  get size(): number {
    return this.entries.length;
  }

  slice(start: number, end: number): LogEntry[] {
    return this.entries.slice(start, end);
  }

  all(): readonly LogEntry[] {
    return this.entries;
  }

  /** A writable stream taking pino's JSON lines. */
  stream(): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.trim()) continue;
          try {
            const obj = JSON.parse(line) as Record<string, unknown>;
            const extra = Object.entries(obj)
              .filter(([k]) => !SKIP.has(k))
              .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
              .join(' ');
            this.push({
              time: typeof obj.time === 'number' ? obj.time : Date.now(),
              level: typeof obj.level === 'number' ? obj.level : 30,
              msg: typeof obj.msg === 'string' ? obj.msg : '',
              extra,
            });
          } catch {
            this.push({ time: Date.now(), level: 30, msg: line, extra: '' });
          }
        }
        cb();
      },
    });
  }
}
