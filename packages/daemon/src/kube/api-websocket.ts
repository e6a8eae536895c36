import type { IncomingMessage } from 'node:http';
// ws types its createConnection as net's (every overload); it only ever calls it with the request's options.
import type { createConnection } from 'node:net';
import type { KubeConfig } from './kubeconfig.js';
import type WebSocket from 'ws';
import { ANSWER_DEADLINE_MS, KubeApiError, noAnswerError, statusError, transportError } from './api-error.js';
import { credentialsRefused } from './exec-auth.js';
import { connectionOptions, type KubeRequest } from './kube-http.js';
import { reusingTlsConnect, tlsMaterialOf } from './tls-reuse.js';

export interface ApiWebSocket {
  ws: WebSocket;
  /** The subprotocol the server chose (`v5.channel.k8s.io`, `v4.channel.k8s.io`, …). */
  protocol: string;
}

/** The biggest message taken from the API server unless the caller says otherwise. */
export const DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024;

/**
 * Opens a WebSocket to the API server (exec, attach, port-forward) with the kubeconfig's TLS and
 * credentials, offering `protocols` in order of preference. Fails within `answerMs` when the server
 * does not answer, and with the server's own Status message when it refuses the upgrade (403, 404,
 * a container that is not running…). `maxMessage`: the biggest message the server may send
 * (default DEFAULT_MAX_MESSAGE); a bigger one is refused as soon as its header announces it (the
 * socket errors with `Max payload size exceeded`), never buffered.
 */
export async function openApiWebSocket(kc: KubeConfig, req: Pick<KubeRequest, 'path' | 'query' | 'answerMs' | 'signal'> & { maxMessage?: number }, protocols: readonly string[]): Promise<ApiWebSocket> {
  const { url, cluster, opts } = await connectionOptions(kc, { ...req, method: 'GET' });
  const scheme = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const host = url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname;
  const target = `${scheme}//${host}${url.port ? `:${url.port}` : ''}${opts.path ?? '/'}`;
  const answerMs = req.answerMs ?? ANSWER_DEADLINE_MS;
  const headers = { ...(opts.headers as Record<string, string>) };
  delete headers.Accept;
  const what = `${req.path}`;
  // ws is loaded with the first exec or port-forward, not at the daemon's start.
  const { default: WebSocketClass } = await import('ws');
  // Aborted while the credentials were prepared: an abort listener added now would never fire.
  if (req.signal?.aborted) throw new KubeApiError('aborted', 0, 'Aborted');
  return new Promise<ApiWebSocket>((resolve, reject) => {
    let settled = false;
    const fail = (err: KubeApiError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      ws.terminate();
      reject(err);
    };
    const ws = new WebSocketClass(target, [...protocols], {
      headers,
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.cert ? { cert: opts.cert } : {}),
      ...(opts.key ? { key: opts.key } : {}),
      ...(opts.pfx ? { pfx: opts.pfx } : {}),
      ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
      rejectUnauthorized: opts.rejectUnauthorized !== false,
      ...(opts.servername ? { servername: opts.servername } : {}),
      // The cluster's proxy (proxy-url): exec, attach and port-forwards go through it as requests do.
      // Straight to the server over TLS: the context made once and the session resumed (tls-reuse).
      ...(opts.agent ? { agent: opts.agent } : scheme === 'wss:' ? { createConnection: reusingTlsConnect(tlsMaterialOf(opts)) as unknown as typeof createConnection } : {}),
      handshakeTimeout: answerMs,
      perMessageDeflate: false,
      maxPayload: req.maxMessage ?? DEFAULT_MAX_MESSAGE,
    });
    const timer = setTimeout(() => fail(noAnswerError(cluster.server, answerMs)), answerMs + 1000);
    const onAbort = (): void => fail(new KubeApiError('aborted', 0, 'Aborted'));
    req.signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('unexpected-response', (_r, res: IncomingMessage) => {
      if (res.statusCode === 401) credentialsRefused(kc);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 64 * 1024) chunks.push(c);
      });
      res.on('end', () => fail(statusError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), `upgrade ${what}`)));
      res.on('error', (err) => fail(transportError(err, cluster.server)));
    });
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      // Frames that came in the same read as the 101 answer would be emitted before the caller
      // attaches its handlers (after this promise resolves): hold them until the next turn.
      ws.pause();
      resolve({ ws, protocol: ws.protocol });
      setImmediate(() => ws.resume());
    });
    ws.once('error', (err) => fail(err instanceof KubeApiError ? err : /handshake has timed out/i.test(err.message) ? noAnswerError(cluster.server, answerMs) : transportError(err, cluster.server)));
  });
}
