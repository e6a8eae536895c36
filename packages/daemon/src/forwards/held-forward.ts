import type { Server, Socket } from 'node:net';
import type { OpenStreams } from '../util/open-streams.js';
import { askedInfo, LOOPBACK } from './forward.js';
import type { ForwardInfo, ForwardRequest, PodOwner } from './forward-types.js';

/** Longest reason kept for the pane. */
const MAX_WHY = 500;

/**
 * A saved forward the daemon could not start after a restart because the cluster did not answer
 * (the API server refused, timed out, 401/429/5xx): listed by `portForward/list` and the pane
 * (`waiting for the cluster`, the reason in `error`), stoppable like any forward, saved with the
 * sessions, and holding its local port on 127.0.0.1 so that nothing else takes it before the
 * cluster answers (a connection meanwhile is reset at once: nothing is there yet). `server` is
 * null when the port was already taken at the restart (the forward then comes back on a new one).
 */
export class HeldForward {
  readonly startedAt = new Date();
  private why: string;
  private whyAt = new Date();
  private readonly release: () => void;
  private closed = false;

  constructor(
    readonly id: string,
    readonly request: ForwardRequest,
    readonly follows: PodOwner | undefined,
    why: string,
    private readonly server: Server | null,
    streams: OpenStreams,
  ) {
    this.why = why.slice(0, MAX_WHY);
    this.release = server ? streams.open('port-forward-listeners') : () => undefined;
    server?.on('connection', (s: Socket) => {
      s.on('error', () => undefined);
      s.resetAndDestroy();
    });
    server?.on('error', () => undefined);
    server?.on('close', () => this.release());
  }

  /** Whether it listens on its port (false when the port was taken at the restart, or it let go). */
  get holdsPort(): boolean {
    return !this.closed && this.server?.listening === true;
  }

  /** The port it holds (or the saved one, when it could not be held). */
  get localPort(): number {
    const addr = this.server?.address();
    return typeof addr === 'object' && addr ? addr.port : this.request.localPort;
  }

  get target(): string {
    return `${this.request.kind}/${this.request.name}`;
  }

  /** `pod/web:80 -> 127.0.0.1:54321`, as a running forward says it. */
  describe(): string {
    return `${this.target}:${this.request.remotePort} -> ${LOOPBACK}:${this.localPort}`;
  }

  /** Another try found the cluster still not answering: its reason now. */
  stillWaiting(why: string): void {
    this.why = why.slice(0, MAX_WHY);
    this.whyAt = new Date();
  }

  info(): ForwardInfo {
    return {
      ...askedInfo(this.id, this.request, this.localPort, this.startedAt),
      pod: null,
      podPort: null,
      connections: 0,
      totalConnections: 0,
      bytesIn: 0,
      bytesOut: 0,
      state: 'waiting for the cluster',
      error: this.why,
      errorAt: this.whyAt.toISOString(),
    };
  }

  /** Lets go of the port (to start the forward on it, or stopped). */
  close(): Promise<void> {
    if (this.closed || !this.server) return Promise.resolve();
    this.closed = true;
    const server = this.server;
    return new Promise<void>((resolve) => {
      if (!server.listening) {
        this.release();
        return resolve();
      }
      server.close(() => resolve());
    });
  }
}
