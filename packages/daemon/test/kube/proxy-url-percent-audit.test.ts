// A proxy-url whose password has a "%" not followed by two hex digits (`50%off`): the proxy libraries
// decode it and threw "URI malformed" at every request (for a SOCKS proxy, said as the user's
// credentials), naming neither the cluster nor the proxy.
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { KubeConfig } from '../../src/kube/kubeconfig.js';
import { kubeRequest } from '../../src/kube/kube-http.js';
import { keepProxyAgents } from '../../src/kube/proxy-agent.js';
import { startConnectProxy, startSocksProxy, type TestProxy } from '../../../../test/helpers/proxies.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  keepProxyAgents([]);
  for (const c of closers.splice(0)) await c();
});

async function apiServer(): Promise<number> {
  const srv: Server = createServer((_req, res) => res.end('{"kind":"APIVersions"}'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => {
    srv.closeAllConnections();
    srv.close(() => r());
  }));
  return (srv.address() as { port: number }).port;
}

function kubeconfig(server: string, proxyUrl: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'far', server, skipTLSVerify: true, proxyUrl }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'far', cluster: 'far', user: 'u' }],
    currentContext: 'far',
  });
  return kc;
}

describe('a proxy-url whose password is not percent-encoded', () => {
  for (const [kind, start] of [['an HTTP', startConnectProxy], ['a SOCKS5', startSocksProxy]] as const) {
    it(`${kind} proxy: the request fails naming the cluster and the proxy, never the password; encoded, it works`, async () => {
      const port = await apiServer();
      const proxy: TestProxy = await start({ hosts: { 'api.test': '127.0.0.1' } });
      closers.push(() => proxy.close());
      const server = `http://api.test:${port}`;
      const withPercent = proxy.url.replace('//', '//admin:50%off@');
      const err = await kubeRequest(kubeconfig(server, withPercent), { path: '/api' }).then(() => null, (e: unknown) => e as Error);
      expect(err?.message).toBe(`cluster 'far' sets proxy-url (${proxy.url}), which has a user name or password with a "%" not followed by two hex digits (write "%" as %25)`);
      expect(err?.message).not.toContain('50%off');
      expect(proxy.targets).toEqual([]);
      // Written as it should be, the same password gets through.
      const fixed = proxy.url.replace('//', '//admin:50%25off@');
      expect(await kubeRequest(kubeconfig(server, fixed), { path: '/api' })).toEqual({ kind: 'APIVersions' });
    });
  }
});
