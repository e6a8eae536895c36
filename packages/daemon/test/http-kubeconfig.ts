import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import { KubeConfig } from '../src/kube/kubeconfig.js';

/** A KubeConfig pointing at a plain-HTTP test server listening on 127.0.0.1 (a bearer token, no TLS). */
export function kubeconfigFor(srv: Pick<Server, 'address'>): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

/**
 * For a test file: `serve(handler)` starts a plain-HTTP server on 127.0.0.1 answering with
 * `handler` (a hostile API server, as the test writes it) and gives a KubeConfig for it; every one
 * is closed, its connections too, after the file's tests.
 */
export function useTestServers(): (handler: (req: IncomingMessage, res: ServerResponse) => void) => Promise<KubeConfig> {
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });
  return async (handler) => {
    const srv = createServer(handler);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    servers.push(srv);
    return kubeconfigFor(srv);
  };
}
