import { createConnection, type Socket } from 'node:net';
import {
  CancellationTokenSource, createMessageConnection, ParameterStructures, ResponseError, StreamMessageReader,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import type { Notifications, ParamsOf, RequestDecl, Requests, ResultOf } from '@kubetile/rpc-schema';
import {
  API_LEVEL, apiMismatchMessage, ErrorCodes, MIN_API_LEVEL, PRODUCT_VERSION, socketDirKind, socketPathProblem, socketTrustProblem, type ApiMismatch,
  type ApiRange,
} from '@kubetile/rpc-schema/light';
import { schemaContract, type Contract } from './contract.js';
import { EndInOrderReader, READER_ENDED } from './end-in-order-reader.js';
import { OneWriteMessageWriter } from './frame-writer.js';

/**
 * Why nobody answered: no socket file (`absent`), nothing listening (`refused`), the connection
 * itself timed out (`timeout`), connected but no hello answer in time (`silent`: a daemon may be
 * loading or stuck; never start a second one then), closed during the hello (`closed`).
 */
export type UnreachableKind = 'absent' | 'refused' | 'timeout' | 'silent' | 'closed' | 'other';

/** Nobody answers on the socket (no file, refused, or not a kubetile daemon). */
export class DaemonUnreachableError extends Error {
  constructor(
    readonly socketPath: string,
    readonly reason: string,
    readonly kind: UnreachableKind = 'other',
  ) {
    super(`no daemon answers on ${socketPath} (${reason})`);
    this.name = 'DaemonUnreachableError';
  }

  /** Nothing listens there at all: starting a daemon is the right move. */
  get nobodyListens(): boolean {
    return this.kind === 'absent' || this.kind === 'refused';
  }
}

/**
 * This client and the daemon share no API level. The message names both versions and what to do
 * (see rpc-schema's apiMismatchMessage); `daemonPid` lets `kubetile daemon restart` find it.
 */
export class ApiMismatchError extends Error {
  constructor(
    message: string,
    readonly daemonRange: ApiRange | null,
    readonly daemonPid: number | null,
  ) {
    super(message);
    this.name = 'ApiMismatchError';
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

/** The method of each notification (kept equal to rpc-schema's by the type check). */
const NOTIFICATION_METHODS = {
  layout: 'session/layout',
  paneView: 'pane/view',
  toast: 'toast',
  pluginStatus: 'plugin/status',
  clipboard: 'clipboard/write',
  editorOpen: 'editor/open',
  sessionEnded: 'session/ended',
  exit: 'daemon/exit',
} as const satisfies { [K in NotificationName]: (typeof Notifications)[K]['name'] };

export interface ConnectOptions {
  /** Client name sent in daemon/hello. */
  clientName?: string;
  /** Deadline for the socket to accept. */
  timeoutMs?: number;
  /**
   * Deadline for the hello answer once the socket accepted (default 20 s): a daemon accepts at once
   * and answers when it has loaded, which takes seconds on a loaded machine or a socket-activated start.
   */
  helloTimeoutMs?: number;
  /**
   * The API level to claim instead of this build's (`kubetile daemon restart` speaks to a daemon of
   * another level only to stop it; daemon/hello and daemon/shutdown never change across levels).
   */
  apiLevel?: number;
  /** Where to report dropped (invalid) notifications. */
  log?: (message: string) => void;
  /** How what the daemon sends is checked (default: rpc-schema's zod schemas, loaded on first use). */
  contract?: Contract;
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
  const tooLong = socketPathProblem(path);
  if (tooLong) throw new DaemonUnreachableError(path, tooLong, 'other');
  await checkTrusted(path, env);
  return new Promise((resolve, reject) => {
    const sock = createConnection({ path });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new DaemonUnreachableError(path, 'timed out connecting', 'timeout'));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const kind: UnreachableKind = err.code === 'ENOENT' ? 'absent' : err.code === 'ECONNREFUSED' ? 'refused' : 'other';
      const reason = kind === 'absent' ? 'no socket file' : kind === 'refused' ? 'connection refused' : (err.code ?? err.message);
      reject(new DaemonUnreachableError(path, reason, kind));
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
  private readonly anyHandlers = new Set<(method: string, params: unknown) => void>();
  private readonly invalidHandlers = new Set<(method: string, params: unknown, message: string) => void>();
  private closedReason: string | null = null;
  hello: HelloResult | null = null;

  private constructor(
    readonly socketPath: string,
    private readonly socket: Socket,
    private readonly conn: MessageConnection,
    private readonly log: (message: string) => void,
    private contract: Contract,
  ) {
    let socketError = '';
    socket.on('error', (e: NodeJS.ErrnoException) => {
      socketError = e.code ?? e.message;
    });
    conn.onNotification((method: string, params: unknown) => {
      // The end of the stream, after every message that came before it (see EndInOrderReader).
      if (method === READER_ENDED) return this.markClosed(socketError || 'connection closed');
      const v = this.contract.notification(method, params);
      let value = params;
      if (v) {
        if (!v.ok) {
          this.log(`dropped invalid ${method} notification: ${v.message}`);
          for (const h of this.invalidHandlers) h(method, params, v.message);
          return;
        }
        value = v.value;
        for (const h of this.handlers.get(method) ?? []) h(value);
      }
      // Notifications this build does not know (a newer daemon may add some within the level) reach only `onAny`.
      for (const h of this.anyHandlers) h(method, value);
    });
    conn.listen();
  }

  /**
   * Checks the socket is ours, connects and says hello. Throws UntrustedSocketError,
   * DaemonUnreachableError, or RpcError when the daemon refuses us.
   */
  static async connect(socketPath: string, opts: ConnectOptions = {}): Promise<DaemonClient> {
    const timeoutMs = opts.timeoutMs ?? 3000;
    const contract = opts.contract ?? (await schemaContract());
    const socket = await openSocket(socketPath, timeoutMs, opts.env ?? process.env);
    const conn = createMessageConnection(
      new EndInOrderReader(new StreamMessageReader(socket)),
      new OneWriteMessageWriter(socket),
    );
    const client = new DaemonClient(socketPath, socket, conn, opts.log ?? (() => {}), contract);
    const clientName = opts.clientName ?? 'kubetile';
    const level = opts.apiLevel ?? API_LEVEL;
    const mine: ApiRange = opts.apiLevel !== undefined ? { min: level, max: level } : { min: MIN_API_LEVEL, max: API_LEVEL };
    try {
      const hello = await withTimeout(
        client.request<typeof Requests.hello>('daemon/hello', { client: { name: clientName, version: PRODUCT_VERSION }, apiLevel: mine.max, minApiLevel: mine.min }),
        opts.helloTimeoutMs ?? 20_000,
        () => new DaemonUnreachableError(socketPath, 'it accepted the connection but did not answer daemon/hello', 'silent'),
      );
      // A daemon that does not negotiate may answer with a level we do not speak: refuse it here.
      if (hello.apiLevel < mine.min || hello.apiLevel > mine.max) {
        const daemonRange = { min: hello.minApiLevel ?? hello.apiLevel, max: hello.maxApiLevel ?? hello.apiLevel };
        throw new ApiMismatchError(
          apiMismatchMessage({
            client: { name: 'kubetile', version: PRODUCT_VERSION, range: mine },
            daemon: { version: hello.server.version, pid: hello.server.pid, range: daemonRange },
          }),
          daemonRange,
          hello.server.pid,
        );
      }
      client.hello = hello;
      return client;
    } catch (e) {
      client.close();
      if (e instanceof ConnectionLostError) throw new DaemonUnreachableError(socketPath, 'closed during daemon/hello', 'closed');
      if (e instanceof RpcError && e.code === ErrorCodes.IncompatibleApiLevel) throw mismatchFromRefusal(e, mine);
      throw e;
    }
  }

  /** Stops reading from the daemon (a slow consumer downstream); the daemon keeps only the newest views meanwhile. */
  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
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

  /** Checks what the daemon sends from now on with `contract` (the schema once it has loaded). */
  useContract(contract: Contract): void {
    this.contract = contract;
  }

  /**
   * A declared request (its declaration, or its method name with the declaration as type argument),
   * with its params typed and its result checked by the contract.
   */
  async request<D extends RequestDecl>(decl: D | D['name'], params: ParamsOf<D>, signal?: AbortSignal): Promise<ResultOf<D>> {
    if (this.closed) throw new ConnectionLostError();
    const method = typeof decl === 'string' ? decl : decl.name;
    let raw: unknown;
    const cancel = cancellation(signal);
    try {
      raw = cancel.token
        ? await this.conn.sendRequest(method, ParameterStructures.byName, params, cancel.token)
        : await this.conn.sendRequest(method, ParameterStructures.byName, params);
    } catch (e) {
      throw toError(e);
    } finally {
      cancel.dispose();
    }
    const v = this.contract.result(method, raw);
    if (!v.ok) throw new Error(`invalid ${method} result from the daemon: ${v.message}`);
    return v.value as ResultOf<D>;
  }

  /**
   * Any method by name, params sent as given (scripts: `kubetile rpc`). Aborting `signal` sends
   * `$/cancelRequest`; the promise still settles with the daemon's answer (RequestCancelled -32800
   * from a daemon that stopped the work).
   */
  async call(method: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    if (this.closed) throw new ConnectionLostError();
    const cancel = cancellation(signal);
    try {
      // Without a token, none is passed: vscode-jsonrpc would send `[params, undefined]` as the params.
      return await (cancel.token ? this.conn.sendRequest(method, params, cancel.token) : this.conn.sendRequest(method, params));
    } catch (e) {
      throw toError(e);
    } finally {
      cancel.dispose();
    }
  }

  /** Every notification, by method name (validated when this build declares it; unknown ones as sent). */
  onAny(handler: (method: string, params: unknown) => void): () => void {
    this.anyHandlers.add(handler);
    return () => this.anyHandlers.delete(handler);
  }

  /** Notifications this build declares that did not fit their schema (dropped): the method, as sent, and what was wrong. */
  onInvalid(handler: (method: string, params: unknown, message: string) => void): () => void {
    this.invalidHandlers.add(handler);
    return () => this.invalidHandlers.delete(handler);
  }

  /** Subscribes to a notification (validated with its schema; invalid ones are logged and dropped). */
  on<K extends NotificationName>(name: K, handler: (params: NotificationParams<K>) => void): () => void {
    const method = NOTIFICATION_METHODS[name];
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

/** A cancellation token that follows `signal` (vscode-jsonrpc sends `$/cancelRequest` when it fires). */
function cancellation(signal: AbortSignal | undefined): { token: CancellationTokenSource['token'] | undefined; dispose(): void } {
  if (!signal) return { token: undefined, dispose: () => undefined };
  const source = new CancellationTokenSource();
  const onAbort = (): void => source.cancel();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    token: source.token,
    dispose: () => {
      signal.removeEventListener('abort', onAbort);
      source.dispose();
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** The daemon refused our level: its data (when it sends it) gives its version and range. */
function mismatchFromRefusal(e: RpcError, mine: ApiRange): ApiMismatchError {
  const d = e.data;
  const server = isObject(d) && isObject(d.server) ? d.server : null;
  if (isObject(d) && server && typeof server.version === 'string' && isInt(d.apiLevel)) {
    const range = { min: isInt(d.minApiLevel) ? d.minApiLevel : d.apiLevel, max: d.apiLevel };
    const pid = isInt(server.pid) ? server.pid : null;
    const m: ApiMismatch = {
      client: { name: 'kubetile', version: PRODUCT_VERSION, range: mine },
      daemon: { version: server.version, pid, range },
    };
    return new ApiMismatchError(apiMismatchMessage(m), range, pid);
  }
  // An older daemon says it in its own words: add ours, and what to do.
  return new ApiMismatchError(
    `the daemon refused this kubetile ${PRODUCT_VERSION} (API level ${mine.max}): ${e.message}; restart it with this version with 'kubetile daemon restart'`,
    null,
    null,
  );
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
