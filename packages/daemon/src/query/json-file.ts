import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A history or saved-queries file is at most this big; a bigger one is not read (and kept aside). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a JSON file of ours: null when it does not exist; a file that is not a regular file, is
 * too big or is not JSON is moved aside (`…corrupt-<time>`) and reported, never fatal.
 */
export async function readJsonFile(path: string, warn: (msg: string) => void): Promise<unknown> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) {
      warn(`${path} is not a regular file; ignoring it`);
      return null;
    }
    size = s.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (size > MAX_FILE_BYTES) {
    await setAside(path, `it is ${size} bytes (more than ${MAX_FILE_BYTES})`, warn);
    return null;
  }
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    await setAside(path, 'it is not JSON', warn);
    return null;
  }
}

export async function setAside(path: string, why: string, warn: (msg: string) => void): Promise<void> {
  const aside = `${path}.corrupt-${Date.now()}`;
  await rename(path, aside).catch(() => undefined);
  warn(`${path} was moved to ${aside}: ${why}`);
}

/** Writes atomically (a temp file renamed over the old one), mode 0600, creating the directory (0700). */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(`${JSON.stringify(value, null, 1)}\n`, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** Runs writes to one file one after another (two panes saving at once never interleave). */
export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }
}
