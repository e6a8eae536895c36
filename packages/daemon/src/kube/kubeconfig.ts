import type { RequestOptions } from 'node:https';
import { parse } from 'yaml';
import { CredentialError, KubeApiError } from './api-error.js';
import { tokenFromFile } from './token-file.js';
import { envProxyFor } from './env-proxy.js';
import { clustersWithProxyAgents, keepProxyAgents, proxyAgent, proxyRoute, type ProxyRoute } from './proxy-agent.js';

/**
 * The kubeconfig as the daemon uses it: clusters, users and contexts, the current context, and
 * what a request to the current cluster needs (TLS material, credentials). Our own, instead of
 * @kubernetes/client-node's KubeConfig, whose module pulls in the whole generated API (~75 MiB and
 * 1–2 s at the daemon's start) for the few hundred lines used here.
 */

export interface Cluster {
  readonly name: string;
  readonly server: string;
  /** The CA bundle, base64 (certificate-authority-data; files are inlined by the loader). */
  readonly caData?: string;
  readonly skipTLSVerify: boolean;
  readonly tlsServerName?: string;
  /** Why the cluster cannot be used (a file it names could not be read): its requests fail with this. */
  readonly error?: string;
  /** The kubeconfig's `proxy-url`: every request of the cluster goes through it (proxy-agent.ts). */
  readonly proxyUrl?: string;
}

export interface AuthProvider {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface User {
  readonly name: string;
  readonly token?: string;
  /** client-certificate-data / client-key-data, base64. */
  readonly certData?: string;
  readonly keyData?: string;
  readonly username?: string;
  readonly password?: string;
  readonly authProvider?: AuthProvider;
  /** The raw `exec` block; the loader hands it to the exec credential provider. */
  readonly exec?: unknown;
  /** Where `token` was read from (token-file, an auth-provider's tokenFile): read again as it rotates. */
  readonly tokenFile?: string;
  /** Why the user's credentials cannot be used (a file it names could not be read): its requests fail with this. */
  readonly error?: string;
}

export interface Context {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
}

/** Supplies credentials for some users (exec plugins): fills `opts` for a request. */
export interface Authenticator {
  isAuthProvider(user: User): boolean;
  applyAuthentication(user: User, opts: RequestOptions): Promise<void>;
}

type Doc = Record<string, unknown>;
const isMap = (x: unknown): x is Doc => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function named(list: unknown, what: string, inner: string): Array<{ name: string; body: Doc }> {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`${what} is not a list`);
  return list.map((item, i) => {
    if (!isMap(item)) throw new Error(`${what}[${i}] is not a mapping`);
    const name = str(item.name);
    if (!name) throw new Error(`${what}[${i}] has no name`);
    const body = item[inner];
    if (body !== undefined && body !== null && !isMap(body)) throw new Error(`${what}[${i}] (${name}) ${inner} is not a mapping`);
    return { name, body: (body as Doc | undefined) ?? {} };
  });
}

/**
 * A cluster's server as kubectl reads it (client-go's DefaultServerURL): one written without a
 * scheme (`api.example.com:6443`, `10.0.0.1:6443`) is https when the cluster has a CA, skips
 * verification, or is used with a client certificate, else http. Taken as a URL as written,
 * `api.example.com:6443` has the scheme `api.example.com:` and no host: its requests went to
 * localhost:80, in clear text, credentials included.
 *
 * kubectl decides per context (cluster and user together); a cluster here is one entry shared by its
 * contexts, so one that any context uses with a client certificate is https for all of them (never
 * clear text where a certificate was meant to be presented).
 */
function withScheme(server: string, tls: boolean): string {
  return server.includes('://') ? server : `${tls ? 'https' : 'http'}://${server}`;
}

/** The clusters with their servers' schemes decided (see withScheme). */
function schemed(clusters: readonly Cluster[], users: readonly User[], contexts: readonly Context[]): Cluster[] {
  const withCert = new Set(users.filter((u) => u.certData !== undefined).map((u) => u.name));
  const usedWithCert = new Set(contexts.filter((c) => withCert.has(c.user)).map((c) => c.cluster));
  return clusters.map((c) => ({ ...c, server: withScheme(c.server, c.caData !== undefined || c.skipTLSVerify || usedWithCert.has(c.name)) }));
}

/**
 * How a cluster's requests leave the daemon: the server's scheme, and the proxy they go through —
 * its `proxy-url`, else the environment's (HTTPS_PROXY, NO_PROXY) as kubectl takes it. Worked out
 * when the kubeconfig is (re)loaded, not per request: the daemon's environment does not change
 * while it runs, and NO_PROXY (a long list in some companies) was parsed again for every request.
 */
export type ClusterRoute = { readonly unusable: string } | { readonly scheme: 'https:' | 'http:'; readonly proxy: ProxyRoute | null };

