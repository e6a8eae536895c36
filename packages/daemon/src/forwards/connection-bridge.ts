import type { Socket } from 'node:net';
import { errorMessage } from '../util/errors.js';
import type { PortForwardStream } from '../kube/portforward/pf-stream.js';

/** Bytes waiting for a slow local client before reading from the API server pauses. */
export const LOCAL_BUFFER_BYTES = 512 * 1024;

/**
 * After the local client ended its side (the v4 protocol cannot pass a half-close on), how long
 * the pod may stay silent before the stream is closed (also when the client sent nothing: the pod
 * may speak first). Such a connection gives way when the forward needs room for a new one.
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
  /**
   * The pod's side is over: the local client was told (FIN) and only has to close its side; bytes
   * it still sends are dropped (not counted), and HALF_CLOSE_IDLE_MS after everything for it was
   * written the connection is closed anyway.
   */
  readonly remoteEnded: boolean;
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
  let remoteEnded = false;
  let stream: PortForwardStream | null = null;
  let finished = false;
  let halfCloseTimer: NodeJS.Timeout | null = null;
  /** Reading from the API server is paused: the local client has not taken what it was sent. */
  let holding = false;

  const finish = (error: string | null): void => {
    if (finished) return;
    finished = true;
    if (halfCloseTimer) clearTimeout(halfCloseTimer);
    ev.done(error);
  };
  const armHalfClose = (): void => {
    if (halfCloseTimer) clearTimeout(halfCloseTimer);
    halfCloseTimer = setTimeout(() => {
      // The pod is not silent while its bytes wait for a slow local reader (we hold it back):
      // closing now would cut the answer short with a clean end.
      if (holding || socket.writableLength > 0) {
        armHalfClose();
        return;
      }
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
          if (!socket.write(chunk) && socket.writableLength > LOCAL_BUFFER_BYTES) {
            holding = true;
            s.pause();
          }
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
            remoteEnded = true;
            // Nothing can reach the pod any more. What the client still sends is read and dropped
            // (a socket paused for the stream reads again, so its end is seen; unread bytes would
            // turn the close into a reset that can cost the client the answer), and a client that
            // does not close is let go of HALF_CLOSE_IDLE_MS after everything for it was written.
            socket.resume();
            socket.end(() => {
              if (socket.destroyed) return;
              const linger = setTimeout(() => socket.destroy(), HALF_CLOSE_IDLE_MS);
              socket.once('close', () => clearTimeout(linger));
            });
          }
        },
      });
      socket.on('drain', () => {
        holding = false;
        s.resume();
      });
      socket.on('data', (chunk: Buffer) => {
        // The pod's side is closed: these bytes go nowhere, and are not counted as sent.
        if (remoteEnded) return;
        ev.bytesOut(chunk.length);
        if (!s.write(chunk)) socket.pause();
      });
      // The v4 protocol has no half-close: keep the stream while the pod still answers what was
      // asked, or speaks first (an SSH or SMTP greeting read by `nc -N … </dev/null`).
      socket.on('end', () => {
        localEnded = true;
        if (!remoteEnded) armHalfClose();
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
    get remoteEnded() {
      return remoteEnded;
    },
    close: () => {
      abort.abort();
      stream?.close();
      socket.destroy();
    },
  };
}
