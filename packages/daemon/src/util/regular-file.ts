import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * What reading a file of ours (config, state, histories, grants) or one a kubeconfig names came to.
 * The file is opened non-blocking and checked on the open descriptor, so a FIFO, a device or a
 * directory is refused without ever blocking — even one put in the file's place after a check
 * (`stat` then `open` could be swapped between the two) — and at most `maxBytes` + 1 are read,
 * whatever the file grows to meanwhile.
 */
export type FileRead =
  | { kind: 'missing' }
  | { kind: 'ok'; bytes: Buffer }
  /** `tooBig`: the size seen (the stat's, or how far the read got past the limit). */
  | { kind: 'refused'; message: string; tooBig?: number };

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

function typeOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a directory';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a file';
}

function openFailed(err: unknown): FileRead {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  return { kind: 'refused', message: code === 'EACCES' ? 'not readable (permission denied)' : (err as Error).message };
}

/** Refused before any read: not a regular file, or bigger than the limit. */
function refusedByStat(st: Stats, maxBytes: number): FileRead | null {
  if (!st.isFile()) return { kind: 'refused', message: `not a regular file (${typeOf(st)})` };
  if (st.size > maxBytes) return tooBig(st.size, maxBytes);
  return null;
}

const tooBig = (size: number, maxBytes: number): FileRead => ({ kind: 'refused', message: `too big (${size} bytes; at most ${maxBytes})`, tooBig: size });

/** Reads after the stat's size, if the file grows meanwhile. */
const MORE_BYTES = 64 * 1024;

/**
 * Reads to the end or one byte past `maxBytes`: `read(buf, at)` fills `buf` from file offset `at`.
 * The first buffer has room for the size seen (and one byte, to see the end there); growth meanwhile
 * is read in 64 KiB steps.
 */
function* chunks(size: number, maxBytes: number): Generator<Buffer, void, number> {
  let used = 0;
  let want = Math.min(size, maxBytes) + 1;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.min(want, maxBytes + 1 - used));
    const n: number = yield buf;
    if (n === 0) return;
    used += n;
    if (used > maxBytes) return;
    want = MORE_BYTES;
  }
}

const done = (parts: Buffer[], used: number, maxBytes: number): FileRead =>
  used > maxBytes ? tooBig(used, maxBytes) : { kind: 'ok', bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, used) };

/** Reads `path` as a regular file of at most `maxBytes` (see FileRead). */
export function readRegularFileSync(path: string, maxBytes: number): FileRead {
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (err) {
    return openFailed(err);
  }
  try {
    const st = fstatSync(fd);
    const refused = refusedByStat(st, maxBytes);
    if (refused) return refused;
    const parts: Buffer[] = [];
    let used = 0;
    const steps = chunks(st.size, maxBytes);
    for (let step = steps.next(); !step.done; ) {
      const n = readSync(fd, step.value, 0, step.value.length, used);
      parts.push(step.value.subarray(0, n));
      used += n;
      step = steps.next(n);
    }
    return done(parts, used, maxBytes);
  } finally {
    closeSync(fd);
  }
}

/** The same, off the event loop. */
export async function readRegularFile(path: string, maxBytes: number): Promise<FileRead> {
  let fh;
  try {
    fh = await open(path, FLAGS);
  } catch (err) {
    return openFailed(err);
  }
  try {
    const st = await fh.stat();
    const refused = refusedByStat(st, maxBytes);
    if (refused) return refused;
    const parts: Buffer[] = [];
    let used = 0;
    const steps = chunks(st.size, maxBytes);
    for (let step = steps.next(); !step.done; ) {
      const { bytesRead: n } = await fh.read(step.value, 0, step.value.length, used);
      parts.push(step.value.subarray(0, n));
      used += n;
      step = steps.next(n);
    }
    return done(parts, used, maxBytes);
  } finally {
    await fh.close();
  }
}
