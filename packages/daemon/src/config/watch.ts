import { watch } from 'chokidar';
import { statSync, watch as watchDirectory } from 'node:fs';
import { basename, dirname } from 'node:path';

/** What identifies a version of a file (inode, size, mtime), or `missing`. */
export function fileStamp(file: string): string {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** Which directory is at `path` now (device and inode), or null when none is. */
function dirId(path: string): string | null {
  try {
    const st = statSync(path);
    return st.isDirectory() ? `${st.dev}:${st.ino}` : null;
  } catch {
    return null;
  }
}

/** A watch this module holds: chokidar's on the file's directory, node's own on an ancestor. */
interface Watch {
  on(event: 'raw', listener: () => void): unknown;
  close(): Promise<void> | void;
}

/**
 * Calls `onChange` (debounced: only after `debounceMs` without another event, so a file written in
 * several chunks is read once it is quiet) when the file is written, replaced atomically, created or
 * removed. Watches the directory so an editor's rename-over-save and a first creation are seen; when
 * the directory itself does not exist yet (no ~/.config/kubetile at start), watches the nearest
 * existing ancestor until it appears, then moves closer.
 * `since`: the file's stamp when the caller last read it; a change between that read and the
 * watcher being ready (which the watcher cannot see) fires once it is.
 */
export function watchFile(file: string, onChange: () => void, debounceMs = 100, since?: string): { close(): Promise<void>; armed(): Promise<void> } {
  const name = basename(file);
  const dir = dirname(file);
  let timer: NodeJS.Timeout | null = null;
  let watcher: Watch | null = null;
  let closed = false;
  let arming: Promise<void> = Promise.resolve();

  const fire = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (!closed) onChange();
    }, debounceMs);
  };

  const rearm = (): void => {
    arming = arming.then(() => arm(false), () => arm(false));
  };

  async function arm(initial: boolean): Promise<void> {
    const old = watcher;
    watcher = null;
    await old?.close();
    if (closed) return;
    let at = dir;
    let next: string | null = null;
    // A file where a directory of the path should be (`~/.config/kubetile` a file) counts as not there yet.
    while (dirId(at) === null) {
      const up = dirname(at);
      if (up === at) return; // nothing exists at all: give up quietly
      next = at;
      at = up;
    }
    // Before the watch starts: a directory put in its place meanwhile is one it does not see.
    const rootId = dirId(at);
    let ready: Promise<void> = Promise.resolve();
    if (next === null) {
      const w = watch(dir, { ignoreInitial: true, depth: 0, ignored: (p: string) => p !== dir && basename(p) !== name });
      const onFile = (p: string): void => {
        if (basename(p) === name) fire();
      };
      w.on('add', onFile).on('change', onFile).on('unlink', (p) => {
        onFile(p);
        leaveIfGone(); // the directory went away with it: wait for it again
      });
      w.on('error', () => undefined);
      // Events before the watcher is ready are not seen: look again once it is.
      ready = new Promise<void>((resolve) => {
        w.once('ready', () => resolve());
        w.once('error', () => resolve());
      });
      watcher = w;
    } else {
      // Node's own watch, not chokidar's, while waiting: chokidar reads the whole directory again
      // (readdir and an lstat of every entry) on each event in it, and the ancestor is often HOME —
      // a shell writing its history there cost the daemon a scan of HOME per write. This one only
      // looks at the name the event carries.
      const awaited = next;
      const want = basename(awaited);
      let moved = false;
      const closer = (): void => {
        if (moved || closed || dirId(awaited) === null) return;
        moved = true;
        rearm();
        fire(); // the file may have been created with its directory, before the closer watch is ready
      };
      const raw: Array<() => void> = [];
      try {
        const w = watchDirectory(at, (_event, filename) => {
          // Any event under that name may be the one (a file there replaced by the directory at once).
          if (filename === null || filename === want) closer();
          for (const f of raw) f();
        });
        w.on('error', () => {
          for (const f of raw) f();
        });
        watcher = {
          on: (_event, listener) => raw.push(listener),
          close: () => w.close(),
        };
      } catch {
        // No watch to be had (EACCES, the inotify limit): as chokidar's errors were, nothing is seen.
        watcher = { on: () => undefined, close: () => undefined };
      }
    }
    // The watched directory itself removed (`rm -rf ~/.config/kubetile` when config.toml was already
    // gone, or before the watcher was ready) comes only as a raw event: no unlink is emitted, and the
    // watch on the deleted directory saw nothing ever again — a directory and file made anew later were
    // never read. Wait for it again instead.
    const root = at;
    let left = false;
    // Gone, or made anew at once (`rm -rf d && mkdir d`): a watch on the old directory sees nothing of the new.
    const leaveIfGone = (): void => {
      if (left || closed || (rootId !== null && dirId(root) === rootId)) return;
      left = true;
      rearm();
      if (next === null) fire(); // the file went with it (its unlink may never come from a closed watcher)
    };
    const w = watcher;
    w.on('raw', leaveIfGone);
    await ready;
    if (closed || watcher !== w) return;
    if (rootId === null || dirId(root) !== rootId) {
      // Gone while the watcher was set up: wait for it again (the file went with it: say so).
      leaveIfGone();
    } else if (next !== null && dirId(next) !== null) {
      // The directory appeared while we were setting up: move closer.
      rearm();
      fire();
    } else if (next === null && !initial) {
      // Re-armed after the directory came (or came back): the file may have come with it.
      fire();
    } else if (next === null && since !== undefined && fileStamp(file) !== since) {
      // Written after the caller read it but before the watcher was ready.
      fire();
    }
  }

  arming = arm(true);
  return {
    /** Resolves once the watch in place (or being put in place) sees events. */
    async armed() {
      await arming.catch(() => undefined);
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await arming.catch(() => undefined);
      await watcher?.close();
      watcher = null;
    },
  };
}

