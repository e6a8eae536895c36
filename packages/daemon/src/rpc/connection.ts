import type { Socket } from 'node:net';
import { createMessageConnection, Message, ResponseError, type CancellationToken, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  ErrorCodes, MAX_PARAMS_DEPTH, Notifications, notificationType, REQUESTS_BY_NAME, tooDeepAt, validate, type PaneView, type SessionLayout,
} from '@kubetile/rpc-schema';
import { RateLimitedLog } from '../logging/rate-limited-log.js';
import type { ClientSink } from '../session/client-sink.js';
import type { SharedView } from '../view/shared-views.js';
import type { AttachedClient } from '../session/workspace.js';
import { errorMessage } from '../util/errors.js';
import { BoundedMessageWriter } from './bounded-writer.js';
import type { DaemonContext } from './context.js';
import { GuardedMessageReader } from './guarded-reader.js';
import { HANDLERS } from './handlers.js';

/** JSON-RPC's (LSP's) code for a request the server stopped because the client cancelled it. */
const REQUEST_CANCELLED = -32800;
/** The reason a cancelled request's signal carries. */
const cancelledBy = (method: string): Error => new Error(`${method} was cancelled by the client`);
/** The longest each step of a goodbye (the exit message, the stream's end) may take. */
const GOODBYE_STEP_MS = 2000;
import { socketLimits, type SocketLimits } from './limits.js';

/** Above this many queued bytes a client counts as slow and gets only the newest frame later. */
const BACKLOG_BYTES = 256 * 1024;

const N = {
  layout: notificationType(Notifications.layout),
  view: notificationType(Notifications.paneView),
  toast: notificationType(Notifications.toast),
  clipboard: notificationType(Notifications.clipboard),
  editorOpen: notificationType(Notifications.editorOpen),
  exit: notificationType(Notifications.exit),
  sessionEnded: notificationType(Notifications.sessionEnded),
  pluginStatus: notificationType(Notifications.pluginStatus),
};

/** The end of a pane/view notification written around a shared view. */
const VIEW_TAIL = Buffer.from('}}', 'utf8');
const VIEW_HEAD = `{"jsonrpc":"2.0","method":${JSON.stringify(Notifications.paneView.name)},"params":{"paneId":`;

let nextConnectionId = 1;
/** How long a connection refused for a framing error may take to close on its own. */
const FATAL_CLOSE_GRACE_MS = 1000;
let limitsInForce: SocketLimits | null = null;
/** The socket limits (read from the environment once). */
export const limits = (): SocketLimits => (limitsInForce ??= socketLimits());
/** How long a refused connection (see `refusal`) may stay before it is closed. */
const REFUSED_LINGER_MS = 2000;

/**
 * Request ids are strings or numbers; vscode-jsonrpc queues requests by `String(id)`, so `7` and
 * `"7"` in flight together would silently lose one: both count as the same id here.
 */
const idKey = (id: string | number): string => String(id);

/**
 * One socket: the hello gate, validation of every call, and the client sink once attached.
 * Everything one peer can make the daemon hold is bounded (see limits.ts): unread replies,
 * unfinished frames, requests in flight, nesting of params, and its log lines.
 */
