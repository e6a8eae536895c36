import type { Socket } from 'node:net';
import { activationFd, listenOnFd, listenOnSocket, type Listening } from './socket-listener.js';
import { fdSocketPath } from './fd-socket-path.js';

/** The socket, listening before the daemon is loaded; connections wait until it is. */
export interface EarlyListener {
  readonly listening: Listening;
  /** The socket came from systemd (LISTEN_FDS). */
  readonly viaSystemd: boolean;
  /**
   * The path clients reach it at: `path`, or the one systemd's socket is bound to (the unit's
   * ListenStream; run under systemd-socket-activate the environment that computed `path` is not the
   * shell's, and the daemon said and reported a socket nobody listened on).
   */
  readonly path: string;
  /** From now on `accept` takes every connection, starting with those that waited. */
  handOff(accept: (s: Socket) => void): void;
}

/**
 * Listens first — on the socket systemd passed, or on `path` — so a client (or `kubetile daemon
 * start`) can connect within a moment of the daemon's spawn; connections that arrive while the rest
 * of the daemon loads are held, unread, and handed over once it is ready.
 */
export async function listenEarly(path: string, opts: { privateDir: boolean }): Promise<EarlyListener> {
  const waiting = new Set<Socket>();
  let accept: ((s: Socket) => void) | null = null;
  const onConnection = (s: Socket): void => {
    if (accept) return accept(s);
    s.pause();
    waiting.add(s);
    s.once('close', () => waiting.delete(s));
    s.on('error', () => undefined);
  };
  const fd = activationFd();
  const listening = fd !== null ? await listenOnFd(fd, onConnection) : await listenOnSocket(path, onConnection, opts);
  return {
    listening,
    viaSystemd: fd !== null,
    path: fd !== null ? (fdSocketPath(fd) ?? path) : path,
    handOff(fn) {
      accept = fn;
      for (const s of [...waiting]) {
        waiting.delete(s);
        if (s.destroyed) continue;
        fn(s);
        s.resume();
      }
    },
  };
}
