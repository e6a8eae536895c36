import { open, stat } from 'node:fs/promises';
import { formatBytes } from '../util/bytes.js';

/** The largest config file read; a bigger one is refused with a message. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type ConfigSource =
  | { kind: 'missing' }
  /** Zero bytes or only whitespace: most likely a write in progress (`generator > config.toml`). */
  | { kind: 'empty' }
  | { kind: 'text'; source: string }
  | { kind: 'refused'; message: string };

/**
 * Reads a config file without ever blocking on it or holding more than `maxBytes`: a FIFO, a device
 * or a directory is refused before it is opened, and the read stops one byte past the limit (the file
 * may grow between stat and read).
 */
export async function readConfigSource(file: string, maxBytes = MAX_CONFIG_BYTES): Promise<ConfigSource> {
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'refused', message: `cannot read: ${(err as Error).message}` };
  }
  if (!st.isFile()) return { kind: 'refused', message: 'not a regular file (a FIFO, device or directory is never read)' };
  const tooBig = (n: number): ConfigSource => ({ kind: 'refused', message: `the file is ${formatBytes(n)}; a config may be at most ${formatBytes(maxBytes)}` });
  if (st.size > maxBytes) return tooBig(st.size);
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'refused', message: `cannot read: ${(err as Error).message}` };
  }
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    let used = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, used, buf.length - used, used);
      if (bytesRead === 0) break;
      used += bytesRead;
      if (used > maxBytes) return tooBig(used);
    }
    const source = buf.subarray(0, used).toString('utf8');
    return source.trim() === '' ? { kind: 'empty' } : { kind: 'text', source };
  } finally {
    await fh.close();
  }
}