export class RpcConnection implements ClientSink {
  readonly id = nextConnectionId++;
  readonly conn: MessageConnection;
  helloDone = false;
  clientName = 'unknown';
  client: AttachedClient | null = null;
  /** Set by session/attach (its `sameRows`), before the client's frame scheduler starts. */
  sameRows = false;
  private closed = false;
  private closing = false;
  /** More than `pauseReadingAboveBytes` queued: waiting for the client to read (until 'drain'). */
  private backlogged_ = false;
  private stallWatch: NodeJS.Timeout | null = null;
  private readonly limits = limits();
  private readonly writer: BoundedMessageWriter;
  private readonly reader: GuardedMessageReader;
  private readonly log: RateLimitedLog;
  private readonly inFlight = new Set<string>();
  /**
   * Requests answered as cancelled whose work still runs (a handler cannot be stopped): each keeps
   * its place under `maxInFlight` until it ends, or cancelling would lift the limit.
   */
  private abandoned = 0;
  /** Each running request's signal: aborted when it is cancelled or the connection closes. */
  private readonly running = new Set<AbortController>();
  private readonly helloTimer: NodeJS.Timeout;
  /** What goes out with the next answer written on this connection (see `withAnswer`). */
  private withNextAnswer: { ahead: () => void; after: () => void } | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly daemon: DaemonContext,
    private readonly onClosed: (c: RpcConnection) => void,
    /** Set when the daemon cannot take this connection: every request is answered with it, then it closes. */
    private readonly refusal: string | null = null,
  ) {
    const L = this.limits;
    this.log = new RateLimitedLog(daemon.logger.child({ conn: this.id }), L.logBurst, L.logWindowMs);
    this.writer = new BoundedMessageWriter(socket, L.maxQueuedBytes, {
      overflow: (queued) => this.disconnectNonReader(queued, `more than ${L.maxQueuedBytes} bytes queued`),
      responded: (id) => {
        this.inFlight.delete(idKey(id));
        this.updateFlow();
        if (this.refusal !== null) this.closeAfterFlush();
      },
      queued: (bytes) => {
        if (bytes > L.pauseReadingAboveBytes) this.startBacklog();
      },
      answering: () => {
        const w = this.withNextAnswer;
        this.withNextAnswer = null;
        if (!w) return;
        w.ahead();
        return w.after;
      },
    });
    this.reader = new GuardedMessageReader(
      socket,
      (id, code, message, fatal) => {
        this.log.warn({ code, message }, 'bad message on socket');
        this.writer.send({ jsonrpc: '2.0', id, error: { code, message } } as Message);
        if (fatal) this.closeAfterFlush();
      },
      { frameTimeoutMs: L.frameTimeoutMs, admit: (msg) => this.admit(msg) },
    );
    this.conn = createMessageConnection(this.reader, this.writer, {
      error: (m) => this.log.debug({}, m),
      warn: (m) => this.log.debug({}, m),
      info: () => undefined,
      log: () => undefined,
    });
    this.conn.onRequest((method, params, token) => this.dispatch(method, params, token));
    this.conn.onNotification(() => undefined);
    this.conn.onClose(() => this.close());
    this.conn.onError(([err]) => this.log.debug({ err: errorMessage(err) }, 'connection error'));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    this.helloTimer = setTimeout(() => {
      if (this.helloDone || this.closed) return;
      if (refusal === null) daemon.logger.warn({ conn: this.id, timeoutMs: L.helloTimeoutMs }, 'closing a connection that did not complete daemon/hello in time');
      this.close();
    }, refusal === null ? L.helloTimeoutMs : REFUSED_LINGER_MS);
    this.helloTimer.unref();
    this.conn.listen();
  }

  /** Before a message reaches the library: one request per id at a time. */
  private admit(msg: Message): { code: number; message: string } | null {
    if (!Message.isRequest(msg)) return null;
    const key = idKey(msg.id as string | number);
    if (this.inFlight.has(key)) {
      return { code: ErrorCodes.InvalidRequest, message: `duplicate request id ${JSON.stringify(msg.id)}: a request with this id is still being answered` };
    }
    this.inFlight.add(key);
    this.updateFlow();
    return null;
  }

  /**
   * Flow control: the client's requests are read only while it has fewer than `maxInFlight`
   * unanswered and reads what it is sent. Requests it pipelines beyond that wait in the
   * socket, costing the daemon nothing.
   */
  private updateFlow(): void {
    if (this.closed || this.closing) return;
    if (this.backlogged_ || this.inFlight.size + this.abandoned >= this.limits.maxInFlight) this.reader.pause();
    else this.reader.resume();
  }

  /**
   * Too much queued unread: stop reading the client's requests until it has read everything,
   * and watch that it reads at all; one that takes nothing for `stallTimeoutMs` is disconnected.
   */
  private startBacklog(): void {
    if (this.backlogged_ || this.closed) return;
    this.backlogged_ = true;
    this.updateFlow();
    this.socket.once('drain', () => {
      this.backlogged_ = false;
      if (this.stallWatch) clearInterval(this.stallWatch);
      this.stallWatch = null;
      this.updateFlow();
    });
    let flushed = this.writer.flushedBytes;
    this.stallWatch = setInterval(() => {
      const now = this.writer.flushedBytes;
      if (now === flushed) this.disconnectNonReader(this.socket.writableLength, `nothing read for ${this.limits.stallTimeoutMs} ms`);
      flushed = now;
    }, this.limits.stallTimeoutMs);
    this.stallWatch.unref();
  }

  /** The client does not read: it goes at once (its queue freed), with the reason logged. */
  private disconnectNonReader(queuedBytes: number, reason: string): void {
    if (this.closed) return;
    this.daemon.logger.warn(
      { conn: this.id, client: this.clientName, reason, queuedBytes, limitBytes: this.limits.maxQueuedBytes },
      'disconnecting a client that does not read its replies',
    );
    this.close();
  }

  /**
   * After a fatal framing error: the error and our end of the stream go out, and the socket is
   * destroyed when the peer closes its side or after a second, whichever comes first; it is never
   * drained (the reader stops reading soon after the error).
   */
  private closeAfterFlush(): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    this.socket.end();
    setTimeout(() => this.close(), FATAL_CLOSE_GRACE_MS).unref();
  }

  /**
   * Runs a request; a `$/cancelRequest` for it answers at once with RequestCancelled (-32800), whatever
   * the handler is waiting for (its work finishes in the background; its answer is dropped).
   */
  private async dispatch(method: string, rawParams: unknown, token?: CancellationToken): Promise<unknown> {
    const abort = new AbortController();
    this.running.add(abort);
    const work = this.run(method, rawParams, abort.signal);
    const finished = (): void => void this.running.delete(abort);
    work.then(finished, finished);
    if (!token) return work;
    if (token.isCancellationRequested) {
      abort.abort(cancelledBy(method));
      this.holdSlotUntilDone(work);
      throw new ResponseError(REQUEST_CANCELLED, `${method} was cancelled by the client`);
    }
    let listener: { dispose(): void } | undefined;
    let done = false;
    const cancelled = new Promise<never>((_, reject) => {
      listener = token.onCancellationRequested(() => {
        abort.abort(cancelledBy(method));
        if (!done) this.holdSlotUntilDone(work);
        reject(new ResponseError(REQUEST_CANCELLED, `${method} was cancelled by the client`));
      });
    });
    cancelled.catch(() => undefined);
    try {
      return await Promise.race([work, cancelled]);
    } finally {
      done = true;
      listener?.dispose();
      work.catch(() => undefined);
    }
  }

  /** A cancelled request's work goes on in the background: it counts as in flight until it ends. */
  private holdSlotUntilDone(work: Promise<unknown>): void {
    this.abandoned++;
    const release = (): void => {
      this.abandoned--;
      this.updateFlow();
    };
    work.then(release, release);
  }

  private async run(method: string, rawParams: unknown, signal: AbortSignal): Promise<unknown> {
    if (this.refusal !== null) throw new ResponseError(ErrorCodes.InvalidState, this.refusal);
    const decl = REQUESTS_BY_NAME.get(method);
    if (!decl) throw new ResponseError(ErrorCodes.MethodNotFound, `unknown method '${method}' (rpc/discover lists them)`);
    if (!this.helloDone && method !== 'daemon/hello') {
      throw new ResponseError(ErrorCodes.HandshakeRequired, `call daemon/hello first (got '${method}')`);
    }
    if (Array.isArray(rawParams)) throw new ResponseError(ErrorCodes.InvalidParams, `${method}: params must be an object, not an array`);
    const deep = tooDeepAt(rawParams, MAX_PARAMS_DEPTH);
    if (deep !== null) {
      throw new ResponseError(ErrorCodes.InvalidParams, `${method}: invalid params: ${deep}: nested more than ${MAX_PARAMS_DEPTH} levels deep`);
    }
    const checked = validate(decl.params, rawParams ?? {});
    if (!checked.ok) throw new ResponseError(ErrorCodes.InvalidParams, `${method}: invalid params: ${checked.message}`);
    const handler = HANDLERS[method];
    if (!handler) throw new ResponseError(ErrorCodes.MethodNotFound, `method '${method}' is declared but not served`);
    try {
      return await handler({ conn: this, daemon: this.daemon, signal }, checked.value);
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      this.log.error({ method, err: errorMessage(err), stack: (err as Error)?.stack }, 'handler failed');
      throw new ResponseError(ErrorCodes.InternalError, `${method} failed: ${errorMessage(err)}`);
    }
  }

  /**
   * With the next answer written here (the one to the request being handled): `ahead` sends what
   * must reach this client in the same write, before the answer (a key's frame); `after` runs once
   * that write is made (the other clients' frames). If no answer is written, neither runs.
   */
  withAnswer(ahead: () => void, after: () => void): void {
    this.withNextAnswer = { ahead, after };
  }

  // ---- ClientSink ---------------------------------------------------------------------------
  batch(send: () => void): void {
    this.writer.hold();
    try {
      send();
    } finally {
      this.writer.release();
    }
  }
  layout(layout: SessionLayout): void {
    if (!this.closed) void this.conn.sendNotification(N.layout, layout).catch(() => undefined);
  }
  view(paneId: number, seq: number, view: PaneView, shared?: SharedView): void {
    if (this.closed) return;
    if (!shared) {
      void this.conn.sendNotification(N.view, { paneId, seq, view }).catch(() => undefined);
      return;
    }
    // The same message the library would write, around the view's bytes that every client showing
    // this pane at this size shares (serialised once): the library writes synchronously, so order holds.
    this.writer.sendParts([
      Buffer.from(`${VIEW_HEAD}${paneId},"seq":${seq},"view":`, 'utf8'),
      shared.bytes(),
      VIEW_TAIL,
    ]);
  }
  toast(level: 'info' | 'success' | 'warn' | 'error', text: string): void {
    if (!this.closed) void this.conn.sendNotification(N.toast, { level, text }).catch(() => undefined);
  }
  clipboard(text: string): void {
    if (!this.closed) void this.conn.sendNotification(N.clipboard, { text }).catch(() => undefined);
  }
  openEditor(editId: string, file: string, text: string): void {
    if (!this.closed) void this.conn.sendNotification(N.editorOpen, { editId, file, text }).catch(() => undefined);
  }
  sessionEnded(session: string, reason: string): void {
    this.client = null;
    if (!this.closed) void this.conn.sendNotification(N.sessionEnded, { session, reason }).catch(() => undefined);
  }
  pluginStatus(key: string, status: string, error?: string): void {
    if (!this.closed) void this.conn.sendNotification(N.pluginStatus, { key, status, ...(error ? { error } : {}) }).catch(() => undefined);
  }
  backlogged(): boolean {
    return this.socket.writableLength > BACKLOG_BYTES;
  }
  onDrain(cb: () => void): void {
    this.socket.once('drain', cb);
  }

  /** Tells the client the daemon is going away, then closes once the message is written. */
  /**
   * daemon/exit, then the end of the stream once everything written reached the socket (each step
   * bounded: a client that stopped reading does not hold the daemon's stop for more than a moment).
   * The connection is destroyed after this: ending before the message left would lose it.
   */
  async sayGoodbye(reason: string, restarting = false): Promise<void> {
    if (this.closed) return;
    const bounded = (p: Promise<unknown>): Promise<unknown> =>
      Promise.race([p, new Promise((r) => setTimeout(r, GOODBYE_STEP_MS).unref())]);
    await bounded(this.conn.sendNotification(N.exit, restarting ? { reason, restarting } : { reason }).catch(() => undefined));
    if (this.socket.destroyed || this.socket.writableEnded) return;
    await bounded(new Promise<void>((resolve) => this.socket.end(() => resolve())));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.helloTimer);
    if (this.stallWatch) clearInterval(this.stallWatch);
    this.reader.dispose();
    this.inFlight.clear();
    // The work of requests nobody can receive the answer to any more stops where it can (the
    // handlers that wait on the API server pass this signal on).
    for (const abort of this.running) abort.abort(new Error('the client disconnected'));
    this.running.clear();
    this.log.flush();
    if (this.client) this.daemon.workspace.detach(this.client.state.id);
    this.client = null;
    this.conn.dispose();
    this.socket.destroy();
    this.onClosed(this);
  }
}
