// A proxy library that does not load (a broken install): the request's error was the loader's own
// words, said as "the credentials of user 'u' could not be applied", naming neither the cluster nor
// its proxy. And the next request tries to load it again.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import { KubeConfig } from '../../src/kube/kubeconfig.js';
import { kubeRequest } from '../../src/kube/kube-http.js';
import { keepProxyAgents } from '../../src/kube/proxy-agent.js';
import { startConnectProxy } from '../../../../test/helpers/proxies.js';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  vi.doUnmock('hpagent');
  keepProxyAgents([]);
  for (const c of closers.splice(0)) await c();
});

describe('a proxy library that cannot be loaded', () => {
  it('the error names the cluster and its proxy (not the password) and is not the credentials\'; the next request loads it again', async () => {
    const srv: Server = createServer((_req, res) => res.end('{"kind":"APIVersions"}'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise<void>((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }));
    const proxy = await startConnectProxy({ hosts: { 'api.test': '127.0.0.1' } });
    closers.push(() => proxy.close());
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'far', server: `http://api.test:${(srv.address() as { port: number }).port}`, skipTLSVerify: true, proxyUrl: proxy.url.replace('//', '//admin:s3cret@') }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'far', cluster: 'far', user: 'u' }],
      currentContext: 'far',
    });

    vi.doMock('hpagent', () => {
      throw new Error('Cannot find package \'hpagent\'');
    });
    const err = await kubeRequest(kc, { path: '/api' }).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(new RegExp(`^the proxy ${proxy.url.replace(/[.]/g, '\\.')} of cluster 'far' cannot be used: its library \\(hpagent\\) did not load: `));
    expect(err?.message).not.toContain('credentials');
    expect(err?.message).not.toContain('s3cret');

    vi.doUnmock('hpagent');
    expect(await kubeRequest(kc, { path: '/api' })).toEqual({ kind: 'APIVersions' });
    expect(proxy.targets.length).toBe(1);
  });
});
