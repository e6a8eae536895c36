import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { kubeconfigFor } from '../http-kubeconfig.js';
import { openPortForward } from '../../src/kube/portforward/pf-stream.js';

/**
 * A local connection that closes at once (a port scanner, a health check) aborts its stream while
 * the kubeconfig's credentials are still being prepared: no WebSocket may be opened to the API
 * server for it afterwards.
 */

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('a port-forward stream aborted before it opened', () => {
  it('never reaches the API server', async () => {
    let upgrades = 0;
    const srv = createServer((_req, res) => res.writeHead(404).end());
    srv.on('upgrade', (_req, sock: import('node:stream').Duplex) => {
      upgrades++;
      sock.destroy();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    servers.push(srv);
    const abort = new AbortController();
    const opening = openPortForward(kubeconfigFor(srv), { namespace: 'ns', pod: 'p', port: 80 }, { signal: abort.signal });
    abort.abort();
    await expect(opening).rejects.toThrow(/aborted/);
    // A request that was sent would be seen by now: one more round trip to the server.
    await fetch(`http://127.0.0.1:${(srv.address() as import('node:net').AddressInfo).port}/`);
    expect(upgrades).toBe(0);
  });
});
