/**
 * Port-forward over SPDY/3.1 (protocol portforward.k8s.io): kubectl opens an error stream and a
 * data stream per local connection, paired by requestID and naming the port in a header. Also
 * used inside the WebSocket tunnel ("SPDY/3.1+portforward.k8s.io") of kubectl 1.31 and later.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { PodIdentity } from '../exec/fake-fs.js';
import type { PortTargets } from '../portforward/targets.js';
import { SpdySession, type SpdyStream } from './session.js';

export const SPDY_PORTFORWARD_PROTOCOL = 'portforward.k8s.io';
export const TUNNEL_PORTFORWARD_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

export function serveSpdyPortForward(socket: Duplex, head: Buffer, declared: readonly number[], owner: (port: number) => PodIdentity, targets: PortTargets): SpdySession {
  const session = new SpdySession(socket, head);
  const pairs = new Map<string, Pair>();
  session.on('stream', (s: SpdyStream) => {
    const type = s.header('streamtype');
    const port = Number(s.header('port') ?? '');
    const id = s.header('requestid') ?? s.header('port') ?? '';
    if ((type !== 'data' && type !== 'error') || !Number.isInteger(port) || port < 1 || port > 65535) {
      s.reset();
      return;
    }
    const pair = pairs.get(id) ?? {};
    pair[type] = s;
    pairs.set(id, pair);
    // The client half-closes the error stream right away; keep reading so its FIN is consumed.
    if (type === 'error') s.on('data', () => undefined);
    if (pair.error && pair.data) {
      pairs.delete(id);
      forwardPair(pair.error, pair.data, port, owner(port), declared, targets);
    }
  });
  return session;
}

function forwardPair(errorStream: SpdyStream, data: SpdyStream, port: number, pod: PodIdentity, declared: readonly number[], targets: PortTargets): void {
  const fail = (msg: string): void => {
    errorStream.write(`error forwarding port ${port} to pod ${pod.name}, uid ${pod.uid}: ${msg}`);
    errorStream.end();
    data.end();
  };
  const queued: Buffer[] = [];
  let conn: net.Socket | undefined;
  let clientDone = false;
  data.on('data', (d: Buffer) => {
    if (conn && !conn.connecting) conn.write(d);
    else queued.push(d);
  });
  data.on('end', () => {
    clientDone = true;
    if (conn && !conn.connecting) conn.end();
  });
  data.on('reset', () => conn?.destroy());
  data.on('close', () => conn?.destroy());
  targets.resolve(pod, declared, port).then((t) => {
    if (!t) {
      fail(`failed to connect to localhost:${port} inside namespace "${pod.uid}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused`);
      return;
    }
    const c = net.connect(t.port, t.host);
    conn = c;
    c.setNoDelay(true);
    c.on('connect', () => {
      for (const b of queued.splice(0)) c.write(b);
      if (clientDone) c.end();
    });
    c.on('data', (d: Buffer) => data.write(d));
    c.on('end', () => {
      data.end();
      errorStream.end();
    });
    c.on('error', (err: NodeJS.ErrnoException) => fail(`dial tcp4 ${t.host}:${t.port}: connect: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`));
  }, (err: unknown) => fail(String(err)));
}
