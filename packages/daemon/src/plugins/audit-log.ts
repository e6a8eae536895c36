import { appendFile, mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AuditEntrySchema, type AuditEntry } from '@kubetile/rpc-schema';
import type { Logger } from '../logging/logger.js';
import { errorMessage } from '../util/errors.js';

/** Under the daemon's state directory ($XDG_STATE_HOME/kubetile). */
export const AUDIT_FILE = 'audit.jsonl';
/** Past this size the file becomes `audit.jsonl.1` (replacing the older one) and a new one starts. */
export const AUDIT_ROTATE_BYTES = 1024 * 1024;
/** `audit/list` answers at most this many entries. */
export const AUDIT_LIST_MAX = 1000;
/** A field's text is cut to this many characters (a patch, an error). */
const FIELD_MAX = 2000;

// The entry's shape is the contract's (`audit/list` answers with it).
export { AuditEntrySchema, type AuditEntry };

const cut = (s: string | null): string | null => (s === null ? null : s.length > FIELD_MAX ? `${s.slice(0, FIELD_MAX)}…` : s);

/**
 * The audit log of plugin writes: one JSON line per write a plugin asked for, whatever came of
 * it, appended in order (mode 0600). Bounded: the file rotates at AUDIT_ROTATE_BYTES, keeping one
 * older file, so it never holds more than about twice that.
 */
export class AuditLog {
  private writing: Promise<void> = Promise.resolve();
  readonly file: string | null;

  constructor(
    stateDir: string | null,
    private readonly logger: Logger,
  ) {
    this.file = stateDir ? join(stateDir, AUDIT_FILE) : null;
  }

  /** Appends an entry (time filled in); resolves once it is on disk (a failed write is logged). */
  append(entry: Omit<AuditEntry, 'time'>): Promise<void> {
    const line = `${JSON.stringify({ time: new Date().toISOString(), ...entry, change: cut(entry.change), error: cut(entry.error) })}\n`;
    const file = this.file;
    if (!file) return Promise.resolve();
    this.writing = this.writing.then(async () => {
      try {
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        const size = await stat(file).then((s) => s.size, () => 0);
        if (size > 0 && size + line.length > AUDIT_ROTATE_BYTES) await rename(file, `${file}.1`);
        await appendFile(file, line, { mode: 0o600 });
      } catch (err) {
        this.logger.error({ file, err: errorMessage(err) }, 'could not append to the plugin audit log');
      }
    });
    return this.writing;
  }

  /** The newest entries first, at most `limit`, optionally of one plugin. Lines that do not parse are skipped. */
  async list(limit: number, plugin?: string): Promise<AuditEntry[]> {
    const file = this.file;
    if (!file) return [];
    await this.writing;
    const out: AuditEntry[] = [];
    for (const f of [file, `${file}.1`]) {
      const lines = (await readBounded(f)).split('\n').reverse();
      for (const line of lines) {
        if (out.length >= limit) return out;
        if (line.trim() === '') continue;
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          continue;
        }
        const e = AuditEntrySchema.safeParse(json);
        if (e.success && (plugin === undefined || e.data.plugin === plugin)) out.push(e.data);
      }
    }
    return out;
  }
}

/** A rotated file is at most about AUDIT_ROTATE_BYTES; read no more than twice that of its end. */
async function readBounded(file: string): Promise<string> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 2 * AUDIT_ROTATE_BYTES);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const text = buf.toString('utf8');
    // A cut start is a partial line: dropped.
    return len < size ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await fh.close();
  }
}
