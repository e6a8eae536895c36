import { afterEach, describe, expect, it } from 'vitest';
import type { RequestOptions } from 'node:https';
import { envProxyFor } from '../../src/kube/env-proxy.js';
import { clusterRoute, KubeConfig } from '../../src/kube/kubeconfig.js';
import { keepProxyAgents, proxyOfAgent } from '../../src/kube/proxy-agent.js';

/** The proxy for `server` under `env`, as a URL string, or null (direct). */
const via = (server: string, env: NodeJS.ProcessEnv): string | null => envProxyFor(new URL(server), env)?.url ?? null;

describe('the environment proxy kubectl would use (Go ProxyFromEnvironment)', () => {
  it('HTTPS_PROXY for https servers, HTTP_PROXY for http ones, either case; a bare host:port is an http:// proxy', () => {
    expect(via('https://api.example.com:6443', { HTTPS_PROXY: 'http://proxy:3128' })).toBe('http://proxy:3128');
    expect(via('https://api.example.com', { https_proxy: 'proxy.corp:8080' })).toBe('http://proxy.corp:8080');
    expect(via('https://api.example.com', { HTTP_PROXY: 'http://proxy:3128' })).toBeNull();
    expect(via('http://api.example.com', { HTTP_PROXY: 'socks5://bastion:1080' })).toBe('socks5://bastion:1080');
    expect(envProxyFor(new URL('https://api.example.com'), { HTTPS_PROXY: 'http://p:1' })?.from).toBe('HTTPS_PROXY');
    expect(via('https://api.example.com', { HTTPS_PROXY: '  ' })).toBeNull();
  });

  it('never for localhost or a loopback address', () => {
    for (const s of ['https://localhost:6443', 'https://127.0.0.1:6443', 'https://127.4.5.6', 'https://[::1]:6443']) expect(via(s, { HTTPS_PROXY: 'http://p:1' })).toBeNull();
  });

  it('NO_PROXY: *, addresses, CIDR ranges, domains with their subdomains, leading dots and *., ports', () => {
    const p = (noProxy: string, server: string) => via(server, { HTTPS_PROXY: 'http://p:1', NO_PROXY: noProxy });
    expect(p('*', 'https://api.example.com')).toBeNull();
    expect(p('10.0.0.5', 'https://10.0.0.5:6443')).toBeNull();
    expect(p('10.0.0.5', 'https://10.0.0.6:6443')).toBe('http://p:1');
    expect(p('10.0.0.0/8', 'https://10.20.30.40')).toBeNull();
    expect(p('10.0.0.0/8', 'https://11.0.0.1')).toBe('http://p:1');
    expect(p('fd00::/8', 'https://[fd12::1]:6443')).toBeNull();
    expect(p('example.com', 'https://example.com')).toBeNull();
    expect(p('example.com', 'https://api.example.com')).toBeNull();
    expect(p('example.com', 'https://notexample.com')).toBe('http://p:1');
    expect(p('.example.com', 'https://api.example.com')).toBeNull();
    expect(p('.example.com', 'https://example.com')).toBe('http://p:1');
    expect(p('*.example.com', 'https://a.b.example.com')).toBeNull();
    expect(p('api.example.com:6443', 'https://api.example.com:6443')).toBeNull();
    expect(p('api.example.com:443', 'https://api.example.com:6443')).toBe('http://p:1');
    expect(p('api.example.com:443', 'https://api.example.com')).toBeNull();
    expect(p(' other.org , EXAMPLE.com ', 'https://api.example.com')).toBeNull();
    // Nonsense entries match nothing (never everything).
    expect(p('10.0.0.0/99,,:,/', 'https://10.0.0.1')).toBe('http://p:1');
    expect(via('https://api.example.com', { HTTPS_PROXY: 'http://p:1', no_proxy: 'example.com' })).toBeNull();
  });
});

