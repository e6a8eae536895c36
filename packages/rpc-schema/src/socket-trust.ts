import { lstat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';

/**
 * When a socket may be trusted. Whoever controls the socket's directory controls which process
 * answers on it, so a client (and the daemon, before it listens) checks with lstat, following no
 * symlink:
 * - the private runtime directory (`$XDG_RUNTIME_DIR/kubetile`, or `$TMPDIR/kubetile-UID` when
 *   that is unset, a name anyone can create first) must be a real directory owned by us, mode 0700;
 * - any other directory (an explicit `--socket` path) must be a real directory owned by us or
 *   root, and not writable by group or others unless sticky (like /tmp, where only a file's owner
 *   may replace it);
 * - the socket must be a socket (not a symlink) owned by us.
 */

export type SocketDirKind = 'private' | 'shared';

/** The effective uid, or null where there is none (not POSIX): then nothing can be checked. */
export function currentUid(): number | null {
  return typeof process.geteuid === 'function' ? process.geteuid() : null;
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** What is wrong with the socket directory as found by lstat, or null when it may be trusted. */
export function socketDirStatProblem(dir: string, st: Stats, kind: SocketDirKind, uid: number): string | null {
  if (st.isSymbolicLink()) return `socket directory ${dir} is a symbolic link; it must be a real directory`;
  if (!st.isDirectory()) return `socket directory ${dir} is not a directory`;
  if (kind === 'private') {
    if (st.uid !== uid) return `socket directory ${dir} is owned by uid ${st.uid}, not by you (uid ${uid})`;
    if ((st.mode & 0o777) !== 0o700) return `socket directory ${dir} has mode ${octal(st.mode)}; it must be 0700`;
    return null;
  }
  if (st.uid !== uid && st.uid !== 0) return `socket directory ${dir} is owned by uid ${st.uid}, not by you (uid ${uid}) or root`;
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) {
    return `socket directory ${dir} (mode ${octal(st.mode)}) is writable by others and not sticky; anyone could replace the socket`;
  }
  return null;
}

/** What is wrong with the socket file as found by lstat, or null when it may be trusted. */
export function socketFileStatProblem(path: string, st: Stats, uid: number): string | null {
  if (st.isSymbolicLink()) return `socket ${path} is a symbolic link; it must be the socket itself`;
  if (!st.isSocket()) return `${path} is not a socket`;
  if (st.uid !== uid) return `socket ${path} is owned by uid ${st.uid}, not by you (uid ${uid})`;
  return null;
}

/**
 * Why the socket at `path` must not be trusted, or null. A directory or socket that does not
 * exist is no problem here (connecting then fails as "no socket file").
 */
export async function socketTrustProblem(path: string, kind: SocketDirKind, uid: number | null = currentUid()): Promise<string | null> {
  if (uid === null) return null;
  const dir = dirname(path);
  const dirStat = await lstatOrNull(dir);
  if (!dirStat) return null;
  const dirProblem = socketDirStatProblem(dir, dirStat, kind, uid);
  if (dirProblem) return dirProblem;
  const st = await lstatOrNull(path);
  return st ? socketFileStatProblem(path, st, uid) : null;
}
