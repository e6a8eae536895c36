import type { RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import { connect, createSecureContext, type ConnectionOptions, type SecureContext, type TLSSocket } from 'node:tls';

/** The TLS material of a connection: what makes two connections the same to a server. */
export interface TlsMaterial {
  host: string;
  port: number | string;
  servername?: string | undefined;
  ca?: unknown;
  cert?: unknown;
  key?: unknown;
  pfx?: unknown;
  passphrase?: string | undefined;
  rejectUnauthorized: boolean;
}

/**
 * The TLS material of a request's options as kube-http's connectionOptions makes them (the host
 * without brackets, its port, the kubeconfig's server name, CA, client certificate and verify mode).
 */
export function tlsMaterialOf(opts: RequestOptions): TlsMaterial {
  return {
    host: String(opts.hostname ?? ''),
    port: opts.port ?? 443,
    servername: opts.servername,
    ca: opts.ca,
    cert: opts.cert,
    key: opts.key,
    pfx: opts.pfx,
    passphrase: opts.passphrase,
    rejectUnauthorized: opts.rejectUnauthorized !== false,
  };
}

/** What is kept per server and material: the secure context, and the last session the server handed out. */
interface Reuse {
  ctx: SecureContext;
  session: Buffer | null;
}

/** Servers and materials kept at most (a daemon talks to a few clusters; the oldest is forgotten first). */
const MAX_KEPT = 32;
const kept = new Map<string, Reuse>();

const part = (v: unknown): string => (v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('base64') : Array.isArray(v) ? v.map(part).join(',') : String(v));

/** The key of a server and material: everything that decides whom we talk to and as whom. */
function keyOf(m: TlsMaterial): string {
  return [m.host, String(m.port), m.servername ?? '', m.rejectUnauthorized ? 'verify' : 'skip-verify', part(m.ca), part(m.cert), part(m.key), part(m.pfx), m.passphrase ?? ''].map((s) => `${s.length}:${s}`).join('|');
}

/**
 * A `createConnection` for TLS connections the daemon opens one at a time to an API server (the
 * WebSockets of exec and of every connection a port-forward carries, the connection of each followed
 * log): the secure context is built
 * once for the material (parsing the CA and the client key cost ~0.8 ms a connection) and the
 * server's last session ticket is offered again, so a new connection resumes the session instead of
 * a full handshake (~2.4 → ~1.9 ms against kube-sim). Keyed by the server and everything in the
 * material, so a session is only ever offered to the server, with the certificates, it came from;
 * a server that does not resume simply does a full handshake. Material that does not make a
 * context (a key that is not PEM) throws here, as tls.connect would.
 */
export function reusingTlsConnect(m: TlsMaterial): (options: ConnectionOptions) => TLSSocket {
  const key = keyOf(m);
  let reuse = kept.get(key);
  if (!reuse) {
    const ctx = createSecureContext({
      ...(m.ca !== undefined ? { ca: m.ca as ConnectionOptions['ca'] } : {}),
      ...(m.cert !== undefined ? { cert: m.cert as ConnectionOptions['cert'] } : {}),
      ...(m.key !== undefined ? { key: m.key as ConnectionOptions['key'] } : {}),
      ...(m.pfx !== undefined ? { pfx: m.pfx as ConnectionOptions['pfx'] } : {}),
      ...(m.passphrase !== undefined ? { passphrase: m.passphrase } : {}),
    });
    reuse = { ctx, session: null };
    if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(key, reuse);
  }
  const r = reuse;
  return (options) => {
    const socket = connect({
      ...options,
      // The request's own options carry its HTTP path: to tls.connect a `path` is a Unix socket.
      path: undefined,
      // As ws's and Node's own: the host's name is the server name unless it is an address.
      servername: m.servername ?? (isIP(m.host) ? '' : m.host),
      // The verify mode the context and session were kept for, whatever the caller passed.
      rejectUnauthorized: m.rejectUnauthorized,
      secureContext: r.ctx,
      ...(r.session ? { session: r.session } : {}),
    } as ConnectionOptions);
    socket.on('session', (s: Buffer) => {
      r.session = s;
    });
    return socket;
  };
}

/** Forgets every kept context and session (tests). */
export function forgetTlsReuse(): void {
  kept.clear();
}
