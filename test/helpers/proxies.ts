import { writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { KubeSim } from '@kubetile/kube-sim';

/**
 * Forward proxies for tests, on loopback: an HTTP proxy that only tunnels (CONNECT), and a SOCKS5
 * proxy (either may want a user name and password). Each journals the targets it was asked for and
 * resolves names through `hosts` (a name the machine cannot resolve reaches its server only through
 * the proxy). And a proxy that accepts connections and never answers.
 */
export interface TestProxy {
  url: string;
  /** `host:port` of every connection asked for, in order. */
  targets: string[];
  /** Connections from clients still open (the client has not closed them). */
  open(): number;
  close(): Promise<void>;
}

const resolveVia = (hosts: Record<string, string>, host: string): string => hosts[host] ?? host;

function pipeTo(client: Socket, host: string, port: number, hosts: Record<string, string>, onOpen: () => void, onFail: () => void): void {
  const upstream = connect(port, resolveVia(hosts, host));
  upstream.once('connect', () => {
    onOpen();
    client.pipe(upstream).pipe(client);
  });
  upstream.on('error', () => {
    onFail();
    client.destroy();
  });
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
}

async function listen(server: Server, scheme: string, conns: Set<Socket>, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  server.on('connection', (s) => {
    conns.add(s);
    s.on('close', () => conns.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of conns) s.destroy();
        server.close(() => r());
      }),
  };
}

/** An HTTP proxy that tunnels CONNECT (on `listenOn`, 127.0.0.1 unless told); with `auth` ("user:password") it answers 407 to a request without it. */
export async function startConnectProxy(opts: { hosts?: Record<string, string>; auth?: string; listenOn?: string } = {}): Promise<TestProxy> {
  const targets: string[] = [];
  const conns = new Set<Socket>();
  const server = createServer((client) => {
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const [line, ...fields] = head.slice(0, end).split('\r\n');
      const m = /^CONNECT ([^\s:]+|\[[^\]]+\]):(\d+) HTTP\/1\.[01]$/.exec(line ?? '');
      if (!m) return void client.end('HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n');
      const given = fields.find((f) => /^proxy-authorization:/i.test(f))?.replace(/^proxy-authorization:\s*Basic\s+/i, '');
      if (opts.auth && (!given || Buffer.from(given, 'base64').toString() !== opts.auth)) {
        return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm="test"\r\ncontent-length: 0\r\n\r\n');
      }
      const host = m[1]!.replace(/^\[|\]$/g, '');
      targets.push(`${host}:${m[2]}`);
      pipeTo(client, host, Number(m[2]), opts.hosts ?? {}, () => client.write('HTTP/1.1 200 Connection Established\r\n\r\n'), () => undefined);
    };
    client.on('data', onData);
    client.on('error', () => undefined);
  });
  const l = await listen(server, 'http', conns, opts.listenOn);
  return { url: l.url, targets, open: () => conns.size, close: l.close };
}

/** A SOCKS5 proxy (RFC 1928, CONNECT only; with `auth` ("user:password") it wants those): names are resolved here, as `socks5h`. */
export async function startSocksProxy(opts: { hosts?: Record<string, string>; listenOn?: string; auth?: string } = {}): Promise<TestProxy> {
  const targets: string[] = [];
  const conns = new Set<Socket>();
  const server = createServer((client) => {
    let buf = Buffer.alloc(0);
    let stage: 'greeting' | 'auth' | 'request' = 'greeting';
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      if (stage === 'greeting') {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        const methods = [...buf.subarray(2, 2 + buf[1]!)];
        buf = buf.subarray(2 + buf[1]!);
        // With `auth`, only username/password (RFC 1929); 0xff: no method offered is acceptable.
        if (opts.auth && !methods.includes(2)) return void client.end(Buffer.from([5, 0xff]));
        client.write(Buffer.from([5, opts.auth ? 2 : 0]));
        stage = opts.auth ? 'auth' : 'request';
      }
      if (stage === 'auth') {
        const ulen = buf[1];
        if (ulen === undefined || buf.length < 3 + ulen || buf.length < 3 + ulen + buf[2 + ulen]!) return;
        const given = `${buf.subarray(2, 2 + ulen).toString()}:${buf.subarray(3 + ulen, 3 + ulen + buf[2 + ulen]!).toString()}`;
        buf = buf.subarray(3 + ulen + buf[2 + ulen]!);
        if (given !== opts.auth) return void client.end(Buffer.from([1, 1]));
        client.write(Buffer.from([1, 0]));
        stage = 'request';
      }
      if (buf.length < 5) return;
      const atyp = buf[3];
      const addrLen = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? 1 + buf[4]! : -1;
      if (addrLen < 0 || buf[1] !== 1) return void client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
      if (buf.length < 4 + addrLen + 2) return;
      const host = atyp === 1 ? [...buf.subarray(4, 8)].join('.') : atyp === 3 ? buf.subarray(5, 5 + buf[4]!).toString() : 'ipv6';
      const port = buf.readUInt16BE(4 + addrLen);
      client.off('data', onData);
      targets.push(`${host}:${port}`);
      pipeTo(client, host, port, opts.hosts ?? {}, () => client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0])), () => undefined);
    };
    client.on('data', onData);
    client.on('error', () => undefined);
  });
  const l = await listen(server, 'socks5', conns, opts.listenOn);
  return { url: l.url, targets, open: () => conns.size, close: l.close };
}

/** A proxy that accepts connections and never answers (neither CONNECT nor a SOCKS greeting). */
export interface SilentProxy {
  url: string;
  /** Connections accepted so far. */
  accepted(): number;
  /** Connections still open (the client has not closed them). */
  open(): number;
  close(): Promise<void>;
}

export async function startSilentProxy(scheme: 'http' | 'socks5'): Promise<SilentProxy> {
  const conns = new Set<Socket>();
  let accepted = 0;
  const server = createServer((s) => {
    accepted++;
    s.on('error', () => undefined);
    s.resume();
  });
  const l = await listen(server, scheme, conns);
  return { url: l.url, accepted: () => accepted, open: () => conns.size, close: l.close };
}

/**
 * Writes at `path` a kubeconfig whose one cluster and context, `far`, is `https://kube-sim:<port>`
 * behind `proxyUrl` (none when empty): `kube-sim` is a name only the test proxies resolve (`hosts`),
 * so a request sent around the proxy cannot reach it.
 */
export function proxiedKubeconfig(path: string, sim: KubeSim, proxyUrl: string): void {
  const port = new URL(sim.url).port;
  writeFileSync(path, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'far',
    clusters: [{ name: 'far', cluster: { server: `https://kube-sim:${port}`, 'certificate-authority-data': Buffer.from(sim.caPem).toString('base64'), ...(proxyUrl ? { 'proxy-url': proxyUrl } : {}) } }],
    users: [{ name: 'far', user: { token: sim.token } }],
    contexts: [{ name: 'far', context: { cluster: 'far', user: 'far', namespace: 'default' } }],
  }));
}
