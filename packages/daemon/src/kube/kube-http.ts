import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { KubeConfig } from './kubeconfig.js';
import { ANSWER_DEADLINE_MS, CredentialError, KubeApiError, noAnswerError, statusError, transportError } from './api-error.js';
import { credentialsRefused } from './exec-auth.js';
import { badNamespace, invalidRef } from './resource-ref.js';
import { formatBytes } from '../util/bytes.js';
import { MIN_ANSWER_PACE, tooSlowError, watchPace, type MinPace } from './answer-pace.js';
import { proxyOfAgent } from './proxy-agent.js';
import { cutShortError, failureStatusError, notAnObjectError, notJsonError, withRedirect } from './answer-words.js';

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Query parameters; an array repeats the key (`command=sh&command=-c`). */
  query?: Record<string, string | number | boolean | undefined | readonly string[]>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** Longest silence while the body streams in (default 30 s). */
  timeoutMs?: number;
  /** Longest wait for the answer to start: connect, TLS, credentials excluded, headers (default 10 s). */
  answerMs?: number;
  /** The biggest body taken (kubeRequest): a bigger answer is cut off and is an error, never buffered whole. */
  maxBytes?: number;
  /** The least the body must keep arriving at (kubeRequest; default MIN_ANSWER_PACE: 1 KiB in any 30 s). */
  minPace?: MinPace;
  /**
   * Called (kubeRequest) with each piece of the body as it arrives and the size so far, before
   * anything is parsed: what it throws refuses the answer (not read further), e.g. jsonBudgetCheck.
   */
  onChunk?: (chunk: Buffer, size: number) => void;
}

export interface PreparedRequest {
  /** The server URL from the kubeconfig, for messages. */
  server: string;
  /** `GET /api/v1/pods`, for messages. */
  what: string;
  /** Starts the request; `onResponse` gets the response once its headers are in. */
  start(onResponse: (res: IncomingMessage) => void): ClientRequest;
}

/**
 * The kubeconfig's TLS and credentials (client-node's `applyToHTTPSOptions`: exec plugins go
 * through our ExecAuthenticator) applied to one request.
 */
export async function prepareRequest(kc: KubeConfig, req: KubeRequest): Promise<PreparedRequest> {
  return prepareWith(kc, req, await connectionOptions(kc, req));
}

