/**
 * What a long streamed GET (a followed log) hands its reader, whichever HTTP client carries it.
 * Calls come one at a time and in order: status, body pieces, then one of end or fail.
 */
export interface BodySink {
  /** The answer's status; its headers are in. */
  onStatus(status: number): void;
  /**
   * Body bytes, all that arrived together (one read of the socket) as one buffer, valid only during
   * the call. A returned promise pauses the body until it settles: no call comes meanwhile, and
   * the connection is not read (TCP pushes back).
   */
  onBody(chunk: Buffer): void | Promise<void>;
  /** The server finished the body. */
  onEnd(): void;
  /**
   * The request failed before its answer came (`answered` false: the error to show), or the body
   * was cut (`answered` true; `err` null when the server closed the connection without an error).
   */
  onFail(err: unknown, answered: boolean): void;
}

export interface BodyStream {
  /** Stops the request and closes its connection; no sink call comes after it. */
  abort(): void;
}

export interface PreparedBodyStream {
  /** The server URL from the kubeconfig (and the proxy in between), for messages. */
  server: string;
  /** `GET /api/v1/…/log`, for messages. */
  what: string;
  start(sink: BodySink): BodyStream;
}

/** TCP keepalive of a stream's connection (a followed log, a watch): it can be quiet for hours; the kernel notices a dead peer. */
export const STREAM_KEEPALIVE_MS = 30_000;
