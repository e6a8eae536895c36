import type { Socket } from 'node:net';
import { errorMessage } from '../util/errors.js';
import type { PortForwardStream } from '../kube/portforward/pf-stream.js';

/** Bytes waiting for a slow local client before reading from the API server pauses. */
export const LOCAL_BUFFER_BYTES = 512 * 1024;

/**
 * After the local client ended its side (the v4 protocol cannot pass a half-close on), how long
 * the pod may stay silent before the stream is closed; a client that sent nothing is done at once.
 */
export const HALF_CLOSE_IDLE_MS = 10_000;

export interface BridgeEvents {
  /** Bytes from the pod delivered to the local socket, and from the local socket sent to the pod. */
  bytesIn(n: number): void;
  bytesOut(n: number): void;
  /** The connection is over (once): the error that ended it (the error channel's text, a refused stream…), or null. */
  done(error: string | null): void;
}

/** One bridged connection, as its forward sees it. */
export interface BridgedConnection {
  /**
   * The local client has ended its side (TCP cannot say whether it half-closed or went away): the
   * connection only waits for the pod's last answer, for up to HALF_CLOSE_IDLE_MS of silence.
   */
  readonly localEnded: boolean;
  /** Closes the API stream and the local socket now. */
  close(): void;
}

/**
 * Joins one accepted local connection to one API stream, with backpressure both ways (a full
 * local socket (half a megabyte waiting) pauses reading from the API server; a stream with a megabyte queued pauses the
 * local socket): nothing is buffered without bound. The local socket must arrive paused; it is
 * read once the stream is open. A refused stream or an error-channel message closes the local
 * connection at once; a clean end of the pod's side ends it after the data.
 */
export function bridge(socket: Socket, open: (signal: AbortSignal) => Promise<PortForwardStream>, ev: BridgeEvents): BridgedConnection {
  const abort = new AbortController();
  let localEnded = false;
  let stream: PortForwardStream | null = null;
  let finished = false;
  let halfCloseTimer: NodeJS.Timeout | null = null;
  let sent = 0;

  const finish = (error: string | null): void => {
    if (finished) return;
    finished = true;
    if (halfCloseTimer) clearTimeout(halfCloseTimer);
    ev.done(error);
  };
  const armHalfClose = (): void => {
    if (halfCloseTimer) clearTimeout(halfCloseTimer);
    halfCloseTimer = setTimeout(() => {
      stream?.close();
      socket.end();
    }, HALF_CLOSE_IDLE_MS);
    halfCloseTimer.unref();
  };

  socket.setNoDelay(true);
  // A local client that resets its connection is its own business: the close below tidies up.
  socket.on('error', () => undefined);
  socket.on('close', () => {
    abort.abort();
    stream?.close();
    finish(null);
  });

  open(abort.signal).then(
    (s) => {
      if (finished || socket.destroyed) {
        s.close();
        return;
      }
      stream = s;
      s.start({
        data: (chunk) => {
          if (!socket.writable) return;
          ev.bytesIn(chunk.length);
          if (halfCloseTimer) armHalfClose();
          // Pausing on every full 16 KiB socket buffer would stop and start the stream per message.
          if (!socket.write(chunk) && socket.writableLength > LOCAL_BUFFER_BYTES) s.pause();
        },
        drain: () => {
          if (!finished) socket.resume();
        },
        end: (error) => {
          if (error) {
            finish(error);
            socket.destroy();
          } else {
            finish(null);
            socket.end();
          }
        },
      });
      socket.on('drain', () => s.resume());
      socket.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        ev.bytesOut(chunk.length);
        if (!s.write(chunk)) socket.pause();
      });
      // The v4 protocol has no half-close: keep the stream while the pod still answers what was asked.
      socket.on('end', () => {
        localEnded = true;
        if (sent > 0) armHalfClose();
        else {
          s.close();
          socket.end();
        }
      });
      socket.resume();
    },
    (err: unknown) => {
      finish(abort.signal.aborted ? null : errorMessage(err));
      socket.destroy();
    },
  );
  return {
    get localEnded() {
      return localEnded;
    },
    close: () => {
      abort.abort();
      stream?.close();
      socket.destroy();
    },
  };
}
