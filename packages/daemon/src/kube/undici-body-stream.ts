import { connect as netConnect, type Socket } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions, TLSSocket } from 'node:tls';
import type { Client, Dispatcher } from 'undici';
import type { KubeConfig } from './kubeconfig.js';
import { ANSWER_DEADLINE_MS, noAnswerError } from './api-error.js';
import { credentialsRefused } from './exec-auth.js';
import { tlsMaterialError, type ConnectionOptions, type KubeRequest } from './kube-http.js';
import { STREAM_KEEPALIVE_MS, type BodySink, type PreparedBodyStream } from './body-sink.js';
import { reusingTlsConnect, tlsMaterialOf } from './tls-reuse.js';

/**
 * The request options this transport knows how to carry; anything else (a proxy's agent first of
 * all) goes through Node's client, which knows them all.
 */
const CARRIED = new Set(['method', 'hostname', 'port', 'path', 'headers', 'ca', 'cert', 'key', 'rejectUnauthorized', 'servername', 'auth']);

export function undiciCanCarry(conn: ConnectionOptions): boolean {
  const protocol = conn.url.protocol;
  if (protocol !== 'https:' && protocol !== 'http:') return false;
  for (const [k, v] of Object.entries(conn.opts)) if (v !== undefined && !CARRIED.has(k)) return false;
  return true;
}

type ClientClass = typeof Client;
let loading: Promise<ClientClass> | null = null;
/**
 * undici's HTTP/1.1 client alone, loaded when the first stream opens: the package's entry point
 * also loads fetch, WebSocket, caches and mocks (~19 MiB of a daemon's RSS against ~11).
 */
function loadClient(): Promise<ClientClass> {
  // A path the package's files have had since undici 5 (pinned in package.json); typed as the entry point's Client.
  const path: string = 'undici/lib/dispatcher/client.js';
  loading ??= import(path).then((m: { default: ClientClass }) => m.default);
  return loading;
}

/** Undici's word for the server (or something between) closing the connection mid-body: no error of its own to show. */
const closedByPeer = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'UND_ERR_SOCKET';

/**
 * undici's parser errors in the words of Node's (`HPE_…` codes), which transportError turns into
 * "did not answer in HTTP": undici's own ("Response does not match the HTTP/1.1 protocol", with no
 * code; "Headers Overflow Error") named neither what was wrong nor what to check.
 */
function parserError(err: unknown): unknown {
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (e?.code === 'UND_ERR_HEADERS_OVERFLOW') return Object.assign(new Error('Header overflow'), { code: 'HPE_HEADER_OVERFLOW' });
  if (e?.name === 'HTTPParserError' && typeof e.message === 'string') return Object.assign(new Error(e.message.replace(/^Response does not match the HTTP\/1\.1 protocol \((.*)\)$/, '$1')), { code: typeof e.code === 'string' ? e.code : 'HPE_INVALID_CONSTANT' });
  return err;
}

/** What comes after the body pieces: the server's end, or a failure. */
type Final = { kind: 'end' } | { kind: 'fail'; err: unknown };

/**
 * A streamed GET through undici, on a connection of its own (closed when the stream ends): TLS with
 * the kubeconfig's CA, client certificate and server name, made here, so a certificate or key that
 * cannot be used is refused before anything is sent, with the user's words for it.
 */
