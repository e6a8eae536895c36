import type { Socket } from 'node:net';
import type { OpenStreams } from '../util/open-streams.js';
import { askedInfo } from './forward.js';
import { hostPorts, type Listening } from './loopback.js';
import type { ForwardInfo, ForwardRequest, PodOwner } from './forward-types.js';

/** Longest reason kept for the pane. */
const MAX_WHY = 500;

/**
 * A saved forward the daemon could not start after a restart because the cluster did not answer
 * (the API server refused, timed out, 401/429/5xx): listed by `portForward/list` and the pane
 * (`waiting for the cluster`, the reason in `error`), stoppable like any forward, saved with the
 * sessions, and holding its local port on 127.0.0.1 and ::1 so that nothing else takes it before the
 * cluster answers (a connection meanwhile is reset at once: nothing is there yet). `listening` is
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
    private readonly listening: Listening | null,
    streams: OpenStreams,
  ) {
    this.why = why.slice(0, MAX_WHY);
    // One count per forward, released when its last listener closed.
    this.release = listening ? streams.open('port-forward-listeners') : () => undefined;
    for (const { server } of listening?.listeners ?? []) {
      server.on('connection', (s: Socket) => {
        s.on('error', () => undefined);
        s.resetAndDestroy();
      });
      server.on('error', () => undefined);
      server.on('close', () => {
        if (this.heldOn().length === 0) this.release();
      });
    }
  }

  /** The loopbacks whose port it holds now. */
  private heldOn(): string[] {
    return (this.listening?.listeners ?? []).filter((l) => l.server.listening).map((l) => l.address);
  }

  /** Whether it listens on its port (false when the port was taken at the restart, or it let go). */
  get holdsPort(): boolean {
    return !this.closed && this.heldOn().length > 0;
  }

  /** The port it holds (or the saved one, when it could not be held). */
  get localPort(): number {
    return this.listening?.port ?? this.request.localPort;
  }

  get target(): string {
    return `${this.request.kind}/${this.request.name}`;
  }

  /** `pod/web:80 -> 127.0.0.1:54321, [::1]:54321`, as a running forward says it (where it holds the port; 127.0.0.1 when it holds none). */
  describe(): string {
    return `${this.target}:${this.request.remotePort} -> ${hostPorts(this.holdsPort ? this.heldOn() : [], this.localPort)}`;
  }

  /** Another try found the cluster still not answering: its reason now. */
  stillWaiting(why: string): void {
    this.why = why.slice(0, MAX_WHY);
    this.whyAt = new Date();
  }

  info(): ForwardInfo {
    return {
      ...askedInfo(this.id, this.request, this.localPort, this.closed ? [] : this.heldOn(), this.startedAt),
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
    if (this.closed || !this.listening) return Promise.resolve();
    this.closed = true;
    const servers = this.listening.listeners.map((l) => l.server);
    return Promise.all(servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())))).then(() => this.release());
  }
}
