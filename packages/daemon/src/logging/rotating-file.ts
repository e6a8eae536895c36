import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotationOptions {
  /** Largest size of the live file; a write that would pass it starts a new file first. */
  maxBytes: number;
  /** Old files kept beside it: `<file>.1` (newest) … `<file>.<keep>`. */
  keep: number;
}

export const DEFAULT_ROTATION: RotationOptions = { maxBytes: 10 * 1024 * 1024, keep: 3 };

/**
 * An append-only log file that rotates by size: `<file>` → `<file>.1` → … → `<file>.<keep>`
 * (the oldest dropped), so the daemon's log never takes more than (keep + 1) × maxBytes. Writes
 * are synchronous: a line is on disk when the call returns, even if the daemon dies next.
 * A pino destination (`write(line)`); a write error is counted, never thrown at the logger.
 */
export class RotatingFile {
  private fd: number;
  private size: number;
  failures = 0;

  constructor(
    readonly file: string,
    private readonly opts: RotationOptions = DEFAULT_ROTATION,
  ) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    this.fd = openSync(file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  write(chunk: string): boolean {
    const data = Buffer.from(chunk, 'utf8');
    try {
      if (this.size > 0 && this.size + data.length > this.opts.maxBytes) this.rotate();
      writeSync(this.fd, data);
      this.size += data.length;
    } catch {
      this.failures++;
    }
    return true;
  }

  private rotate(): void {
    closeSync(this.fd);
    const keep = Math.max(0, this.opts.keep);
    if (keep === 0) rmSync(this.file, { force: true });
    else {
      rmSync(`${this.file}.${keep}`, { force: true });
      for (let i = keep - 1; i >= 1; i--) {
        if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
      }
      renameSync(this.file, `${this.file}.1`);
    }
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = 0;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}

function nonNegativeInt(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** The rotation in force: KUBETILE_LOG_MAX_BYTES and KUBETILE_LOG_KEEP override the defaults. */
export function rotationFromEnv(env: NodeJS.ProcessEnv = process.env): RotationOptions {
  const maxBytes = nonNegativeInt(env.KUBETILE_LOG_MAX_BYTES);
  const keep = nonNegativeInt(env.KUBETILE_LOG_KEEP);
  return {
    maxBytes: maxBytes && maxBytes >= 1024 ? maxBytes : DEFAULT_ROTATION.maxBytes,
    keep: keep ?? DEFAULT_ROTATION.keep,
  };
}
