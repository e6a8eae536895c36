import type { Server, Socket } from 'node:net';
import type { KubeConfig } from '../kube/kubeconfig.js';
import type { Logger } from '../logging/logger.js';
import type { InformerHandle } from '../kube/informer-pool.js';
import { openPortForward } from '../kube/portforward/pf-stream.js';
import type { OpenStreams } from '../util/open-streams.js';
import { bridge, type BridgedConnection } from './connection-bridge.js';
import type { ForwardInfo, ForwardRequest, ForwardState, PodOwner, ResolvedTarget } from './forward-types.js';
import { PodPicker, type PodSource } from './pod-picker.js';
import { hostPort } from '@kubetile/rpc-schema';
import { hostPorts, LOOPBACK, type Listening } from './loopback.js';

export { LOOPBACK, listenLoopback } from './loopback.js';
/**
 * Connections one forward carries at once; past it, the oldest connection whose local client has
 * already closed its side makes room, and when none has, the new one is closed (configurable later).
 */
export const MAX_CONNECTIONS_PER_FORWARD = 256;
/** Longest error text kept for the pane. */
const MAX_ERROR_TEXT = 500;
/** The same connection error is logged at most this often per forward. */
const LOG_EVERY_MS = 10_000;

/** What a forward's info says of what was asked for: its id, target, ports and start (running or held); `addresses`: where it listens now. */
export function askedInfo(
  id: string,
  request: ForwardRequest,
  localPort: number,
  addresses: string[],
  startedAt: Date,
): Pick<ForwardInfo, 'id' | 'context' | 'namespace' | 'kind' | 'name' | 'target' | 'remotePort' | 'localAddress' | 'localAddresses' | 'localPort' | 'startedAt'> {
  const { context, namespace, kind, name, remotePort } = request;
  return { id, context, namespace, kind, name, target: `${kind}/${name}`, remotePort, localAddress: LOOPBACK, localAddresses: addresses, localPort, startedAt: startedAt.toISOString() };
}

export interface ForwardDeps {
  kc: KubeConfig;
  streams: OpenStreams;
  logger: Logger;
  /** The namespace's pods (shared watch), or null when they cannot be watched. */
  pods: InformerHandle | null;
  /** Something the pane shows changed (connections, state, errors). */
  changed(): void;
  maxConnections?: number;
}

/**
 * One port-forward owned by the daemon: listeners on 127.0.0.1 and ::1 (see listenLoopback), one API stream per accepted
 * connection to the pod the picker chooses (followed through rollouts and crashes), counters,
 * the state and the last error for the pane. Lives until `stop()`, whoever is attached.
 */
export class Forward {
  readonly startedAt = new Date();
  readonly localPort: number;
  /** The loopbacks it was started on (IPv4 first). */
  readonly addresses: string[];
  /** The workload a forward to a pod follows its pod through (saved with the forward), if any. */
  readonly follows: PodOwner | undefined;
  private readonly sockets = new Map<Socket, BridgedConnection | null>();
  private readonly picker: PodPicker;
  private readonly source: PodSource;
  private totalConnections = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private error: string | null = null;
  private errorAt: Date | null = null;
  private listenerFailed = false;
  private stopped = false;
  private lastLogged = { text: '', at: 0 };
  private lastState: ForwardState | null = null;
  private readonly releaseListener: () => void;
  private readonly servers: Server[];
  private readonly unwatch: () => void;
  private everSynced = false;

  constructor(
    readonly id: string,
    readonly request: ForwardRequest,
    resolved: ResolvedTarget,
    listening: Listening,
    private readonly deps: ForwardDeps,
  ) {
    this.localPort = listening.port;
    this.addresses = listening.listeners.map((l) => l.address);
    this.servers = listening.listeners.map((l) => l.server);
    this.follows = resolved.follows;
    this.picker = new PodPicker(resolved.backing, resolved.podPort, resolved.first, request.kind === 'pod' ? request.name : null);
    const reflector = deps.pods?.reflector ?? null;
    this.everSynced = reflector?.state === 'synced';
    this.source = {
      known: () => this.everSynced && reflector !== null && reflector.state !== 'error',
      byUid: (uid) => reflector?.store.get(uid)?.obj,
      all: () => (reflector ? reflector.store.sorted.map((e) => e.obj) : []),
    };
    this.unwatch =
      reflector?.changed.subscribe(() => {
        if (reflector.state === 'synced') this.everSynced = true;
        this.noteState();
      }) ?? (() => undefined);
    // One count per forward (daemon/status counts forwards by it), released when its last listener closed.
    this.releaseListener = deps.streams.open('port-forward-listeners');
    for (const { address, server } of listening.listeners) {
      const where = hostPort(address, this.localPort);
      server.on('connection', (s: Socket) => this.accept(s));
      // An accept error (EMFILE…) leaves the listener up; only a listener that stopped listening has failed.
      server.on('error', (err: Error) => (server.listening ? this.note(`the listener on ${where}: ${err.message}`) : this.listenerDied(where, err.message)));
      server.on('close', () => {
        if (!this.servers.some((x) => x.listening)) this.releaseListener();
        if (!this.stopped) this.listenerDied(where, 'the listener closed');
      });
    }
    this.lastState = this.state();
    if (listening.missing) this.note(listening.missing);
  }