export async function undiciBodyStream(kc: KubeConfig, req: KubeRequest, conn: ConnectionOptions): Promise<PreparedBodyStream> {
  const { url, cluster, opts } = conn;
  const https = url.protocol === 'https:';
  const host = opts.hostname ?? url.hostname;
  const port = Number(opts.port);
  // The context made once per server and material, and the server's session resumed (tls-reuse).
  let tlsConnect: ((o: TlsConnectionOptions) => TLSSocket) | undefined;
  if (https) {
    try {
      tlsConnect = reusingTlsConnect(tlsMaterialOf(opts));
    } catch (err) {
      throw tlsMaterialError(kc, opts, err);
    }
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? v.map(String) : String(v);
  if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  const method = opts.method ?? 'GET';
  const path = opts.path ?? '/';
  const answerMs = req.answerMs ?? ANSWER_DEADLINE_MS;
  const ClientCtor = await loadClient();

  const connector = (_o: unknown, cb: (...args: [null, Socket] | [Error, null]) => void): void => {
    const socket: Socket = tlsConnect ? tlsConnect({ host, port, ALPNProtocols: ['http/1.1'] }) : netConnect({ host, port });
    socket.setKeepAlive(true, STREAM_KEEPALIVE_MS);
    socket.setNoDelay(true);
    let settled = false;
    // Every error until the connection is undici's is taken here (a second one with no listener would be thrown).
    const failed = (err: Error): void => {
      socket.destroy();
      if (settled) return;
      settled = true;
      cb(err, null);
    };
    socket.once(tlsConnect ? 'secureConnect' : 'connect', () => {
      if (settled) return;
      settled = true;
      socket.off('error', failed);
      cb(null, socket);
    });
    socket.on('error', failed);
  };

  return {
    server: cluster.server,
    what: `${method} ${req.path}`,
    start(sink: BodySink) {
      const client = new ClientCtor(url.origin, { connect: connector, bodyTimeout: 0, headersTimeout: 0, pipelining: 1 });
      let stopped = false;
      let answered = false;
      let controller: Dispatcher.DispatchController | null = null;
      /** Body pieces not yet handed to the sink, and what comes after them. */
      let queue: Buffer[] = [];
      let final: Final | null = null;
      let scheduled = false;
      let waiting = false;
      const close = (): void => {
        clearTimeout(deadline);
        client.destroy().catch(() => undefined);
      };
      const stop = (): void => {
        stopped = true;
        queue = [];
        close();
      };
      /** Hands over what came, in order: the pieces of one socket read together, then the end or the failure. */
      const deliver = (): void => {
        scheduled = false;
        if (stopped || waiting) return;
        if (queue.length > 0) {
          const piece = queue.length === 1 ? queue[0]! : Buffer.concat(queue);
          queue = [];
          const w = sink.onBody(piece);
          if (stopped) return;
          if (w) {
            waiting = true;
            controller?.pause();
            const resume = (): void => {
              waiting = false;
              if (stopped) return;
              controller?.resume();
              deliver();
            };
            void w.then(resume, resume);
            return;
          }
        }
        if (!final) return;
        const f = final;
        stop();
        if (f.kind === 'end') sink.onEnd();
        else sink.onFail(closedByPeer(f.err) ? null : f.err, true);
      };
      /** The request failed before its answer came: said once, with the connection closed. */
      const failUnanswered = (err: unknown): void => {
        if (stopped) return;
        stop();
        sink.onFail(err, false);
      };
      const later = (): void => {
        if (scheduled) return;
        scheduled = true;
        queueMicrotask(deliver);
      };
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
        },
        onResponseStart(_c, status) {
          // 1xx answers are informational; Node's client skips them too.
          if (stopped || status < 200) return;
          answered = true;
          clearTimeout(deadline);
          if (status === 401) credentialsRefused(kc);
          sink.onStatus(status);
        },
        onResponseData(_c, chunk) {
          if (stopped) return;
          queue.push(chunk);
          later();
        },
        onResponseEnd() {
          if (stopped) return;
          final = { kind: 'end' };
          later();
        },
        onResponseError(_c, error) {
          if (stopped) return;
          const err = parserError(error);
          if (!answered) return failUnanswered(err);
          final = { kind: 'fail', err };
          later();
        },
      };
      const deadline = setTimeout(() => {
        if (!answered) failUnanswered(noAnswerError(cluster.server, answerMs));
      }, answerMs);
      try {
        client.dispatch({ origin: url.origin, path, method: method as Dispatcher.HttpMethod, headers }, handler);
      } catch (err) {
        // undici refused the request as written (a header it cannot send): said once the caller has its handle.
        queueMicrotask(() => failUnanswered(err));
      }
      return { abort: stop };
    },
  };
}
