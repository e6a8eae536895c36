import { copyFile, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
  /** `dropped`: what could not be read and was left out (the file as it was copied to `copiedTo`). */
  | { kind: 'ok'; state: SavedState; dropped: string[]; copiedTo: string | null }
  /** Unreadable, corrupt or from a newer kubetile: moved aside to `movedTo`, and why. */
  | { kind: 'moved'; movedTo: string | null; why: string };

/**
 * Reads the saved sessions. Anything wrong with the file (not JSON, not our schema, a future
 * version, too big, not a regular file) moves it aside with a reason — never fatal, never misread.
 */
export async function readStateFile(file: string): Promise<LoadedState> {
  const read = await readRegularFile(file, MAX_STATE_BYTES);
  if (read.kind === 'missing') return { kind: 'none' };
  const stamp = (kind: string): string => `${file}.${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
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
  const text = read.bytes.toString('utf8');
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
  if (parsed.dropped.length > 0) {
    // The next save rewrites the file without what was left out: the file as it was is kept.
    const to = stamp('corrupt');
    copiedTo = await copyFile(file, to).then(
      () => to,
      () => null,
    );
  }
  return { kind: 'ok', state: parsed.state, dropped: parsed.dropped, copiedTo };
}

/**
 * Writes atomically: a temporary file beside it, flushed, then renamed over the old one. A state
 * directory removed while the daemon runs (`rm -rf ~/.local/state/kubetile` to clear the logs) is
 * made again: every save failed after it, and the next start had no sessions to bring back.
 */
export async function writeStateFile(file: string, state: SavedState): Promise<void> {
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
