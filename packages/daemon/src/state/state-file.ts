import { copyFile, mkdir, readdir, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readRegularFile } from '../util/regular-file.js';
import { salvageState } from './salvage.js';
import { STATE_VERSION, type SavedState } from './saved-state.js';

/**
 * The biggest state file: read up to this, written within it (state/fit-state.ts leaves the biggest
 * tabs out of a bigger one). A session holds a few KiB; this is for workspaces near their limits.
 */
export const MAX_STATE_BYTES = 32 * 1024 * 1024;

export type LoadedState =
  | { kind: 'none' }
  /**
   * `dropped`: what could not be read and was left out; `damaged`: what was read other than it is
   * written (bytes that are not UTF-8). Either way the file as it was is copied to `copiedTo`.
   */
  | { kind: 'ok'; state: SavedState; dropped: string[]; damaged?: string; copiedTo: string | null }
  /** Unreadable, corrupt or from a newer kubetile: moved aside to `movedTo`, and why. */
  | { kind: 'moved'; movedTo: string | null; why: string };

/**
 * Reads the saved sessions. Anything wrong with the file (not JSON, not our schema, a future
 * version, too big, not a regular file) moves it aside with a reason — never fatal, never misread.
 */
export async function readStateFile(file: string): Promise<LoadedState> {
  const read = await readRegularFile(file, MAX_STATE_BYTES);
  if (read.kind === 'missing') return { kind: 'none' };
  const stamp = (kind: 'future' | 'corrupt'): string => asideName(file, kind);
  const aside = async (why: string): Promise<LoadedState> => {
    const movedTo = stamp(why.startsWith('written by a newer') ? 'future' : 'corrupt');
    try {
      await rename(file, movedTo);
      return { kind: 'moved', movedTo, why };
    } catch {
      return { kind: 'moved', movedTo: null, why };
    }
  };
  if (read.kind === 'refused') {
    if (read.tooBig !== undefined) return aside(`${read.tooBig} bytes, more than a saved state can be`);
    if (read.message.startsWith('not a regular file')) return aside('not a regular file');
    // Unreadable (permissions): moved aside as well, so the next save does not write over it.
    return aside(`cannot read it: ${read.message}`);
  }
  const { text, damaged } = decode(read.bytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return aside(`not JSON (${(err as Error).message})`);
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STATE_VERSION) return aside(`written by a newer kubetile (state version ${version}; this one reads ${STATE_VERSION})`);
  const parsed = salvageState(raw);
  if ('error' in parsed) return aside(`not a kubetile state (${parsed.error})`);
  let copiedTo: string | null = null;
  if (parsed.dropped.length > 0 || damaged !== undefined) {
    // The next save rewrites the file without what was left out: the file as it was is kept.
    copiedTo = await copyStateFile(file, stamp('corrupt'));
  }
  return { kind: 'ok', state: parsed.state, dropped: parsed.dropped, ...(damaged === undefined ? {} : { damaged }), copiedTo };
}

/** Where a state file is moved or copied aside: `sessions.json.corrupt-2026-12-06T09-43-00-000Z`. */
export const asideName = (file: string, kind: 'future' | 'corrupt'): string => `${file}.${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}`;

/** Copies the file as it is to `to` (a copy the next save does not write over); null when it cannot. */
function copyStateFile(file: string, to: string): Promise<string | null> {
  return copyFile(file, to).then(
    () => to,
    () => null,
  );
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The file's text. A byte-order mark (an editor's, after a hand edit) is skipped: JSON.parse refused
 * it and every session was moved aside. Bytes that are not UTF-8 (an edit in another encoding, a disk
 * error) are read as U+FFFD and said: the next save wrote the changed text over the file unsaid.
 */
function decode(bytes: Buffer): { text: string; damaged?: string } {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(start);
  try {
    return { text: UTF8.decode(body) };
  } catch {
    return { text: body.toString('utf8'), damaged: 'bytes that are not UTF-8 (read as U+FFFD)' };
  }
}

/**
 * Removes what a save cut short left (`sessions.json.tmp-PID`, up to 32 MiB each: a daemon killed
 * with -9 or a power cut during a save): the lock makes this daemon the only one writing here.
 */
export async function removeStaleTemps(file: string): Promise<string[]> {
  file = await realpath(file).catch(() => file);
  const prefix = `${basename(file)}.tmp-`;
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const n of names) {
    if (!n.startsWith(prefix) || n === `${prefix}${process.pid}`) continue;
    const p = join(dirname(file), n);
    if (await unlink(p).then(() => true, () => false)) removed.push(p);
  }
  return removed;
}

/**
 * Writes atomically: a temporary file beside it, flushed, then renamed over the old one. A state
 * directory removed while the daemon runs (`rm -rf ~/.local/state/kubetile` to clear the logs) is
 * made again: every save failed after it, and the next start had no sessions to bring back.
 */
export async function writeStateFile(file: string, state: SavedState): Promise<void> {
  // A state file that is a symlink (kept on another disk, in a synced folder) is written where it
  // points: the rename replaced the link with a plain file, and the file it named stopped changing.
  file = await realpath(file).catch(() => file);
  const tmp = `${file}.tmp-${process.pid}`;
  const text = `${JSON.stringify(state)}\n`;
  try {
    try {
      await writeFile(tmp, text, { mode: 0o600, flush: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(tmp, text, { mode: 0o600, flush: true });
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
