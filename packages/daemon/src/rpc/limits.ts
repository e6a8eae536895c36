import { openFilesLimit } from '../util/fd-limit.js';

/**
 * What one connection may cost the daemon. Defaults suit real clients; tests (and a cautious
 * operator) lower them through the environment.
 */
export interface SocketLimits {
  /** Replies and notifications queued unread for one client; past this it is disconnected at once. */
  readonly maxQueuedBytes: number;
  /** Above this many queued bytes the daemon stops reading that client's requests until it reads. */
  readonly pauseReadingAboveBytes: number;
  /** A client above `pauseReadingAboveBytes` that reads nothing for this long is disconnected. */
  readonly stallTimeoutMs: number;
  /** A frame (header and body) must arrive completely within this long once it has begun. */
  readonly frameTimeoutMs: number;
  /** A connection must complete daemon/hello within this long. */
  readonly helloTimeoutMs: number;
  /** Requests one connection may have in flight (read, not yet answered); further ones wait unread. */
  readonly maxInFlight: number;
  /** Log lines one connection may cause per window; the rest are counted and reported once. */
  readonly logBurst: number;
  readonly logWindowMs: number;
  /**
   * Connections open at once; one more is answered with an error saying so and closed. Each holds a
   * file descriptor: a script leaking connections ran the daemon out of them (EMFILE), and then it
   * could open no connection to the API server, no file, and new clients got a bare EPIPE.
   */
  readonly maxConnections: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  maxQueuedBytes: 8 * 1024 * 1024,
  pauseReadingAboveBytes: 1024 * 1024,
  stallTimeoutMs: 30_000,
  frameTimeoutMs: 30_000,
  helloTimeoutMs: 30_000,
  maxInFlight: 32,
  logBurst: 20,
  logWindowMs: 10_000,
  maxConnections: 1024,
};

/** A quarter of the open-files limit (the rest for the API server, files, plugins), 16 to 1,024. */
export function connectionsFor(openFiles: number | null): number {
  if (openFiles === null) return DEFAULT_SOCKET_LIMITS.maxConnections;
  return Math.max(16, Math.min(DEFAULT_SOCKET_LIMITS.maxConnections, Math.floor(openFiles / 4)));
}

function positiveInt(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/**
 * The limits in force: the defaults, overridden by KUBETILE_MAX_QUEUED_BYTES,
 * KUBETILE_STALL_TIMEOUT_MS, KUBETILE_FRAME_TIMEOUT_MS, KUBETILE_HELLO_TIMEOUT_MS and
 * KUBETILE_MAX_CONNECTIONS (positive integers; anything else is ignored); the connections' default
 * follows the open-files limit.
 */
export function socketLimits(env: NodeJS.ProcessEnv = process.env, openFiles: number | null = openFilesLimit()): SocketLimits {
  const d = DEFAULT_SOCKET_LIMITS;
  const maxQueuedBytes = positiveInt(env.KUBETILE_MAX_QUEUED_BYTES, d.maxQueuedBytes);
  return {
    ...d,
    maxQueuedBytes,
    pauseReadingAboveBytes: Math.min(d.pauseReadingAboveBytes, Math.ceil(maxQueuedBytes / 2)),
    stallTimeoutMs: positiveInt(env.KUBETILE_STALL_TIMEOUT_MS, d.stallTimeoutMs),
    frameTimeoutMs: positiveInt(env.KUBETILE_FRAME_TIMEOUT_MS, d.frameTimeoutMs),
    helloTimeoutMs: positiveInt(env.KUBETILE_HELLO_TIMEOUT_MS, d.helloTimeoutMs),
    maxConnections: positiveInt(env.KUBETILE_MAX_CONNECTIONS, connectionsFor(openFiles)),
  };
}
