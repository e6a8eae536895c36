import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Kubeconfigs, certificates and tokens are small; anything bigger is a mistake or an attack. */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;

function typeOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a directory';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a file';
}

/**
 * Reads a file the kubeconfig names without ever blocking: it is opened non-blocking and must be a
 * regular file (a FIFO, a device or a directory is refused before any read) of at most `maxBytes`.
 * Throws an Error naming the path and the problem.
 */
export function readRegularFile(path: string, maxBytes = MAX_CONFIG_FILE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path} does not exist` : code === 'EACCES' ? `${path} is not readable (permission denied)` : `${path}: ${(err as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${path} is not a regular file (${typeOf(st)})`);
    if (st.size > maxBytes) throw new Error(`${path} is too big (${st.size} bytes; at most ${maxBytes})`);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === buf.length ? buf : buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
