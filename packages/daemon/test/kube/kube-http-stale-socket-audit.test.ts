import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { kubeconfigFor } from '../http-kubeconfig.js';
import { kubeRequest } from '../../src/kube/kube-http.js';

/**
 * A kept-alive connection the server (or a load balancer) closed while the daemon was busy (parsing
 * a big list, say): the next GET was written on it and failed at once with "socket hang up", though
 * the server was fine — a list, a describe, an events read shown as failed for nothing. A GET sent on
 * a reused connection that dies before any answer is sent again, once, on a new one.
 */
const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

const ANSWER = '{"kind":"Pod","metadata":{"name":"web"}}';

/** An HTTP/1.1 server that answers each request with keep-alive, then closes the connection 100 ms later (no Keep-Alive hint). */
async function closingServer(): Promise<{ srv: Server; connections: () => number }> {
  let connections = 0;
  const srv = createServer((s: Socket) => {
    connections++;
    s.on('error', () => undefined);
    s.once('data', () => {
      s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${ANSWER.length}\r\n\r\n${ANSWER}`);
      setTimeout(() => s.destroy(), 100);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  servers.push(srv);
  return { srv, connections: () => connections };
}

/** Keeps the event loop busy, as a big JSON.parse does. */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

describe('kubeRequest on a kept-alive connection the server closed', () => {
  it('a GET is sent again on a new connection, once, and answered', async () => {
    const { srv, connections } = await closingServer();
    const kc = kubeconfigFor(srv);
    for (let i = 0; i < 3; i++) {
      await expect(kubeRequest(kc, { path: '/api/v1/namespaces/default/pods/web' })).resolves.toMatchObject({ metadata: { name: 'web' } });
      // The server's close arrives while the daemon is busy: the connection still looks free.
      busy(500);
    }
    expect(connections()).toBeGreaterThanOrEqual(3);
  });
});