export function clusterRoute(cluster: Cluster, env: NodeJS.ProcessEnv = process.env): ClusterRoute {
  let server: URL | null = null;
  try {
    server = new URL(cluster.server);
  } catch {
    /* said below */
  }
  const scheme = server?.protocol;
  // Another scheme (ftp://, file://) would be sent plain HTTP, credentials included, to whatever it names.
  if (!server || (scheme !== 'https:' && scheme !== 'http:')) return { unusable: `the kubeconfig's server ${JSON.stringify(cluster.server)} is not an https:// (or http://) URL` };
  if (cluster.proxyUrl) return { scheme, proxy: proxyRoute(cluster.proxyUrl, scheme, cluster.name) };
  const fromEnv = envProxyFor(server, env);
  return { scheme, proxy: fromEnv ? proxyRoute(fromEnv.url, scheme, cluster.name, fromEnv.from) : null };
}

/**
 * The kubeconfig was (re)loaded with `clusters`: the proxy agents none of them goes through any more
 * (a proxy-url changed or removed) are dropped, their idle connections closed (proxy-agent.ts).
 */
export function keepProxyAgentsOf(clusters: readonly Cluster[]): void {
  // The routes of the clusters that have an agent only (most kubeconfigs: none), not of thousands.
  const proxied = clustersWithProxyAgents();
  if (proxied.size === 0) return;
  const routes: ProxyRoute[] = [];
  for (const c of clusters) {
    if (!proxied.has(c.name)) continue;
    const r = clusterRoute(c);
    if ('proxy' in r && r.proxy) routes.push(r.proxy);
  }
  keepProxyAgents(routes);
}

/** Reads one kubeconfig document (already parsed from YAML/JSON) as kubectl reads its fields. */
export function fromDocument(doc: unknown): { clusters: Cluster[]; users: User[]; contexts: Context[]; currentContext: string } {
  if (!isMap(doc)) throw new Error('it is not a mapping');
  const clusters = named(doc.clusters, 'clusters', 'cluster').map(({ name, body }): Cluster => {
    const server = str(body.server);
    if (!server) throw new Error(`cluster '${name}' has no server`);
    const caData = str(body['certificate-authority-data']);
    const tlsServerName = str(body['tls-server-name']);
    const skipTLSVerify = body['insecure-skip-tls-verify'] === true;
    const proxyUrl = str(body['proxy-url']);
    return { name, server, skipTLSVerify, ...(caData ? { caData } : {}), ...(tlsServerName ? { tlsServerName } : {}), ...(proxyUrl ? { proxyUrl } : {}) };
  });
  const users = named(doc.users, 'users', 'user').map(({ name, body }): User => {
    const ap = body['auth-provider'];
    const authProvider = isMap(ap) && typeof ap.name === 'string' ? { name: ap.name, config: isMap(ap.config) ? ap.config : {} } : undefined;
    const pick = (k: string): string | undefined => str(body[k]);
    const out: { -readonly [K in keyof User]?: User[K] } = { name };
    if (pick('token')) out.token = pick('token');
    if (pick('client-certificate-data')) out.certData = pick('client-certificate-data');
    if (pick('client-key-data')) out.keyData = pick('client-key-data');
    if (pick('username')) out.username = pick('username');
    if (pick('password')) out.password = pick('password');
    if (authProvider) out.authProvider = authProvider;
    if (body.exec !== undefined && body.exec !== null) out.exec = body.exec;
    return out as User;
  });
  const contexts = named(doc.contexts, 'contexts', 'context').map(({ name, body }): Context => {
    const namespace = str(body.namespace);
    return { name, cluster: str(body.cluster) ?? '', user: str(body.user) ?? '', ...(namespace ? { namespace } : {}) };
  });
  return { clusters: schemed(clusters, users, contexts), users, contexts, currentContext: str(doc['current-context']) ?? '' };
}

export class KubeConfig {
  // Set by loadFromOptions() and withdraw() only: what the current context resolves to is kept (current).
  private clusterList: Cluster[] = [];
  private userList: User[] = [];
  private contextList: Context[] = [];
  private currentName = '';
  private readonly authenticators: Authenticator[] = [];
  /** Why no request may be made with this configuration any more (its context left the kubeconfig), or null. */
  private withdrawn: string | null = null;
  /**
   * The current context, its cluster, the cluster's route (see clusterRoute) and its user, worked out
   * when the kubeconfig is loaded or the context set: every request asks for them (connectionOptions,
   * applyToHTTPSOptions), and finding them in a kubeconfig of thousands of contexts cost ~25 µs a
   * request (2,000 contexts; ~170 µs with 10,000).
   */
  private current: { readonly context: Context | null; readonly cluster: Cluster | null; readonly route: ClusterRoute | null; readonly user: User | null } = {
    context: null,
    cluster: null,
    route: null,
    user: null,
  };

