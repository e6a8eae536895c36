import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { kubeconfigFor } from '../http-kubeconfig.js';
import { openPortForward, PF_MAX_MESSAGE } from '../../src/kube/portforward/pf-stream.js';

/**
 * A hostile API server announcing a huge port-forward message: the daemon must not buffer it (up
 * to 64 MiB per connection, 256 connections per forward) but end the stream at once, saying why.
 * Real kubelets send messages of at most 32 KiB (io.Copy's buffer). Broken framing ends it at once too.
 */

const servers: Server[] = [];
const sockets = new Set<Duplex>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function server(onUpgrade: (sock: Duplex, accept: string) => void): Promise<KubeConfig> {
  const srv = createServer((_req, res) => res.writeHead(404).end());
  srv.on('upgrade', (req: IncomingMessage, sock: Duplex) => {
    sock.on('error', () => undefined);
    sockets.add(sock);
    onUpgrade(sock, createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64'));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  servers.push(srv);
  return kubeconfigFor(srv);
}

const switching = (accept: string): string =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n`;
const small = (payload: Buffer): Buffer => Buffer.concat([Buffer.from([0x82, payload.length]), payload]);
/** The header of an unmasked binary frame of `n` bytes (64-bit length). */
function bigHeader(n: number): Buffer {
  const h = Buffer.alloc(10);
  h[0] = 0x82;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(n), 2);
  return h;
}

describe('a port-forward stream from a hostile API server', () => {
  it('ends at once, naming the limit, when a message is announced bigger than it; what came before is delivered', async () => {
    const kc = await server((sock, accept) => {
      sock.write(Buffer.concat([Buffer.from(switching(accept)), small(Buffer.from([0, 80, 0])), small(Buffer.from([1, 80, 0])), small(Buffer.from([0, 0x68, 0x69]))]));
      // 32 MiB announced, a trickle sent, and the connection kept open: the daemon would wait and buffer.
      setTimeout(() => sock.write(Buffer.concat([bigHeader(32 * 1024 * 1024), Buffer.alloc(1024, 0x61)])), 20);
    });
    const s = await openPortForward(kc, { namespace: 'ns', pod: 'p', port: 80 });
    let data = '';
    const ended = new Promise<string | null>((resolve) => s.start({ data: (d) => (data += d.toString()), drain: () => undefined, end: resolve }));
    expect(await ended).toBe(`the API server sent a message over ${PF_MAX_MESSAGE / 1024 / 1024} MiB on a port-forward stream`);
    expect(data).toBe('hi');
  }, 15_000);

  it('ends at once, naming it, when the server breaks the WebSocket framing (ws would wait 30 s for a close answer)', async () => {
    const kc = await server((sock, accept) => {
      sock.write(Buffer.concat([Buffer.from(switching(accept)), small(Buffer.from([0, 80, 0])), small(Buffer.from([1, 80, 0]))]));
      // RSV1 set without an extension that defines it.
      setTimeout(() => sock.write(Buffer.from([0xc2, 3, 0, 0x68, 0x69])), 20);
    });
    const s = await openPortForward(kc, { namespace: 'ns', pod: 'p', port: 80 });
    const ended = new Promise<string | null>((resolve) => s.start({ data: () => undefined, drain: () => undefined, end: resolve }));
    expect(await ended).toMatch(/^the API server broke the WebSocket protocol \(Invalid WebSocket frame: RSV1 must be clear\)$/);
  }, 15_000);

  it('takes messages up to the limit', async () => {
    const body = Buffer.alloc(PF_MAX_MESSAGE - 1, 0x62);
    const kc = await server((sock, accept) => {
      const h = bigHeader(PF_MAX_MESSAGE);
      sock.write(Buffer.concat([Buffer.from(switching(accept)), small(Buffer.from([0, 80, 0])), small(Buffer.from([1, 80, 0])), h, Buffer.from([0]), body]));
      setTimeout(() => sock.end(Buffer.from([0x88, 2, 0x03, 0xe8])), 20);
    });
    const s = await openPortForward(kc, { namespace: 'ns', pod: 'p', port: 80 });
    let got = 0;
    const ended = new Promise<string | null>((resolve) => s.start({ data: (d) => (got += d.length), drain: () => undefined, end: resolve }));
    expect(await ended).toBeNull();
    expect(got).toBe(body.length);
  }, 15_000);
});