/** prepareRequest with the connection options already made (connectionOptions: credentials asked for once). */
export function prepareWith(kc: KubeConfig, req: KubeRequest, conn: ConnectionOptions): PreparedRequest {
  const { url, cluster, opts } = conn;
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  if (payload) {
    (opts.headers as Record<string, string | number>)['Content-Type'] = req.contentType ?? 'application/json';
    (opts.headers as Record<string, string | number>)['Content-Length'] = payload.length;
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const what = `${opts.method} ${req.path}`;
  const answerMs = req.answerMs ?? ANSWER_DEADLINE_MS;
  return {
    server: cluster.server,
    what,
    start(onResponse) {
      // A server that accepts the connection and never answers (or a TLS handshake that never
      // ends) must not hold a request for the socket's idle timeout.
      let answered = false;
      let r: ClientRequest;
      try {
        r = send(opts, (res) => {
          answered = true;
          clearTimeout(deadline);
          if (res.statusCode === 401) credentialsRefused(kc);
          onResponse(res);
        });
      } catch (err) {
        throw tlsMaterialError(kc, opts, err);
      }
      const deadline = setTimeout(() => {
        if (!answered) r.destroy(noAnswerError(cluster.server, answerMs));
      }, answerMs);
      r.once('close', () => clearTimeout(deadline));
      if (payload) r.write(payload);
      r.end();
      return r;
    },
  };
}

/**
 * The kubeconfig's TLS material refused when the request was made (a client certificate or key that
 * is not PEM, a key that is not the certificate's): OpenSSL's words alone (`PEM routines::no start
 * line`) said neither which user nor which of its files, and were shown as the API server's fault.
 */
export function tlsMaterialError(kc: KubeConfig, opts: RequestOptions, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException & { library?: unknown };
  // OpenSSL's errors only (ERR_OSSL_PEM_NO_START_LINE, ERR_OSSL_X509_KEY_VALUES_MISMATCH…): anything else is not the TLS material's fault.
  const openssl = (typeof e?.code === 'string' && e.code.startsWith('ERR_OSSL')) || typeof e?.library === 'string';
  if (err instanceof KubeApiError || !openssl) return err;
  const msg = e.message;
  const what = opts.cert || opts.key ? `the client certificate or key of user '${kc.getCurrentUser()?.name ?? '?'}'` : `the TLS settings of cluster '${kc.getCurrentCluster()?.name ?? '?'}'`;
  return new CredentialError(`${what} cannot be used: ${msg}`);
}

/** What an HTTP header cannot carry (node refuses it): a line break, a control character, one past Latin-1. */
const BAD_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** A `.` or `..` segment in a path. */
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/** Where a request goes and how (connectionOptions). */
export interface ConnectionOptions {
  url: URL;
  /** The server as messages name it (with the proxy in between, if any). */
  cluster: { server: string };
  opts: RequestOptions;
}

/**
 * Where and how to reach the API server for one request: the URL, and the request options with
 * the kubeconfig's TLS material and credentials applied (client-node's `applyToHTTPSOptions`;
 * exec plugins go through our ExecAuthenticator). Shared by plain requests, body streams and WebSockets.
 */
export async function connectionOptions(kc: KubeConfig, req: KubeRequest): Promise<ConnectionOptions> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    const ctx = kc.getContextObject(kc.getCurrentContext());
    throw new KubeApiError(ctx?.cluster ? `context '${ctx.name}' names cluster '${ctx.cluster}', which the kubeconfig does not define` : ctx ? `context '${ctx.name}' names no cluster` : 'the kubeconfig has no current cluster', 0);
  }
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new KubeApiError(`the kubeconfig's server ${JSON.stringify(cluster.server)} is not a URL`, 0);
  }
  // No API path has a `.` or `..` segment; anything that cleans paths (a proxy, an API server behind
  // one) would take `pods/..` for the Namespace. Object names are checked where paths are built
  // (objectPath); this stops any path that slipped through, the object's or a subresource's.
  if (DOT_SEGMENT.test(req.path.split('?', 1)[0]!)) throw new KubeApiError(`refusing to build a request: ${JSON.stringify(req.path.slice(0, 200))} has a "." or ".." path segment`, 0, 'Invalid');
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const one of v as readonly string[]) qs.append(k, one);
    else qs.set(k, String(v));
  }
  const path = `${url.pathname.replace(/\/$/, '')}${req.path}${qs.size ? `?${qs}` : ''}`;
  const opts: RequestOptions = {
    method: req.method ?? 'GET',
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    path,
    headers: { Accept: req.accept ?? 'application/json' },
    ...(req.signal ? { signal: req.signal } : {}),
  };
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    if (err instanceof KubeApiError) throw err;
    const user = kc.getCurrentUser()?.name ?? '?';
    throw new CredentialError(`the credentials of user '${user}' could not be applied: ${(err as Error).message}`);
  }
  // A token pasted with a zero-width space or a typographic quote, or a plugin's with a line break:
  // node refused the request with `Invalid character in header content ["Authorization"]`, shown as
  // the API server's fault.
  const authorization = (opts.headers as Record<string, unknown>).Authorization;
  if (typeof authorization === 'string' && BAD_HEADER_CHAR.test(authorization)) {
    const bad = BAD_HEADER_CHAR.exec(authorization)![0];
    const code = `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new CredentialError(`the token of user '${kc.getCurrentUser()?.name ?? '?'}' has a character no HTTP header can carry (${code}${bad === '\n' || bad === '\r' ? ', a line break' : ''}): fix the token in the kubeconfig, or what gives it (its token file, its credential plugin)`);
  }
  // Through a proxy, what the server did after the tunnel opened (closed it, went silent) is said with
  // the proxy's name too: "the API server at https://10.0.0.1:6443 did not answer" hid the proxy in between.
  const via = proxyOfAgent(opts.agent);
  return { url, cluster: via ? { server: `${cluster.server} (through the proxy ${via})` } : cluster, opts };
}

/**
 * The biggest answer any request takes (a caller may ask for less): JavaScript holds no string past
 * ~512 MiB, and turning a bigger body into one threw from the socket's handler. A list that big (an
 * unpaged list of ~250k pods) is refused with this said; paged lists never come near it.
 */
export const MAX_ANSWER_BYTES = 448 * 1024 * 1024;

/**
 * A JSON request to the API server, parsing the body with plain JSON.parse: lists of 100k objects
 * stay fast. It fails within `answerMs` (10 s) when the server does not start answering, when the
 * body stalls for `timeoutMs` (30 s), and when it trickles (less than `minPace`: 1 KiB in 30 s).
 * Watches and log streams, which may rightly be quiet for long, are not made with it.
 */
export async function kubeRequest<T = unknown>(kc: KubeConfig, req: KubeRequest): Promise<T> {
  const p = await prepareRequest(kc, req);
  const maxBytes = Math.min(req.maxBytes ?? MAX_ANSWER_BYTES, MAX_ANSWER_BYTES);
  const pace = req.minPace ?? MIN_ANSWER_PACE;
  return new Promise<T>((resolve, reject) => {
    const attempt = (again: boolean): void => {
      /** The answer once its headers are in, and how much of its body has come. */
      let answer: IncomingMessage | null = null;
      let size = 0;
      let cut = false;
      const lost = (err: unknown): void => {
        // A kept-alive connection the server closed while it sat free (seen late: the daemon was busy
        // parsing): a GET written on it fails before any answer, through no fault of the server's.
        if (!answer && !again && staleConnection(r, err, req)) {
          try {
            return attempt(true);
          } catch (e) {
            return reject(e);
          }
        }
        // The connection ended mid-body (a reset, a proxy closing): the request and how much came, not only "aborted".
        if (!answer || cut || req.signal?.aborted || err instanceof KubeApiError) return reject(err instanceof KubeApiError ? err : transportError(err, p.server));
        reject(cutShortError(p.what, p.server, size, answer.headers, (err as NodeJS.ErrnoException).code));
      };
      const r = p.start((res) => {
        answer = res;
        const chunks: Buffer[] = [];
        /** The answer given up (its error said first: destroying the request makes errors of its own). */
        const fail = (err: KubeApiError): void => {
          cut = true;
          chunks.length = 0;
          reject(err);
          r.destroy();
        };
        const timeoutMs = req.timeoutMs ?? 30_000;
        r.setTimeout(timeoutMs, () => fail(new KubeApiError(`${p.what}: the API server stopped sending the answer (nothing for ${seconds(timeoutMs)} s, after ${formatBytes(size)})`, 0, 'ETIMEDOUT')));
        const slow = watchPace(pace, (recent, total) => fail(tooSlowError(p.what, 'the answer', pace, recent, total)));
        res.once('close', () => slow.stop());
        res.on('data', (c: Buffer) => {
          if (cut) return;
          size += c.length;
          slow.add(c.length);
          if (size > maxBytes) return fail(new KubeApiError(`${p.what}: the answer is bigger than ${formatBytes(maxBytes)}; not read`, res.statusCode ?? 0));
          if (req.onChunk) {
            try {
              req.onChunk(c, size);
            } catch (err) {
              return fail(err instanceof KubeApiError ? err : new KubeApiError(`${p.what}: the answer is refused: ${(err as Error).message}`, res.statusCode ?? 0));
            }
          }
          chunks.push(c);
        });
        res.on('error', lost);
        res.on('end', () => {
          slow.stop();
          if (cut) return;
          let body: string;
          try {
            body = Buffer.concat(chunks).toString('utf8');
          } catch (err) {
            reject(new KubeApiError(`${p.what}: the answer could not be read (${(err as Error).message})`, res.statusCode ?? 0));
            return;
          }
          chunks.length = 0;
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return reject(withRedirect(statusError(status, body, p.what, res.headers['retry-after']), status, res.headers));
          const get = (req.method ?? 'GET') === 'GET';
          if (!body) return get ? reject(notAnObjectError(p.what, status, undefined)) : resolve(undefined as T);
          let value: unknown;
          try {
            value = JSON.parse(body);
          } catch {
            return reject(notJsonError(p.what, status, res.headers, body));
          }
          if (get && (typeof value !== 'object' || value === null || Array.isArray(value))) return reject(notAnObjectError(p.what, status, value));
          const failure = failureStatusError(p.what, status, value, body);
          if (failure) return reject(failure);
          resolve(value as T);
        });
      });
      r.on('error', lost);
    };
    attempt(false);
  });
}

/** A GET that died on a reused keep-alive connection before anything came back (sent again once, on a new one). */
const staleConnection = (r: ClientRequest, err: unknown, req: KubeRequest): boolean =>
  r.reusedSocket && (req.method ?? 'GET') === 'GET' && !req.signal?.aborted && ['ECONNRESET', 'EPIPE'].includes((err as NodeJS.ErrnoException)?.code ?? '');

/** Milliseconds as whole seconds for messages (at least 1). */
const seconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));

/** The REST path of a collection: `/api/v1/namespaces/ns/pods`, `/apis/apps/v1/deployments`. Throws on names that are not plain path segments. */
export function collectionPath(r: { group: string; version: string; plural: string; namespaced: boolean }, namespace: string | null): string {
  const bad = invalidRef(r) ?? (r.namespaced && namespace !== null ? badNamespace(namespace) : null);
  if (bad) throw new KubeApiError(`refusing to build a request: ${bad}`, 0, 'Invalid');
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace ? `${base}/namespaces/${namespace}/${r.plural}` : `${base}/${r.plural}`;
}
