import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * Forward proxies for tests, on loopback: an HTTP proxy that only tunnels (CONNECT), and a SOCKS5
 * proxy (no authentication). Each journals the targets it was asked for and resolves names through
 * `hosts` (a name the machine cannot resolve reaches its server only through the proxy).
 */
export interface TestProxy {
  url: string;
  /** `host:port` of every connection asked for, in order. */
  targets: string[];
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

async function listen(server: Server, scheme: string, conns: Set<Socket>): Promise<{ url: string; close(): Promise<void> }> {
  server.on('connection', (s) => {
    conns.add(s);
    s.on('close', () => conns.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of conns) s.destroy();
        server.close(() => r());
      }),
  };
}

/** An HTTP proxy that tunnels CONNECT; with `auth` ("user:password") it answers 407 to a request without it. */
export async function startConnectProxy(opts: { hosts?: Record<string, string>; auth?: string } = {}): Promise<TestProxy> {
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
  const l = await listen(server, 'http', conns);
  return { url: l.url, targets, close: l.close };
}

/** A SOCKS5 proxy (RFC 1928, no authentication, CONNECT only): names are resolved here, as `socks5h`. */
export async function startSocksProxy(opts: { hosts?: Record<string, string> } = {}): Promise<TestProxy> {
  const targets: string[] = [];
  const conns = new Set<Socket>();
  const server = createServer((client) => {
    let buf = Buffer.alloc(0);
    let stage: 'greeting' | 'request' = 'greeting';
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      if (stage === 'greeting') {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        buf = buf.subarray(2 + buf[1]!);
        client.write(Buffer.from([5, 0]));
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
  const l = await listen(server, 'socks5', conns);
  return { url: l.url, targets, close: l.close };
}
