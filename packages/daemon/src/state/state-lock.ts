import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/** Another daemon holds the state directory. */
export class StateLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateLockedError';
  }
}

interface Holder {
  pid: number;
  socket: string;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function holderIn(text: string | null): Holder | null {
  try {
    const v = JSON.parse(text ?? '') as unknown;
    if (typeof v === 'object' && v !== null && Number.isInteger((v as Holder).pid) && typeof (v as Holder).socket === 'string') return v as Holder;
  } catch {
    /* unreadable or half written: as good as none */
  }
  return null;
}

/**
 * Removes the lock file if it still holds `seen` (the lock judged stale). Another daemon may have
 * taken the directory over meanwhile (asking the stale lock's socket takes a while): its fresh lock
 * was removed too, and both daemons ran on the directory. The file is moved aside in one step, so
 * what is removed is exactly what was looked at; a lock that is not the stale one is put back.
 */
function removeIfStill(file: string, seen: string | null): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // already gone: another daemon took it over first
  }
  const now = readText(aside);
  if (now !== seen) {
    try {
      linkSync(aside, file);
    } catch {
      /* yet another lock was made meanwhile: that one holds */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* gone */
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function justMade(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < 2000;
  } catch {
    return false;
  }
}

/** Whether a daemon answers on `socket` (a pid that was reused by another program has none). */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socket);
    const done = (v: boolean): void => {
      s.destroy();
      resolve(v);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    setTimeout(() => done(false), 2000).unref();
  });
}

/**
 * One daemon per state directory: two would save their sessions over each other's (the last to
 * save wins, the other's sessions are gone at the next start) and share a log. The lock is a file
 * naming the daemon (pid, socket), made with O_EXCL; a file whose daemon is gone — its pid dead, or
 * nothing answering on its socket, or its socket the one this daemon already listens on — is taken
 * over. `socket` must already be ours (listened on) when this is called. Returns the release (the file is removed if it
 * is still ours).
 */
export async function lockStateDir(dir: string, socket: string): Promise<() => void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'daemon.lock');
  const mine = JSON.stringify({ pid: process.pid, socket });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(file, mine, { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (readFileSync(file, 'utf8') === mine) unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const seen = readText(file);
    const holder = holderIn(seen);
    // Just made by a daemon starting now, not yet written: wait for its contents.
    if (!holder && justMade(file)) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    // On our own socket the holder cannot answer: we listen there (we would not, had a daemon answered).
    // Asking it reached our own listener, so a pid reused after a reboot or a daemon killed with -9 and
    // not yet reaped (a zombie is "alive") passed for a running daemon and no daemon could start.
    if (holder && holder.pid !== process.pid && holder.socket !== socket && alive(holder.pid) && (await answers(holder.socket))) {
      throw new StateLockedError(
        `another kubetile daemon (pid ${holder.pid}, socket ${holder.socket}) uses the state directory ${dir}: two would save their sessions over each other's. Use that one, or give this one its own with --state-dir DIR (kubetile daemon start --state-dir DIR, or KUBETILE_STATE_DIR)`,
      );
    }
    // Its daemon is gone: take the directory over (if two try at once, one makes the file and the other sees it held).
    removeIfStill(file, seen);
  }
  throw new StateLockedError(`cannot lock the state directory ${dir} (${file} keeps coming back): is another kubetile daemon starting?`);
}
