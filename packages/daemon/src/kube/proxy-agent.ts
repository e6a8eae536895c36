import type { Agent } from 'node:http';
import { KubeApiError } from './api-error.js';

/**
 * A cluster's `proxy-url`, as kubectl takes it: every request and stream of the cluster goes through
 * the proxy — an HTTP(S) proxy by CONNECT (hpagent), or SOCKS5 (socks-proxy-agent), the API server's
 * name resolved by the proxy as client-go's SOCKS dialer does (`socks5h`). A user name and password in
 * the URL are the proxy's credentials. The libraries are loaded the first time a proxy is used.
 */

/** A proxy URL as shown: its scheme and host, never a user name or password in it. */
export function proxyShown(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`.slice(0, 200);
  } catch {
    return 'not a URL';
  }
}

const SCHEMES = ['http:', 'https:', 'socks5:', 'socks5h:'];

/** Why `url` cannot be a cluster's proxy, or null. */
export function badProxyUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (!SCHEMES.includes(u.protocol)) return `has scheme "${u.protocol.replace(/:$/, '').slice(0, 20)}" (http, https and socks5 proxies are supported)`;
  if (!u.hostname) return 'names no host';
  return null;
}

/** What a failure to get through the proxy said, as the user's words: which proxy, and what it did. */
function throughProxyError(err: unknown, proxy: string, cluster: string): KubeApiError {
  const e = err as NodeJS.ErrnoException;
  // socks' errors carry no code, only node's message (`connect ECONNREFUSED 127.0.0.1:1080`).
  const code = e?.code ?? /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b/.exec(e?.message ?? '')?.[1];
  const m = /^Bad response: (\d{3})$/.exec(e?.message ?? '');
  const what = m
    ? m[1] === '407'
      ? 'asks for credentials (HTTP 407): put them in the proxy-url (http://user:password@host:port)'
      : `refused the connection to the API server (HTTP ${m[1]})`
    : code === 'ECONNREFUSED'
      ? 'refused the connection (is it running?)'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'cannot be resolved'
        : `failed: ${String(e?.message ?? err).slice(0, 300)}`;
  return new KubeApiError(`the proxy ${proxy} of cluster '${cluster}' ${what}`, 0, code === 'ECONNREFUSED' ? 'ECONNREFUSED' : 'ProxyFailed');
}

/** Agents by proxy and the API server's scheme: their connections are kept alive and shared by every request of those clusters. */
const agents = new Map<string, Agent>();
/** Proxies distinct in one daemon at most (agents are kept): a kubeconfig naming more has them made per request. */
const MAX_AGENTS = 64;

/**
 * The agent that sends a request for `cluster` (its server's scheme `target`) through `proxyUrl`
 * (its `proxy-url`, or the environment variable `from` names). Throws a KubeApiError naming the
 * cluster when the URL cannot be a proxy.
 */
export async function proxyAgent(proxyUrl: string, target: 'https:' | 'http:', cluster: string, from?: string): Promise<Agent> {
  const bad = badProxyUrl(proxyUrl);
  if (bad) {
    const what = from ? `${from} (${proxyShown(proxyUrl)}), the proxy of cluster '${cluster}',` : `cluster '${cluster}' sets proxy-url (${proxyShown(proxyUrl)}), which`;
    throw new KubeApiError(`${what} ${bad}`, 0, 'ConfigUnusable');
  }
  // Per cluster too: an agent's errors name its cluster.
  const key = `${target}|${proxyUrl}|${cluster}|${from ?? ''}`;
  const known = agents.get(key);
  if (known) return known;
  const shown = `${proxyShown(proxyUrl)}${from ? ` (${from})` : ''}`;
  const u = new URL(proxyUrl);
  let agent: Agent;
  if (u.protocol === 'socks5:' || u.protocol === 'socks5h:') {
    const { SocksProxyAgent } = await import('socks-proxy-agent');
    u.protocol = 'socks5h:';
    const base = new SocksProxyAgent(u, { keepAlive: true });
    const connect = base.connect.bind(base);
    base.connect = async (req, opts) => {
      try {
        return await connect(req, opts);
      } catch (err) {
        throw throughProxyError(err, shown, cluster);
      }
    };
    agent = base;
  } else {
    const { HttpProxyAgent, HttpsProxyAgent } = await import('hpagent');
    const Base = target === 'https:' ? HttpsProxyAgent : HttpProxyAgent;
    const base = new Base({ proxy: u, keepAlive: true });
    const tunnel = base as unknown as { createConnection(o: unknown, cb: (err: Error | null, s: unknown) => void): unknown };
    const create = tunnel.createConnection.bind(base);
    tunnel.createConnection = (o, cb) => create(o, (err, s) => cb(err ? throughProxyError(err, shown, cluster) : null, s));
    agent = base;
  }
  if (agents.size < MAX_AGENTS) agents.set(key, agent);
  return agent;
}
