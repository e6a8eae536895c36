import { connect, type Socket } from 'node:net';
import { createMessageConnection, StreamMessageReader, type MessageConnection } from 'vscode-jsonrpc/node';
import { API_LEVEL, type PaneView, type SessionLayout } from '@kubetile/rpc-schema';
import { EndInOrderReader, OneWriteMessageWriter, READER_ENDED } from '@kubetile/client-tui';
import { waitFor } from './daemon-process.js';

/** A raw JSON-RPC client on the daemon socket that records every notification it receives. */
export class RawClient {
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  layout: SessionLayout | null = null;
  readonly views = new Map<number, { seq: number; view: PaneView }>();
  closed = false;

  private constructor(
    readonly socket: Socket,
    readonly conn: MessageConnection,
  ) {
    conn.onNotification((method, params) => {
      // The end of the stream, after every message read before it (EndInOrderReader).
      if (method === READER_ENDED) {
        this.closed = true;
        conn.dispose(); // requests still waiting reject
        return;
      }
      this.notifications.push({ method, params });
      if (method === 'session/layout') this.layout = params as SessionLayout;
      if (method === 'pane/view') {
        const p = params as { paneId: number; seq: number; view: PaneView };
        const prev = this.views.get(p.paneId);
        if (!prev || prev.seq < p.seq) this.views.set(p.paneId, { seq: p.seq, view: p.view });
      }
    });
    conn.listen();
  }

  static async connect(path: string, opts: { hello?: boolean } = {}): Promise<RawClient> {
    const socket = connect(path);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const c = new RawClient(socket, createMessageConnection(new EndInOrderReader(new StreamMessageReader(socket)), new OneWriteMessageWriter(socket)));
    if (opts.hello !== false) await c.request('daemon/hello', { client: { name: 'test', version: '0' }, apiLevel: API_LEVEL });
    return c;
  }

  /** The text of every toast this client was sent, oldest first. */
  toasts(): string[] {
    return this.notifications.filter((n) => n.method === 'toast').map((n) => (n.params as { text: string }).text);
  }

  request<T = unknown>(method: string, params: unknown = {}): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  async attach(size = { cols: 120, rows: 40 }, session?: string): Promise<{ clientId: string; layout: SessionLayout }> {
    const r = await this.request<{ clientId: string; layout: SessionLayout }>('session/attach', { size, ...(session ? { session } : {}) });
    this.layout ??= r.layout;
    return r;
  }

  waitLayout(label: string, pred: (l: SessionLayout) => boolean, timeoutMs?: number): Promise<SessionLayout> {
    return waitFor(label, () => (this.layout && pred(this.layout) ? this.layout : null), timeoutMs);
  }

  waitView(label: string, paneId: number, pred: (v: PaneView) => boolean): Promise<PaneView> {
    return waitFor(label, () => {
      const v = this.views.get(paneId)?.view;
      return v && pred(v) ? v : null;
    });
  }

  activeTab() {
    const l = this.layout!;
    return l.tabs.find((t) => t.id === l.activeTabId)!;
  }

  close(): void {
    this.conn.dispose();
    this.socket.destroy();
  }
}

/**
 * A socket speaking raw bytes to the daemon (no JSON-RPC library): for hostile peers that send
 * broken, huge or duplicate frames, or never read. Collects the framed messages it receives.
 */
export class FrameSocket {
  readonly messages: Array<Record<string, unknown>> = [];
  private buf = Buffer.alloc(0);
  closed = false;
  /** The socket error that ended it (EPIPE, ECONNRESET…), if any. */
  error: string | null = null;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, end).toString())![1]);
        if (this.buf.length < end + 4 + len) return;
        this.messages.push(JSON.parse(this.buf.subarray(end + 4, end + 4 + len).toString()) as Record<string, unknown>);
        this.buf = this.buf.subarray(end + 4 + len);
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      this.error = e.code ?? e.message;
      this.closed = true;
    });
  }

  static async open(path: string): Promise<FrameSocket> {
    const s = connect(path);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('error', reject);
    });
    return new FrameSocket(s);
  }

  /** One frame around `body` (a string is sent as UTF-8). */
  static frame(body: string | Buffer): Buffer {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`), b]);
  }

  frame(body: string | Buffer): void {
    this.socket.write(FrameSocket.frame(body));
  }

  send(obj: unknown): void {
    this.frame(JSON.stringify(obj));
  }

  hello(id: number | string = 'hello'): void {
    this.send({ jsonrpc: '2.0', id, method: 'daemon/hello', params: { client: { name: 'frames', version: '0' }, apiLevel: API_LEVEL } });
  }

  next(pred: (m: Record<string, unknown>) => boolean = () => true, timeoutMs?: number): Promise<Record<string, unknown>> {
    return waitFor('a message', () => this.messages.find(pred) ?? null, timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
