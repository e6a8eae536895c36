import { formatBytes } from '../util/bytes.js';
import { readRegularFile } from '../util/regular-file.js';

/** The largest config file read; a bigger one is refused with a message. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type ConfigSource =
  | { kind: 'missing' }
  /** Zero bytes or only whitespace: most likely a write in progress (`generator > config.toml`). */
  | { kind: 'empty' }
  | { kind: 'text'; source: string }
  | { kind: 'refused'; message: string };

/**
 * Reads a config file without ever blocking on it or holding more than `maxBytes`
 * (util/regular-file.ts): a FIFO, a device or a directory is refused unread, and the read stops one
 * byte past the limit (the file may grow while it is read).
 */
export async function readConfigSource(file: string, maxBytes = MAX_CONFIG_BYTES): Promise<ConfigSource> {
  const r = await readRegularFile(file, maxBytes);
  if (r.kind === 'missing') return r;
  if (r.kind === 'refused') {
    if (r.tooBig !== undefined) return { kind: 'refused', message: `the file is ${formatBytes(r.tooBig)}; a config may be at most ${formatBytes(maxBytes)}` };
    if (r.message.startsWith('not a regular file')) return { kind: 'refused', message: 'not a regular file (a FIFO, device or directory is never read)' };
    return { kind: 'refused', message: `cannot read: ${r.message}` };
  }
  const source = r.bytes.toString('utf8');
  return source.trim() === '' ? { kind: 'empty' } : { kind: 'text', source };
}
