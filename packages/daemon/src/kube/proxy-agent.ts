import type { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { ANSWER_DEADLINE_MS, KubeApiError } from './api-error.js';
import { errorMessage } from '../util/error-message.js';

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

const unbracket = (host: string): string => host.replace(/^\[(.*)\]$/, '$1');

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
  // The proxy libraries decode the user name and password (decodeURIComponent): a `%` not followed by
  // two hex digits threw "URI malformed" at every request, naming neither the cluster nor the proxy
  // (Go's url.Parse, kubectl's, refuses such a URL too).
  if (!decodes(u.username) || !decodes(u.password)) return 'has a user name or password with a "%" not followed by two hex digits (write "%" as %25)';
  return null;
}

function decodes(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

/**
 * How long the proxy may take to open the tunnel (answer CONNECT, or SOCKS5's greeting and request).
 * Shorter than a request's own deadline, so that a proxy that accepts the connection and says nothing
 * is named as the one that did not answer, not the API server behind it; and its half-open tunnel is
 * closed then, not kept until the proxy gives up (a watch retrying would pile them up).
 */
export const PROXY_ANSWER_MS = ANSWER_DEADLINE_MS - 2_000;

/** The proxy said nothing for PROXY_ANSWER_MS while opening a SOCKS5 tunnel. */
class ProxySilent extends Error {}

/** What a failure to get through the proxy said, as the user's words: which proxy, and what it did. */
function throughProxyError(err: unknown, proxy: string, cluster: string, withCredentials: boolean): KubeApiError {
  const e = err as NodeJS.ErrnoException;
  // socks' errors carry no code, only node's message (`connect ECONNREFUSED 127.0.0.1:1080`).
  const code = e?.code ?? /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b/.exec(e?.message ?? '')?.[1];
  const silent = e instanceof ProxySilent || e?.message === 'Proxy timeout'; // hpagent's words for its CONNECT's timeout
  const what = silent ? `did not answer within ${PROXY_ANSWER_MS / 1000} s` : whatItDid(e, code, proxy, withCredentials);
  return new KubeApiError(`the proxy ${proxy} of cluster '${cluster}' ${what}`, 0, silent ? 'ETIMEDOUT' : code === 'ECONNREFUSED' ? 'ECONNREFUSED' : 'ProxyFailed');
}

function whatItDid(e: NodeJS.ErrnoException, code: string | undefined, proxy: string, withCredentials: boolean): string {
  const message = e?.message ?? String(e);
  // "Wants credentials": HTTP 407, or SOCKS5 accepting no method offered (none given) or refusing the ones given.
  const auth = /^Bad response: 407$/.test(message) ? 'HTTP 407' : /no accepted authentication type|Authentication failed/i.test(message) ? 'SOCKS5' : null;
  if (auth) {
    return withCredentials
      ? `refused the user name and password in the proxy-url (${auth})`
      : `asks for credentials (${auth}): put them in the proxy-url (${proxy.slice(0, proxy.indexOf(':'))}://user:password@host:port)`;
  }
  const status = /^Bad response: (\d{3})$/.exec(message)?.[1];
  if (status) return `refused the connection to the API server (HTTP ${status})`;
  if (code === 'ECONNREFUSED') return 'refused the connection (is it running?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'cannot be resolved';
  return `failed: ${message.slice(0, 300)}`;
}

/** The proxy each agent goes through, as shown (`http://proxy:3128 (HTTPS_PROXY)`). */
const shownOf = new WeakMap<Agent, string>();

/** The proxy `agent` goes through, as shown, or undefined for an agent that is not a proxy's. */
export const proxyOfAgent = (agent: unknown): string | undefined => (typeof agent === 'object' && agent !== null ? shownOf.get(agent as Agent) : undefined);

/**
 * Which proxy a cluster's requests go through, worked out once when the kubeconfig is (re)loaded
 * (kubeconfig.ts clusterRoute): a request then looks its agent up by `key`.
 */
export interface ProxyRoute {
  /** The proxy's URL: the cluster's `proxy-url`, or the environment variable's value with its scheme. */
  readonly url: string;
  /** The scheme of the cluster's API server. */
  readonly target: 'https:' | 'http:';
  readonly cluster: string;
  /** The environment variable it was taken from (`HTTPS_PROXY`…); undefined for the cluster's `proxy-url`. */
  readonly from?: string;
  /** Its agent's key in `agents`: per cluster too, as an agent's errors name its cluster. */
  readonly key: string;
}

export function proxyRoute(url: string, target: 'https:' | 'http:', cluster: string, from?: string): ProxyRoute {
  return { url, target, cluster, ...(from ? { from } : {}), key: `${target}|${url}|${cluster}|${from ?? ''}` };
}

/**
 * Agents by route: their connections are kept alive and shared by every request of the cluster.
 * The agent being made is kept (as a promise): requests starting together (a list, its watch, the
 * discovery) made one agent each, and all but the last kept their idle connections out of reach.
 */
const agents = new Map<string, { readonly cluster: string; readonly agent: Promise<Agent> }>();
/** Proxies distinct in one daemon at most (agents are kept): a kubeconfig naming more has them made per request. */
const MAX_AGENTS = 64;

/** The clusters whose agents are kept now: a reload works out the routes of those only. */
export const clustersWithProxyAgents = (): Set<string> => new Set([...agents.values()].map((a) => a.cluster));

/**
 * The kubeconfig was (re)loaded: the agents of routes it no longer has (a proxy-url changed or
 * removed) are dropped, and their idle connections to the proxy closed — kept, each held a socket
 * open at the old proxy for ever. Not `agent.destroy()`: that also cuts the requests in flight (a
 * log stream, a watch not restarted yet); those finish on their own, and their sockets are closed
 * then instead of kept.
 */
export function keepProxyAgents(routes: Iterable<ProxyRoute>): void {
  const named = new Set<string>();
  for (const r of routes) named.add(r.key);
  for (const [key, { agent }] of agents) {
    if (named.has(key)) continue;
    agents.delete(key);
    agent.then(retire, () => undefined);
  }
}

function retire(agent: Agent): void {
  // Node's agent asks keepSocketAlive() whether a socket a request is done with goes back to the pool.
  agent.keepSocketAlive = () => false;
  for (const idle of Object.values(agent.freeSockets)) for (const s of idle ?? []) s.destroy();
}

/**
 * The agent that sends the requests of `route`'s cluster through its proxy. Throws a KubeApiError
 * naming the cluster (and the environment variable) when the URL cannot be a proxy.
 */
export function proxyAgent(route: ProxyRoute): Promise<Agent> {
  const known = agents.get(route.key);
  if (known) return known.agent;
  const bad = badProxyUrl(route.url);
  if (bad) {
    const { url, cluster, from } = route;
    const what = from ? `${from} (${proxyShown(url)}), the proxy of cluster '${cluster}',` : `cluster '${cluster}' sets proxy-url (${proxyShown(url)}), which`;
    return Promise.reject(new KubeApiError(`${what} ${bad}`, 0, 'ConfigUnusable'));
  }
  // Past MAX_AGENTS an agent serves one request and is dropped: kept alive, its idle connection to the
  // proxy would stay open with nothing to reuse it.
  const keepAlive = agents.size < MAX_AGENTS;
  const made = makeAgent(route, keepAlive);
  if (keepAlive) {
    agents.set(route.key, { cluster: route.cluster, agent: made });
    // One that could not be made (its library failed to load) is not kept: the next request tries again.
    made.catch(() => {
      if (agents.get(route.key)?.agent === made) agents.delete(route.key);
    });
  }
  return made;
}

async function makeAgent(route: ProxyRoute, keepAlive: boolean): Promise<Agent> {
  const { target, cluster, from } = route;
  const shown = `${proxyShown(route.url)}${from ? ` (${from})` : ''}`;
  const u = new URL(route.url);
  const withCredentials = u.username !== '' || u.password !== '';
  // Loaded the first time a proxy is used: a failure (a broken install) is said as this proxy's, not
  // as the user's credentials (what connectionOptions calls any error that is not a KubeApiError).
  const socks = u.protocol === 'socks5:' || u.protocol === 'socks5h:';
  let lib: typeof import('socks-proxy-agent') | typeof import('hpagent');
  try {
    lib = socks ? await import('socks-proxy-agent') : await import('hpagent');
  } catch (err) {
    throw new KubeApiError(`the proxy ${shown} of cluster '${cluster}' cannot be used: its library (${socks ? 'socks-proxy-agent' : 'hpagent'}) did not load: ${errorMessage(err).slice(0, 300)}`, 0, 'ProxyFailed');
  }
  let agent: Agent;
  if ('SocksProxyAgent' in lib) {
    const { SocksProxyAgent } = lib;
    u.protocol = 'socks5h:';
    const base = new SocksProxyAgent(u, { keepAlive });
    // The library dials the URL's hostname as written: an IPv6 proxy (`socks5://[::1]:1080`) in brackets, "cannot be resolved".
    if (base.proxy.host) base.proxy.host = unbracket(base.proxy.host);
    const connect = base.connect.bind(base);
    base.connect = async (req, opts) => {
      // Not the agent's `timeout` option: it is also the tunnel's idle timeout, and would cut a quiet watch.
      const opening = connect(req, opts);
      let timer: NodeJS.Timeout | undefined;
      const silent = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProxySilent()), PROXY_ANSWER_MS);
      });
      try {
        return await Promise.race([opening, silent]);
      } catch (err) {
        // Given up: a tunnel opened later is closed (socks gives up on its own after 30 s).
        if (err instanceof ProxySilent) opening.then((s) => s.destroy(), () => undefined);
        throw throughProxyError(err, shown, cluster, withCredentials);
      } finally {
        clearTimeout(timer);
      }
    };
    agent = base;
  } else {
    const { HttpProxyAgent, HttpsProxyAgent } = lib;
    const Base = target === 'https:' ? HttpsProxyAgent : HttpProxyAgent;
    // hpagent dials `proxy.hostname`: an IPv6 proxy's without its brackets (else "cannot be resolved").
    const proxy = { protocol: u.protocol, hostname: unbracket(u.hostname), port: u.port, username: u.username, password: u.password };
    const base = new Base({ proxy: proxy as unknown as URL, keepAlive });
    const tunnel = base as unknown as { createConnection(o: unknown, cb: (err: Error | null, s: unknown) => void): unknown };
    const create = tunnel.createConnection.bind(base);
    tunnel.createConnection = (o, cb) => {
      // hpagent's CONNECT takes the request's `timeout` as its idle timeout (none by default: a silent
      // proxy held the tunnel forever); once open, the tunnel gets the request's own back.
      const own = (o as { timeout?: number }).timeout ?? 0;
      create({ ...(o as object), timeout: PROXY_ANSWER_MS }, (err, s) => {
        if (err) return cb(throughProxyError(err, shown, cluster, withCredentials), null);
        (s as Socket).setTimeout(own);
        cb(null, s);
      });
    };
    agent = base;
  }
  shownOf.set(agent, shown);
  return agent;
}