describe('NO_PROXY where Go reads it differently from a string match', () => {
  const p = (noProxy: string, server: string, env: NodeJS.ProcessEnv = {}) => via(server, { HTTPS_PROXY: 'http://p:1', NO_PROXY: noProxy, ...env });

  it('an empty NO_PROXY is as unset: no_proxy is read (Go getEnvAny)', () => {
    expect(p('', 'https://api.example.com', { no_proxy: 'example.com' })).toBeNull();
  });

  it('addresses compare as addresses: another spelling of the same IPv6 address, an IPv4-mapped one', () => {
    expect(p('fd00:0:0::1', 'https://[fd00::1]:6443')).toBeNull();
    expect(p('[fd00:0:0::1]:6443', 'https://[fd00::1]:6443')).toBeNull();
    expect(p('10.0.0.5', 'https://[::ffff:10.0.0.5]:6443')).toBeNull();
    expect(p('10.0.0.0/8', 'https://[::ffff:10.1.2.3]')).toBeNull();
    expect(p('fd00:0:0::1', 'https://[fd00::2]:6443')).toBe('http://p:1');
  });

  it('an internationalized domain matches the server written in it (punycode, Go idnaASCII)', () => {
    expect(p('bücher.example', 'https://api.bücher.example')).toBeNull();
    expect(p('.bücher.example', 'https://api.xn--bcher-kva.example')).toBeNull();
    expect(p('bücher.example', 'https://api.other.example')).toBe('http://p:1');
  });
});

describe("a cluster's proxy, worked out when the kubeconfig is loaded", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    keepProxyAgents([]);
  });

  /** A KubeConfig of one cluster `c` at `server` (with `proxy-url` when given), loaded under the environment now. */
  const load = (server: string, proxyUrl?: string): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromString(JSON.stringify({
      'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true, ...(proxyUrl ? { 'proxy-url': proxyUrl } : {}) } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }));
    return kc;
  };
  /** The proxy a request goes through, as shown, or null (direct). */
  const proxyOf = async (kc: KubeConfig): Promise<string | null> => {
    const opts: RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    return opts.agent ? (proxyOfAgent(opts.agent) ?? 'another agent') : null;
  };

  it('the environment as it was then: HTTPS_PROXY set or unset later changes nothing (the daemon\'s own does not change)', async () => {
    process.env.HTTPS_PROXY = 'proxy.corp:3128';
    const kc = load('https://api.example.com:6443');
    delete process.env.HTTPS_PROXY;
    expect(await proxyOf(kc)).toBe('http://proxy.corp:3128 (HTTPS_PROXY)');
    expect(await proxyOf(load('https://api.example.com:6443'))).toBeNull();
  });

  it('proxy-url wins over the environment; NO_PROXY and loopback servers go direct', async () => {
    process.env.HTTPS_PROXY = 'http://proxy.corp:3128';
    process.env.NO_PROXY = '.internal';
    expect(await proxyOf(load('https://api.example.com', 'socks5://bastion:1080'))).toBe('socks5://bastion:1080');
    expect(await proxyOf(load('https://api.example.com'))).toBe('http://proxy.corp:3128 (HTTPS_PROXY)');
    expect(await proxyOf(load('https://k8s.internal:6443'))).toBeNull();
    expect(await proxyOf(load('https://127.0.0.1:6443'))).toBeNull();
    expect(clusterRoute({ name: 'x', server: 'https://[::1]:6443', skipTLSVerify: false }, { HTTPS_PROXY: 'http://p:1' })).toEqual({ scheme: 'https:', proxy: null });
  });

  it('what cannot be used is said per request, naming the cluster (and the variable)', async () => {
    process.env.HTTPS_PROXY = 'ftp://proxy.corp:2121';
    await expect(proxyOf(load('https://api.example.com'))).rejects.toThrow(`HTTPS_PROXY (ftp://proxy.corp:2121), the proxy of cluster 'c', has scheme "ftp" (http, https and socks5 proxies are supported)`);
    await expect(proxyOf(load('https://api.example.com', 'gopher://x:70'))).rejects.toThrow(`cluster 'c' sets proxy-url (gopher://x:70), which has scheme "gopher"`);
    await expect(proxyOf(load('ftp://api.example.com'))).rejects.toThrow(`the kubeconfig's server "ftp://api.example.com" is not an https:// (or http://) URL`);
  });
});