  get clusters(): readonly Cluster[] {
    return this.clusterList;
  }
  get users(): readonly User[] {
    return this.userList;
  }
  get contexts(): readonly Context[] {
    return this.contextList;
  }
  get currentContext(): string {
    return this.currentName;
  }

  loadFromOptions(o: { clusters: readonly Cluster[]; users: readonly User[]; contexts: readonly Context[]; currentContext: string }): void {
    this.clusterList = [...o.clusters];
    this.userList = [...o.users];
    this.contextList = [...o.contexts];
    this.currentName = o.currentContext;
    this.withdrawn = null;
    this.resolveCurrent();
  }

  private resolveCurrent(): void {
    const context = this.getContextObject(this.currentName);
    const cluster = context ? (this.clusterList.find((c) => c.name === context.cluster) ?? null) : null;
    const user = context ? (this.userList.find((u) => u.name === context.user) ?? null) : null;
    this.current = { context, cluster, route: cluster ? clusterRoute(cluster) : null, user };
  }

  /**
   * Its context is gone from the kubeconfig: the credentials are dropped, and every later request
   * made with it (by whatever still holds it: a port-forward's next connection, a retry) fails with
   * `reason` instead of reaching the cluster. loadFromOptions() makes it usable again.
   */
  withdraw(reason: string): void {
    this.userList = [];
    this.clearAuthenticators();
    this.withdrawn = reason;
    this.resolveCurrent();
  }

  /** A kubeconfig as YAML or JSON text (tests, the demo cluster's kubeconfig). Throws when malformed. */
  loadFromString(text: string): void {
    this.loadFromOptions(fromDocument(parse(text) ?? {}));
  }

  getClusters(): readonly Cluster[] {
    return this.clusterList;
  }
  getUsers(): readonly User[] {
    return this.userList;
  }
  getContexts(): readonly Context[] {
    return this.contextList;
  }
  getCurrentContext(): string {
    return this.currentName;
  }
  setCurrentContext(name: string): void {
    this.currentName = name;
    this.resolveCurrent();
  }
  getContextObject(name: string): Context | null {
    return this.contextList.find((c) => c.name === name) ?? null;
  }
  getCurrentCluster(): Cluster | null {
    return this.current.cluster;
  }
  getCurrentUser(): User | null {
    return this.current.user;
  }

  addAuthenticator(a: Authenticator): void {
    this.authenticators.push(a);
  }

  /** Drops the authenticators (the kubeconfig was read again: new ones are added). */
  clearAuthenticators(): void {
    this.authenticators.length = 0;
  }

  /**
   * Puts the current cluster's TLS settings and the current user's credentials on a request: the CA,
   * the server name, skip-verify, a client certificate, a bearer token (static, an auth-provider's
   * id/access token, or an exec plugin's through an Authenticator) or basic auth.
   */
  async applyToHTTPSOptions(opts: RequestOptions): Promise<void> {
    if (this.withdrawn !== null) throw new CredentialError(this.withdrawn);
    const { cluster, route } = this.current;
    if (cluster && route) {
      if (cluster.error) throw new KubeApiError(cluster.error, 0, 'ConfigUnusable');
      if ('unusable' in route) throw new KubeApiError(route.unusable, 0);
      // kubectl sends every request of such a cluster through the proxy (an SSH tunnel, a bastion's
      // SOCKS proxy, a corporate proxy); a proxy that cannot be used refuses the cluster's requests,
      // never sends them around it (they would reach whatever answers at that address from here).
      if (route.proxy) opts.agent = await proxyAgent(route.proxy);
      if (cluster.caData) opts.ca = Buffer.from(cluster.caData, 'base64');
      opts.rejectUnauthorized = !cluster.skipTLSVerify;
      if (cluster.tlsServerName) opts.servername = cluster.tlsServerName;
    }
    const user = this.getCurrentUser();
    if (!user) {
      // A context naming a user the kubeconfig lacks (a typo, an entry deleted) sent its requests
      // anonymously, and the user saw only the API server's 401 or 403.
      const ctx = this.current.context;
      if (ctx?.user) throw new CredentialError(`context '${ctx.name}' names user '${ctx.user}', which the kubeconfig does not define`);
      return;
    }
    if (user.error) throw new CredentialError(user.error);
    if (user.certData) opts.cert = Buffer.from(user.certData, 'base64');
    if (user.keyData) opts.key = Buffer.from(user.keyData, 'base64');
    const headers = (opts.headers ?? {}) as Record<string, string | number | string[]>;
    opts.headers = headers;
    const auth = this.authenticators.find((a) => a.isAuthProvider(user));
    if (auth) {
      await auth.applyAuthentication(user, opts);
      return;
    }
    const providerToken = user.authProvider ? str(user.authProvider.config['id-token']) ?? str(user.authProvider.config['access-token']) : undefined;
    const token = (user.tokenFile ? tokenFromFile(user) : user.token) ?? providerToken;
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (user.username !== undefined) opts.auth = `${user.username}:${user.password ?? ''}`;
  }
}
