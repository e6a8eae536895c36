import { createConnection, type Socket } from 'node:net';
import {
  createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import {
  API_LEVEL, Notifications, PRODUCT_VERSION, Requests, requestType, socketDirKind, socketTrustProblem, validate,
  type NotificationDecl, type ParamsOf, type RequestDecl, type ResultOf,
} from '@kubetile/rpc-schema';

/** Nobody answers on the socket (no file, refused, or not a kubetile daemon). */
export class DaemonUnreachableError extends Error {
  constructor(
    readonly socketPath: string,
    readonly reason: string,
  ) {
    super(`no daemon answers on ${socketPath} (${reason})`);
    this.name = 'DaemonUnreachableError';
  }
}

/**
 * The socket (or its directory) is not ours: another user could be answering on it, so we do
 * not connect. The message names the path and what is wrong with it.
 */
export class UntrustedSocketError extends Error {
  constructor(
    readonly socketPath: string,
    readonly problem: string,
  ) {
    super(`refusing to connect to ${socketPath}: ${problem}`);
    this.name = 'UntrustedSocketError';
  }
}

/** An error answer from the daemon: JSON-RPC code and message. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** The connection went away before the answer came. */
export class ConnectionLostError extends Error {
  constructor(message = 'connection to the daemon lost') {
    super(message);
    this.name = 'ConnectionLostError';
  }
}

export type NotificationName = keyof typeof Notifications;
export type NotificationParams<K extends NotificationName> = z.infer<(typeof Notifications)[K]['params']>;
export type HelloResult = ResultOf<typeof Requests.hello>;

export interface ConnectOptions {
  /** Client name sent in daemon/hello. */
  clientName?: string;
  /** Deadline for connecting plus the hello answer. */
  timeoutMs?: number;
  /** Where to report dropped (invalid) notifications. */
  log?: (message: string) => void;
  /** The environment that chose the socket (which directory counts as the private runtime one). */
  env?: NodeJS.ProcessEnv;
}

/** Converts a vscode-jsonrpc failure into RpcError / ConnectionLostError. */
function toError(e: unknown): Error {
  if (e instanceof ResponseError) {
    // -32097 "Pending response rejected since connection got disposed" and friends.
    if (e.code === -32097 || /connection got disposed/i.test(e.message)) return new ConnectionLostError();
    return new RpcError(e.code, e.message, e.data);
  }
  if (e instanceof Error && /Connection is (closed|disposed)/i.test(e.message)) return new ConnectionLostError();
  return e instanceof Error ? e : new Error(String(e));
}

/** Refuses a socket that is not ours (see rpc-schema's socket-trust), before connecting to it. */
async function checkTrusted(path: string, env: NodeJS.ProcessEnv): Promise<void> {
  let problem: string | null;
  try {
    problem = await socketTrustProblem(path, socketDirKind(path, env));
  } catch (e) {
    problem = `cannot inspect it (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  if (problem) throw new UntrustedSocketError(path, problem);
}

async function openSocket(path: string, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<Socket> {
  await checkTrusted(path, env);
  return new Promise((resolve, reject) => {
    const sock = createConnection({ path });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new DaemonUnreachableError(path, 'timed out connecting'));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason = err.code === 'ENOENT' ? 'no socket file' : err.code === 'ECONNREFUSED' ? 'connection refused' : (err.code ?? err.message);
      reject(new DaemonUnreachableError(path, reason));
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * One JSON-RPC connection to the daemon, after a successful `daemon/hello`: typed requests,
 * validated notifications, and a single close signal. Pending requests reject when it closes.
 */
export class DaemonClient {
  private readonly handlers = new Map<string, Set<(params: unknown) => void>>();
  private readonly closeHandlers = new Set<(reason: string) => void>();
  private closedReason: string | null = null;
  hello: HelloResult | null = null;

  private constructor(
    readonly socketPath: string,
    private readonly socket: Socket,
    private readonly conn: MessageConnection,
    private readonly log: (message: string) => void,
  ) {
    const decls = Object.values(Notifications) as NotificationDecl[];
    for (const d of decls) {
      conn.onNotification(d.name, (params: unknown) => {
        const v = validate(d.params, params);
        if (!v.ok) {
          this.log(`dropped invalid ${d.name} notification: ${v.message}`);
          return;
        }
        for (const h of this.handlers.get(d.name) ?? []) h(v.value);
      });
    }
    let socketError = '';
    socket.on('error', (e: NodeJS.ErrnoException) => {
      socketError = e.code ?? e.message;
    });
    const closed = (): void => this.markClosed(socketError || 'connection closed');
    conn.onClose(closed);
    socket.on('close', closed);
    conn.listen();
  }

  /**
   * Checks the socket is ours, connects and says hello. Throws UntrustedSocketError,
   * DaemonUnreachableError, or RpcError when the daemon refuses us.
   */
  static async connect(socketPath: string, opts: ConnectOptions = {}): Promise<DaemonClient> {
    const timeoutMs = opts.timeoutMs ?? 3000;
    const started = Date.now();
    const socket = await openSocket(socketPath, timeoutMs, opts.env ?? process.env);
    const conn = createMessageConnection(
      new StreamMessageReader(socket),
      new StreamMessageWriter(socket),
    );
    const client = new DaemonClient(socketPath, socket, conn, opts.log ?? (() => {}));
    try {
      const remaining = Math.max(100, timeoutMs - (Date.now() - started));
      client.hello = await withTimeout(
        client.request(Requests.hello, { client: { name: opts.clientName ?? 'kubetile', version: PRODUCT_VERSION }, apiLevel: API_LEVEL }),
        remaining,
        () => new DaemonUnreachableError(socketPath, 'no answer to daemon/hello'),
      );
      return client;
    } catch (e) {
      client.close();
      if (e instanceof ConnectionLostError) throw new DaemonUnreachableError(socketPath, 'closed during daemon/hello');
      throw e;
    }
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  private markClosed(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    this.conn.dispose(); // rejects pending requests instead of leaving them hanging
    this.socket.destroy();
    for (const h of [...this.closeHandlers]) h(reason);
  }

  /** A declared request, with its params typed and its result validated. */
  async request<D extends RequestDecl>(decl: D, params: ParamsOf<D>): Promise<ResultOf<D>> {
    if (this.closed) throw new ConnectionLostError();
    let raw: unknown;
    try {
      raw = await this.conn.sendRequest(requestType(decl), params as never);
    } catch (e) {
      throw toError(e);
    }
    const v = validate(decl.result, raw);
    if (!v.ok) throw new Error(`invalid ${decl.name} result from the daemon: ${v.message}`);
    return v.value as ResultOf<D>;
  }

  /** Any method by name, params sent as given (scripts: `kubetile rpc`). */
  async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    if (this.closed) throw new ConnectionLostError();
    try {
      return await this.conn.sendRequest(method, params);
    } catch (e) {
      throw toError(e);
    }
  }

  /** Subscribes to a notification (validated with its schema; invalid ones are logged and dropped). */
  on<K extends NotificationName>(name: K, handler: (params: NotificationParams<K>) => void): () => void {
    const method = Notifications[name].name;
    let set = this.handlers.get(method);
    if (!set) this.handlers.set(method, (set = new Set()));
    const h = handler as (params: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /** Called once when the connection closes, with a short reason. Called at once if already closed. */
  onClose(handler: (reason: string) => void): () => void {
    if (this.closedReason !== null) {
      handler(this.closedReason);
      return () => {};
    }
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  /** Closes the connection (pending requests reject). */
  close(reason = 'closed by client'): void {
    this.markClosed(reason);
  }
}

/** Connects, says hello, runs `fn`, closes. */
export async function withDaemon<T>(socketPath: string, fn: (c: DaemonClient) => Promise<T>, opts: ConnectOptions = {}): Promise<T> {
  const c = await DaemonClient.connect(socketPath, opts);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
