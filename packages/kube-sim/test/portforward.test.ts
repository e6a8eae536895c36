import net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PortForward } from '@kubernetes/client-node';
import { runningPod, startSim, stopAll, waitFor } from './helpers.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await stopAll();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => { text += c.toString('utf8'); });
  return { stream, text: () => text };
}

describe('port-forward over WebSocket', () => {
  it('negotiates v4 and reaches the sim\'s HTTP responder for a container port', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('web', [{ name: 'main', image: 'nginx:1.27', ports: [80] }]));
    const out = collector();
    const input = new PassThrough();
    const ws = await new PortForward(kc).portForward('default', 'web', [80], out.stream, null, input);
    expect((ws as { protocol: string }).protocol).toBe('v4.channel.k8s.io');
    input.write('GET /index.html HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n');
    await waitFor(() => out.text().includes('</html>'), 'http response');
    expect(out.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(out.text()).toContain('default/web port 80 answered GET /index.html');
  });

  it('moves bytes both ways to a test server registered as the pod port', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('db', [{ name: 'main', ports: [5432] }]));
    const received: string[] = [];
    const server = net.createServer((s) => s.on('data', (d: Buffer) => {
      received.push(d.toString());
      s.write(`pong:${d.toString()}`);
    }));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address() as net.AddressInfo;
    sim.setPortTarget('default', 'db', 5432, { host: '127.0.0.1', port: addr.port });
    const out = collector();
    const input = new PassThrough();
    await new PortForward(kc).portForward('default', 'db', [5432], out.stream, null, input);
    input.write('ping-1');
    await waitFor(() => out.text() === 'pong:ping-1', 'first reply');
    input.write('ping-2');
    await waitFor(() => out.text() === 'pong:ping-1pong:ping-2', 'second reply');
    expect(received.join('')).toBe('ping-1ping-2');
  });

  it('echoes non-HTTP bytes on the built-in responder', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('echo', [{ name: 'main', ports: [9000] }]));
    const out = new PassThrough();
    const got: Buffer[] = [];
    out.on('data', (c: Buffer) => got.push(c));
    const input = new PassThrough();
    await new PortForward(kc).portForward('default', 'echo', [9000], out, null, input);
    input.write(Buffer.from([0, 1, 2, 250, 255]));
    await waitFor(() => Buffer.concat(got).length >= 5, 'echo');
    expect([...Buffer.concat(got)]).toEqual([0, 1, 2, 250, 255]);
  });

  it('reports a refused port on the error channel and closes the socket', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('web', [{ name: 'main', ports: [80] }]));
    const out = collector();
    const err = collector();
    const ws = await new PortForward(kc).portForward('default', 'web', [9999], out.stream, err.stream, new PassThrough()) as unknown as { on(e: string, f: () => void): void; readyState: number };
    await waitFor(() => err.text().length > 0, 'error text');
    expect(err.text()).toMatch(/^error forwarding port 9999 to pod web, uid [0-9a-f-]+: .*connection refused/);
    await waitFor(() => ws.readyState === 3, 'socket closed');
  });

  it('rejects missing or invalid ports with 400 before the upgrade', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('web', [{ name: 'main', ports: [80] }]));
    const status = (query: string): Promise<number> => new Promise((resolve) => {
      const ws = new WebSocket(`${sim.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/web/portforward${query}`, ['v4.channel.k8s.io'], { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}` } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => { ws.close(); resolve(101); });
      ws.on('error', () => undefined);
    });
    expect(await status('')).toBe(400);
    expect(await status('?ports=0')).toBe(400);
    expect(await status('?ports=70000')).toBe(400);
    expect(await status('?ports=80')).toBe(101);
  });
});
