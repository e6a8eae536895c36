import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { kubeconfigFor } from '../http-kubeconfig.js';
import { openPortForward, type PortForwardStream } from '../../src/kube/portforward/pf-stream.js';

/**
 * The port-forward stream against hostile or unusual API servers, on plain HTTP: frames that
 * arrive with the upgrade answer, a server that cuts the connection, error-channel text, a
 * refused upgrade, a server that answers with another subprotocol.
 */

const servers: Server[] = [];
const sockets = new Set<Duplex>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

type Upgrade = (req: IncomingMessage, sock: Duplex, accept: string) => void;

async function server(onUpgrade: Upgrade): Promise<KubeConfig> {
  const srv = createServer((_req, res) => res.writeHead(404).end());
  srv.on('upgrade', (req: IncomingMessage, sock: Duplex) => {
    sock.on('error', () => undefined);
    sockets.add(sock);
    const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    onUpgrade(req, sock, accept);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  servers.push(srv);
  return kubeconfigFor(srv);
}

const switching = (accept: string, protocol = 'v4.channel.k8s.io'): string =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`;
/** An unmasked binary server frame (payloads under 126 bytes). */
const frame = (payload: Buffer, opcode = 0x2): Buffer => Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
const preambles = (port: number): Buffer => Buffer.concat([frame(Buffer.from([0, port & 0xff, port >> 8])), frame(Buffer.from([1, port & 0xff, port >> 8]))]);

/** Collects a stream's data and its end. */
function collect(s: PortForwardStream): { data: () => string; ended: Promise<string | null> } {
  let data = '';
  const ended = new Promise<string | null>((resolve) => {
    s.start({ data: (d) => (data += d.toString()), drain: () => undefined, end: (e) => resolve(e) });
  });
  return { data: () => data, ended };
}

describe('a port-forward stream', () => {
  it('reads data correctly when the preamble came in the same packet as the upgrade answer', async () => {
    const kc = await server((_req, sock, accept) => {
      sock.write(Buffer.concat([Buffer.from(switching(accept)), preambles(8080)]));
      sock.once('data', () => {
        sock.write(frame(Buffer.concat([Buffer.from([0]), Buffer.from('HTTP/1.1 200 OK')])));
        sock.write(Buffer.from([0x88, 2, 0x03, 0xe8]));
        sock.end();
      });
    });
    const s = await openPortForward(kc, { namespace: 'ns', pod: 'p', port: 8080 });
    const c = collect(s);
    s.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(await c.ended).toBeNull();
    expect(c.data()).toBe('HTTP/1.1 200 OK');
  });

  it("ends with the error channel's text", async () => {
    const kc = await server((_req, sock, accept) => {
      sock.write(switching(accept));
      setTimeout(() => {
        sock.write(preambles(5432));
        sock.write(frame(Buffer.concat([Buffer.from([1]), Buffer.from('error forwarding port 5432 to pod p, uid 1: connection refused')])));
        sock.write(Buffer.from([0x88, 2, 0x03, 0xe8]));
        sock.end();
      }, 20);
    });
    const c = collect(await openPortForward(kc, { namespace: 'ns', pod: 'p', port: 5432 }));
    expect(await c.ended).toBe('error forwarding port 5432 to pod p, uid 1: connection refused');
  });

  it('says the API server cut the stream when the connection drops without a close frame', async () => {
    const kc = await server((_req, sock, accept) => {
      sock.write(switching(accept));
      setTimeout(() => sock.destroy(), 20);
    });
    const c = collect(await openPortForward(kc, { namespace: 'ns', pod: 'p', port: 80 }));
    expect(await c.ended).toMatch(/^the API server cut the stream: the connection to the API server dropped/);
  });

  it('ends a stream whose server sends garbage channels, naming it', async () => {
    const kc = await server((_req, sock, accept) => {
      sock.write(Buffer.concat([Buffer.from(switching(accept)), preambles(80)]));
      setTimeout(() => sock.write(frame(Buffer.from([7, 1, 2, 3]))), 20);
    });
    const c = collect(await openPortForward(kc, { namespace: 'ns', pod: 'p', port: 80 }));
    expect(await c.ended).toBe('the API server sent data on channel 7; a one-port forward has channels 0 and 1');
  });

  it("fails to open with the server's Status on a refused upgrade, and refuses a server that picks another subprotocol", async () => {
    const forbidden = await server((_req, sock) => {
      const body = JSON.stringify({ kind: 'Status', status: 'Failure', message: 'pods "p" is forbidden: User "u" cannot create resource "pods/portforward"', reason: 'Forbidden', code: 403 });
      sock.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    await expect(openPortForward(forbidden, { namespace: 'ns', pod: 'p', port: 80 })).rejects.toThrow('pods "p" is forbidden: User "u" cannot create resource "pods/portforward"');
    const other = await server((_req, sock, accept) => sock.write(switching(accept, 'v5.channel.k8s.io')));
    await expect(openPortForward(other, { namespace: 'ns', pod: 'p', port: 80 })).rejects.toThrow(/subprotocol/i);
    await expect(openPortForward(other, { namespace: 'ns', pod: '../x', port: 80 })).rejects.toThrow(/is not an object name/);
  });
});