  get target(): string {
    return `${this.request.kind}/${this.request.name}`;
  }

  /** `pod/web:80 -> 127.0.0.1:54321, [::1]:54321`. */
  describe(): string {
    return `${this.target}:${this.request.remotePort} -> ${hostPorts(this.addresses, this.localPort)}`;
  }

  /** The loopbacks it listens on now. */
  private listeningOn(): string[] {
    return this.stopped ? [] : this.addresses.filter((_, i) => this.servers[i]!.listening);
  }

  /** A listener stopped listening: the forward has failed when it was the last one. */
  private listenerDied(where: string, message: string): void {
    if (this.stopped || this.listenerFailed) return;
    const left = this.listeningOn();
    if (left.length > 0) {
      this.note(`the listener on ${where} failed: ${message}; still listening on ${hostPorts(left, this.localPort)}`);
      return;
    }
    this.listenerFailed = true;
    this.note(`listener failed: ${message}`);
  }

  /** Remembers the last error for the pane, and logs it (the same text at most every 10 s). */
  private note(text: string): void {
    const clipped = text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
    this.error = clipped;
    this.errorAt = new Date();
    const now = Date.now();
    if (clipped !== this.lastLogged.text || now - this.lastLogged.at > LOG_EVERY_MS) {
      this.lastLogged = { text: clipped, at: now };
      this.deps.logger.warn({ forward: this.id, target: this.target, namespace: this.request.namespace }, clipped);
    }
    this.deps.changed();
  }

  /** Tells the pane when the state changed (the pods watch saw the pod go, a new one come). */
  private noteState(): void {
    const s = this.state();
    if (s !== this.lastState) {
      this.lastState = s;
      this.deps.changed();
    }
  }

  private accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const max = this.deps.maxConnections ?? MAX_CONNECTIONS_PER_FORWARD;
    // A client that closed (curl in a loop, a health checker) looks half-closed: its connection
    // lingers until the pod is silent for HALF_CLOSE_IDLE_MS. Those give way to new connections.
    if (this.sockets.size >= max) this.evictEnded();
    if (this.sockets.size >= max) {
      socket.destroy();
      this.note(`a new connection was refused: ${max} are open (the limit per forward)`);
      return;
    }
    const pick = this.picker.pick(this.source);
    if (!pick.ok) {
      socket.destroy();
      this.note(`a connection was closed: ${pick.why}`);
      this.noteState();
      return;
    }
    this.sockets.set(socket, null);
    this.totalConnections++;
    const release = this.deps.streams.open('port-forward-connections');
    socket.once('close', () => {
      this.sockets.delete(socket);
      release();
      this.deps.changed();
    });
    this.deps.changed();
    const { namespace } = this.request;
    const conn = bridge(socket, (signal) => openPortForward(this.deps.kc, { namespace, pod: pick.pod, port: pick.port }, { signal }), {
      bytesIn: (n) => (this.bytesIn += n),
      bytesOut: (n) => (this.bytesOut += n),
      done: (error) => {
        if (error && !this.stopped) this.note(error);
      },
    });
    if (this.sockets.has(socket)) this.sockets.set(socket, conn);
  }

  /** Closes the oldest connection with one side ended (the local client's or the pod's), if there is one. */
  private evictEnded(): void {
    for (const [socket, conn] of this.sockets) {
      if (conn?.localEnded || conn?.remoteEnded) {
        // Gone from the count now; its 'close' (next tick) releases its stream slot as usual.
        this.sockets.delete(socket);
        conn.close();
        return;
      }
    }
  }

  state(): ForwardState {
    if (this.stopped) return 'stopped';
    if (this.listenerFailed) return 'listener failed';
    const r = this.picker.peek(this.source);
    return r.ok ? 'active' : r.state;
  }

  info(): ForwardInfo {
    const r = this.stopped || this.listenerFailed ? null : this.picker.peek(this.source);
    const pod = r?.ok ? { name: r.pod, port: r.port } : this.picker.currentPod;
    return {
      ...askedInfo(this.id, this.request, this.localPort, this.listeningOn(), this.startedAt),
      pod: pod.name,
      podPort: pod.port,
      connections: this.sockets.size,
      totalConnections: this.totalConnections,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      state: this.state(),
      error: r && !r.ok ? r.why : this.error,
      errorAt: r && !r.ok ? null : (this.errorAt?.toISOString() ?? null),
    };
  }

  /** Closes the listeners and every connection; resolves when the listeners are closed. */
  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    this.unwatch();
    this.deps.pods?.release();
    const closed = Promise.all(this.servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())))).then(() => this.releaseListener());
    for (const s of this.sockets.keys()) s.destroy();
    return closed;
  }
}
