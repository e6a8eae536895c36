import type { KubeConfig } from '../kubeconfig.js';
import type WebSocket from 'ws';
import { KubeApiError } from '../api-error.js';
import { openApiWebSocket } from '../api-websocket.js';
import { badObjectName } from '../object-ref.js';
import { badNamespace } from '../resource-ref.js';
import { CHANNEL, closeStdinFrame, EXEC_PROTOCOLS, frame, isExecProtocol, parseMessage, resizeFrame, type ExecProtocol } from './exec-channels.js';
import { execEndFromStatus, printable, type ExecEnd } from './exec-status.js';

export interface ExecRequest {
  namespace: string;
  pod: string;
  /** Left out: the pod's only (or default) container, as the API server picks it. */
  container?: string;
  command: readonly string[];
  tty: boolean;
  signal?: AbortSignal;
  answerMs?: number;
}

export interface ExecHandlers {
  /** Bytes the program wrote (stdout, and stderr which a tty merges into it anyway), and which of the two. */
  output(data: Buffer, stream: 'stdout' | 'stderr'): void;
  /** Once: the program's exit code, the server's refusal, or the connection gone. */
  end(end: ExecEnd): void;
}

/** Stdin the server has not taken yet beyond which input is refused (keys are tiny; this is a stuck server). */
export const MAX_PENDING_STDIN_BYTES = 1024 * 1024;
/** A paste goes to the server in stdin frames of at most this many bytes. */
const STDIN_FRAME_BYTES = 64 * 1024;
/** How long a close waits for the server's close frame before the socket is cut. */
export const CLOSE_GRACE_MS = 2000;

/** Why a name cannot go into the exec path, or null. */
export function badExecTarget(r: Pick<ExecRequest, 'namespace' | 'pod' | 'container'>): string | null {
  return badNamespace(r.namespace) ?? badObjectName(r.pod, 'pod') ?? (r.container === undefined ? null : badObjectName(r.container, 'container'));
}

/**
 * Runs a command in a container through the API server's exec WebSocket (v5, else v4): its output,
 * stdin, terminal size and exit status. Rejects with the server's own message when the upgrade is
 * refused (403 forbidden, 404 pod gone, 400 container not running).
 */
export async function openExec(kc: KubeConfig, req: ExecRequest, handlers: ExecHandlers): Promise<ExecSession> {
  const bad = badExecTarget(req);
  if (bad) throw new KubeApiError(`refusing to exec: ${bad}`, 0, 'Invalid');
  const path = `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/exec`;
  const query = {
    command: [...req.command],
    stdin: 'true',
    stdout: 'true',
    // With a tty the server merges stderr into stdout (and drops a stderr stream), as kubectl asks.
    stderr: req.tty ? 'false' : 'true',
    tty: req.tty ? 'true' : 'false',
    ...(req.container !== undefined ? { container: req.container } : {}),
  };
  const { ws, protocol } = await openApiWebSocket(kc, { path, query, ...(req.answerMs !== undefined ? { answerMs: req.answerMs } : {}), ...(req.signal ? { signal: req.signal } : {}) }, EXEC_PROTOCOLS);
  if (!isExecProtocol(protocol)) {
    ws.terminate();
    throw new KubeApiError(`the API server chose exec protocol '${printable(protocol, 60)}'; kubetile speaks ${EXEC_PROTOCOLS.join(' and ')}`, 0, 'BadProtocol');
  }
  return new ExecSession(ws, protocol, handlers);
}

/** One running exec: write stdin, resize the terminal, pause output, close. */
export class ExecSession {
  private ended = false;
  private lastError: string | null = null;
  private size: { cols: number; rows: number } | null = null;
  private cutTimer: NodeJS.Timeout | null = null;
  /** Resolves once the socket is closed (the leak tests wait on this through the stream counter). */
  readonly closed: Promise<void>;

  constructor(
    private readonly ws: WebSocket,
    readonly protocol: ExecProtocol,
    private readonly handlers: ExecHandlers,
  ) {
    this.closed = new Promise<void>((resolve) => {
      ws.once('close', (code: number) => {
        if (this.cutTimer) clearTimeout(this.cutTimer);
        this.finish({ kind: 'lost', message: `the connection to the API server was lost${this.lastError ? `: ${printable(this.lastError, 200)}` : code && code !== 1000 && code !== 1005 ? ` (WebSocket close code ${code})` : ''}` });
        resolve();
      });
    });
    ws.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const m = parseMessage(data, isBinary);
      if (!m || this.ended) return;
      if (m.channel === CHANNEL.stdout || m.channel === CHANNEL.stderr) {
        if (m.data.length > 0) this.handlers.output(m.data, m.channel === CHANNEL.stderr ? 'stderr' : 'stdout');
      } else if (m.channel === CHANNEL.error) {
        this.finish(execEndFromStatus(m.data));
        // v5 servers wait for our close frame; v4 ones close themselves.
        this.close();
      }
      // CLOSE frames (v5) and channels we do not know carry nothing for us.
    });
  }

  get open(): boolean {
    return !this.ended && this.ws.readyState === this.ws.OPEN;
  }

  private finish(end: ExecEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.handlers.end(end);
  }

  /** Sends input; false when it was not sent (ended, or the server stopped taking it). */
  write(data: string | Buffer): boolean {
    if (!this.open || this.ws.bufferedAmount > MAX_PENDING_STDIN_BYTES) return false;
    this.ws.send(frame(CHANNEL.stdin, data));
    return true;
  }

  /**
   * Sends a paste: all of it, in frames of at most STDIN_FRAME_BYTES, or none of it (false) when
   * the session is gone or the server has not taken enough of what it was sent to hold this too.
   * Half a paste in a shell is worse than none.
   */
  writeAll(data: Buffer): boolean {
    if (!this.open || this.ws.bufferedAmount + data.length > MAX_PENDING_STDIN_BYTES) return false;
    for (let at = 0; at < data.length; at += STDIN_FRAME_BYTES) this.ws.send(frame(CHANNEL.stdin, data.subarray(at, at + STDIN_FRAME_BYTES)));
    return true;
  }

  /** Tells the server the terminal's size (only when it changed). */
  resize(cols: number, rows: number): void {
    if (!this.open || (this.size?.cols === cols && this.size.rows === rows)) return;
    this.size = { cols, rows };
    this.ws.send(resizeFrame(cols, rows));
  }

  /** Stops reading the socket (the emulator is behind); the server then waits on TCP flow control. */
  pause(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.pause();
  }

  resume(): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.resume();
  }

  /**
   * Ends the session: stdin is closed (v5) so the shell sees end of input, then the WebSocket; a
   * server that does not answer the close within CLOSE_GRACE_MS has its socket cut.
   */
  close(): void {
    const ws = this.ws;
    if (ws.readyState === ws.CLOSED) return;
    if (ws.readyState === ws.OPEN) {
      ws.resume();
      if (this.protocol === 'v5.channel.k8s.io' && !this.ended) ws.send(closeStdinFrame());
      ws.close(1000);
    }
    if (!this.cutTimer) {
      this.cutTimer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
      this.cutTimer.unref();
    }
  }

  /** Cuts the socket now (the daemon is stopping). */
  terminate(): void {
    this.ws.terminate();
  }
}
