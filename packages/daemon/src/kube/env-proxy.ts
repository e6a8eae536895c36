import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/**
 * The proxy kubectl would use for a server from the environment, when its cluster sets no `proxy-url`:
 * client-go takes Go's `ProxyFromEnvironment` — `HTTPS_PROXY` for an https:// server, `HTTP_PROXY` for
 * http:// (either case), unless `NO_PROXY` names the host — and never proxies `localhost` or a loopback
 * address. A proxy written without a scheme is an http:// one. Null: connect directly.
 *
 * `NO_PROXY` as Go reads it: comma-separated; `*` for every host; an IP address or a CIDR range; a
 * domain (`example.com` is it and its subdomains, `.example.com` and `*.example.com` its subdomains
 * only), each with an optional `:port` that must match.
 */
export function envProxyFor(server: URL, env: NodeJS.ProcessEnv = process.env): { url: string; from: string } | null {
  const https = server.protocol === 'https:';
  const names = https ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy'];
  const from = names.find((n) => (env[n] ?? '').trim() !== '');
  if (!from) return null;
  const host = server.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || isLoopback(host)) return null;
  const port = server.port || (https ? '443' : '80');
  // Go's getEnvAny: an empty NO_PROXY is as unset, and no_proxy is read.
  const noProxy = (env.NO_PROXY || env.no_proxy || '').trim();
  if (noProxy && bypassed(host, port, noProxy)) return null;
  const raw = env[from]!.trim();
  return { url: /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`, from };
}

function isLoopback(host: string): boolean {
  const v = isIP(host);
  if (v === 4) return host.startsWith('127.');
  if (v === 6) return host === '::1' || /^::ffff:127\./.test(host) || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(host);
  return false;
}

const family = (v: number): 'ipv4' | 'ipv6' => (v === 4 ? 'ipv4' : 'ipv6');

/**
 * One NO_PROXY entry, read: every host, a CIDR range, an address (Go's IP.Equal: `fd00:0::1` is
 * `fd00::1`, and `::ffff:10.0.0.5` is `10.0.0.5`), or a domain — the last two with an optional port.
 */
type Rule =
  | { readonly all: true }
  | { readonly range: BlockList }
  | { readonly port: string | null; readonly address: BlockList }
  | { readonly port: string | null; readonly domain: string; readonly subdomainsOnly: boolean };

/** The NO_PROXY read last, and its rules: each cluster's server is checked against the same list (at load, thousands of them). */
let parsed: { readonly text: string; readonly rules: readonly Rule[] } | null = null;

function rulesOf(noProxy: string): readonly Rule[] {
  if (parsed?.text !== noProxy) parsed = { text: noProxy, rules: parseNoProxy(noProxy) };
  return parsed.rules;
}

function parseNoProxy(noProxy: string): Rule[] {
  const rules: Rule[] = [];
  for (let entry of noProxy.split(',')) {
    entry = entry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') {
      rules.push({ all: true });
      continue;
    }
    // A CIDR range (an address with a prefix length): matches an address in it.
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const net = cidr[1]!.replace(/^\[|\]$/g, '');
      const v = isIP(net);
      if (v === 0) continue;
      const range = new BlockList();
      try {
        range.addSubnet(net, Number(cidr[2]), family(v));
        rules.push({ range });
      } catch {
        /* a prefix past the address's length: matches nothing */
      }
      continue;
    }
    // `host:port` (an IPv6 address only in brackets then).
    let name = entry;
    let port: string | null = null;
    const hp = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (hp) {
      name = hp[1]!;
      port = hp[2]!;
    }
    name = name.replace(/^\[|\]$/g, '');
    const nameIp = isIP(name);
    if (nameIp) {
      const address = new BlockList();
      address.addAddress(name, family(nameIp));
      rules.push({ port, address });
      continue;
    }
    if (name.startsWith('*.')) name = name.slice(1);
    // An internationalized name as the server's URL holds it (punycode), as Go's idnaASCII.
    name = domainToASCII(name) || name;
    rules.push({ port, domain: name, subdomainsOnly: name.startsWith('.') });
  }
  return rules;
}

/** Whether NO_PROXY names `host` (at `port`). */
function bypassed(host: string, port: string, noProxy: string): boolean {
  const hostIp = isIP(host);
  for (const r of rulesOf(noProxy)) {
    if ('all' in r) return true;
    if ('range' in r) {
      // An IPv4 range holds the IPv4-mapped IPv6 addresses of its own (Go's IPNet.Contains).
      if (hostIp !== 0 && inRange(r.range, host, hostIp)) return true;
      continue;
    }
    if (r.port !== null && r.port !== port) continue;
    if ('address' in r) {
      if (hostIp !== 0 && r.address.check(host, family(hostIp))) return true;
      continue;
    }
    if (r.subdomainsOnly ? host.endsWith(r.domain) : host === r.domain || host.endsWith(`.${r.domain}`)) return true;
  }
  return false;
}

function inRange(range: BlockList, host: string, hostIp: number): boolean {
  try {
    return range.check(host, family(hostIp));
  } catch {
    return false;
  }
}
