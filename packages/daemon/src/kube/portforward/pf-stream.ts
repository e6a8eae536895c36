import type { KubeConfig } from '../kubeconfig.js';
import type WebSocket from 'ws';
import { openApiWebSocket } from '../api-websocket.js';
import { KubeApiError } from '../api-error.js';
import { badObjectName } from '../object-ref.js';
import { badNamespace } from '../resource-ref.js';
import { dataFrame, FrameReader, PORT_FORWARD_PROTOCOL } from './frames.js';

export interface PortForwardTarget {
  namespace: string;
  pod: string;
  port: number;
}

/** What the stream tells its user; set before any data can arrive. */
export interface PortForwardHandlers {
  /** Bytes from the pod's port. */
  data(chunk: Buffer): void;
  /** Sending may go on: what was queued for the server went below the low-water mark. */
  drain(): void;
  /**
   * The stream is over: `error` is the server's error-channel text (`error forwarding port 80 to
   * pod …`) or what broke the stream, null for a clean close. Called once, never after `close()`.
   */
  end(error: string | null): void;
}

/** Queued bytes for the server above which `write` asks the caller to wait for `drain`. */
export const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
/**
 * The biggest message taken from the API server on a port-forward stream. Kubelets send at most
 * 32 KiB (io.Copy's buffer); without a bound a hostile server could make each connection buffer 64 MiB.
 */
export const PF_MAX_MESSAGE = 1024 * 1024;
/** How long a close may wait for the server's close frame before the socket is dropped. */
const CLOSE_GRACE_MS = 2000;

const CLOSE_REASONS: Record<number, string> = {
  1001: 'the API server is going away',
  1006: 'the connection to the API server dropped',
  1009: 'a message was too big',
  1011: 'the API server hit an internal error',
};

/**
 * One port-forward stream to one pod port (one API WebSocket = one TCP connection in the pod), as
 * the kubelet serves it over `v4.channel.k8s.io`. Flow control both ways: `write` says when the
 * bytes queued for the server pass HIGH_WATER (wait for `drain`), `pause`/`resume` stop reading
 * from the server while the local side cannot take more.
 */
export class PortForwardStream {
  private handlers: PortForwardHandlers | null = null;
  private queued = 0;
  private waitingDrain = false;
  private ended = false;
  private closing = false;
  private transportError: string | null = null;
  private invalid: string | null = null;
  private closeCode = 1006;
  private closeReason = '';
  private readonly reader: FrameReader;
  /** Messages that arrived before the handlers were set (none in practice; kept in order). */
  private early: Buffer[] = [];

  constructor(
    private readonly ws: WebSocket,
    readonly target: PortForwardTarget,
  ) {
    this.reader = new FrameReader(target.port);
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('error', (err: Error) => {
      this.transportError ??= err.message;
      if (/max payload size exceeded/i.test(err.message)) this.invalid ??= `the API server sent a message over ${PF_MAX_MESSAGE / 1024 / 1024} MiB on a port-forward stream`;
      else if (/invalid|must be|unsupported|unexpected/i.test(err.message)) this.invalid ??= `the API server broke the WebSocket protocol (${err.message.slice(0, 200)})`;
      // Every ws error ends the connection, but its close handshake then waits up to 30 s for a
      // server that may never answer: the local client would hang that long. End now.
      ws.terminate();
    });
    ws.on('close', (code: number, reason: Buffer) => this.onClose(code, reason.toString('utf8')));
    // Closed between the upgrade and here: its close event has gone by.
    if (ws.readyState !== ws.OPEN) this.ended = true;
  }

  /** Starts delivering; anything that arrived meanwhile is delivered first. */
  start(handlers: PortForwardHandlers): void {
    this.handlers = handlers;
    const early = this.early;
    this.early = [];
    for (const m of early) this.onMessage(m, true);
    if (this.ended && !this.closing) handlers.end(this.endError(this.closeCode, this.closeReason));
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.ended || this.invalid !== null) return;
    if (!this.handlers) {
      if (isBinary) this.early.push(data);
      return;
    }
    const ev = this.reader.read(data, isBinary);
    if (ev.type === 'data') this.handlers.data(ev.data);
    else if (ev.type === 'invalid') {
      this.invalid = ev.message;
      this.ws.terminate();
    }
  }

  private endError(code: number, reason: string): string | null {
    const text = this.reader.errorText();
    if (text) return text;
    if (this.invalid) return this.invalid;
    if (code === 1000 || code === 1005) return null;
    const why = CLOSE_REASONS[code] ?? `closed with code ${code}`;
    const detail = this.transportError ?? (reason ? reason.slice(0, 200) : '');
    return `the API server cut the stream: ${why}${detail ? ` (${detail})` : ''}`;
  }

  private onClose(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.closeCode = code;
    this.closeReason = reason;
    if (this.closing || !this.handlers) return;
    this.handlers.end(this.endError(code, reason));
  }

  /** Sends bytes to the pod; false when the caller should wait for `drain` before sending more. */
  write(chunk: Buffer): boolean {
    if (this.ended || this.closing) return true;
    const n = chunk.length;
    this.queued += n;
    this.ws.send(dataFrame(chunk), { binary: true }, () => {
      this.queued -= n;
      if (this.waitingDrain && this.queued <= LOW_WATER) {
        this.waitingDrain = false;
        if (!this.ended && !this.closing) this.handlers?.drain();
      }
    });
    if (this.queued >= HIGH_WATER) {
      this.waitingDrain = true;
      return false;
    }
    return true;
  }

  /** Bytes handed to the stream that the socket has not taken yet. */
  get queuedBytes(): number {
    return this.queued;
  }

  /** Stops reading from the server (the local side is full). */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  /** Ends the stream from our side (no `end` callback follows); the socket is dropped if the server does not close in time. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    if (this.ended) return;
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.close(1000);
      setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
    } else this.ws.terminate();
  }
}

/**
 * Opens a port-forward stream to `target` (one port) through the API server with the kubeconfig's
 * TLS and credentials. Fails with the server's own Status message (a pod that is gone, RBAC 403 on
 * pods/portforward, a pod that is not running) or the transport's.
 */
export async function openPortForward(kc: KubeConfig, target: PortForwardTarget, opts: { signal?: AbortSignal; answerMs?: number } = {}): Promise<PortForwardStream> {
  const bad = badNamespace(target.namespace, 'namespace') ?? badObjectName(target.pod, 'pod');
  if (bad) throw new KubeApiError(`refusing to open a port-forward: ${bad}`, 0, 'Invalid');
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) throw new KubeApiError(`refusing to open a port-forward: port ${target.port} is not 1..65535`, 0, 'Invalid');
  const path = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/portforward`;
  const { ws, protocol } = await openApiWebSocket(
    kc,
    { path, query: { ports: String(target.port) }, maxMessage: PF_MAX_MESSAGE, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.answerMs ? { answerMs: opts.answerMs } : {}) },
    [PORT_FORWARD_PROTOCOL],
  );
  if (protocol !== PORT_FORWARD_PROTOCOL) {
    ws.terminate();
    throw new KubeApiError(`the API server chose the port-forward protocol ${JSON.stringify(protocol)}; kubetile speaks ${PORT_FORWARD_PROTOCOL}`, 0);
  }
  return new PortForwardStream(ws, target);
}
