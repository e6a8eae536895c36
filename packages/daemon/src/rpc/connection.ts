import type { Socket } from 'node:net';
import {
  createMessageConnection, ResponseError, StreamMessageWriter, type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  ErrorCodes, Notifications, notificationType, REQUESTS_BY_NAME, validate, type PaneView, type SessionLayout,
} from '@kubetile/rpc-schema';
import type { ClientSink } from '../session/client-sink.js';
import type { AttachedClient } from '../session/workspace.js';
import { errorMessage } from '../util/errors.js';
import type { DaemonContext } from './context.js';
import { GuardedMessageReader } from './guarded-reader.js';
import { HANDLERS } from './handlers.js';

/** Above this many queued bytes a client counts as slow and gets only the newest frame later. */
const BACKLOG_BYTES = 256 * 1024;

const N = {
  layout: notificationType(Notifications.layout),
  view: notificationType(Notifications.paneView),
  toast: notificationType(Notifications.toast),
  clipboard: notificationType(Notifications.clipboard),
  exit: notificationType(Notifications.exit),
  pluginStatus: notificationType(Notifications.pluginStatus),
};

let nextConnectionId = 1;

/** One socket: the hello gate, validation of every call, and the client sink once attached. */
export class RpcConnection implements ClientSink {
  readonly id = nextConnectionId++;
  readonly conn: MessageConnection;
  helloDone = false;
  clientName = 'unknown';
  client: AttachedClient | null = null;
  private closed = false;
  private readonly writer: StreamMessageWriter;

  constructor(
    private readonly socket: Socket,
    private readonly daemon: DaemonContext,
    private readonly onClosed: (c: RpcConnection) => void,
  ) {
    this.writer = new StreamMessageWriter(socket);
    const reader = new GuardedMessageReader(socket, (id, code, message, fatal) => {
      daemon.logger.warn({ conn: this.id, code, message }, 'bad message on socket');
      this.writer
        .write({ jsonrpc: '2.0', id, error: { code, message } } as never)
        .catch(() => undefined)
        .finally(() => {
          if (fatal) socket.end();
        });
    });
    this.conn = createMessageConnection(reader, this.writer, {
      error: (m) => daemon.logger.debug({ conn: this.id }, m),
      warn: (m) => daemon.logger.debug({ conn: this.id }, m),
      info: () => undefined,
      log: () => undefined,
    });
    this.conn.onRequest((method, params) => this.dispatch(method, params));
    this.conn.onNotification(() => undefined);
    this.conn.onClose(() => this.close());
    this.conn.onError(([err]) => daemon.logger.debug({ conn: this.id, err: errorMessage(err) }, 'connection error'));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    this.conn.listen();
  }

  private async dispatch(method: string, rawParams: unknown): Promise<unknown> {
    const decl = REQUESTS_BY_NAME.get(method);
    if (!decl) throw new ResponseError(ErrorCodes.MethodNotFound, `unknown method '${method}' (rpc/discover lists them)`);
    if (!this.helloDone && method !== 'daemon/hello') {
      throw new ResponseError(ErrorCodes.HandshakeRequired, `call daemon/hello first (got '${method}')`);
    }
    if (Array.isArray(rawParams)) throw new ResponseError(ErrorCodes.InvalidParams, `${method}: params must be an object, not an array`);
    const checked = validate(decl.params, rawParams ?? {});
    if (!checked.ok) throw new ResponseError(ErrorCodes.InvalidParams, `${method}: invalid params: ${checked.message}`);
    const handler = HANDLERS[method];
    if (!handler) throw new ResponseError(ErrorCodes.MethodNotFound, `method '${method}' is declared but not served`);
    try {
      return await handler({ conn: this, daemon: this.daemon }, checked.value);
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      this.daemon.logger.error({ method, err: errorMessage(err), stack: (err as Error)?.stack }, 'handler failed');
      throw new ResponseError(ErrorCodes.InternalError, `${method} failed: ${errorMessage(err)}`);
    }
  }

  // ---- ClientSink ---------------------------------------------------------------------------
  layout(layout: SessionLayout): void {
    if (!this.closed) void this.conn.sendNotification(N.layout, layout).catch(() => undefined);
  }
  view(paneId: number, seq: number, view: PaneView): void {
    if (!this.closed) void this.conn.sendNotification(N.view, { paneId, seq, view }).catch(() => undefined);
  }
  toast(level: 'info' | 'success' | 'warn' | 'error', text: string): void {
    if (!this.closed) void this.conn.sendNotification(N.toast, { level, text }).catch(() => undefined);
  }
  clipboard(text: string): void {
    if (!this.closed) void this.conn.sendNotification(N.clipboard, { text }).catch(() => undefined);
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
  async sayGoodbye(reason: string): Promise<void> {
    if (this.closed) return;
    await Promise.race([
      this.conn.sendNotification(N.exit, { reason }).catch(() => undefined),
      new Promise((r) => setTimeout(r, 500)),
    ]);
    await new Promise<void>((resolve) => {
      if (this.socket.writableLength === 0) return resolve();
      this.socket.once('drain', () => resolve());
      setTimeout(resolve, 500);
    });
    this.socket.end();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.client) this.daemon.workspace.detach(this.client.state.id);
    this.client = null;
    this.conn.dispose();
    this.socket.destroy();
    this.onClosed(this);
  }
}
