import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { writeFileSync } from 'node:fs';

/**
 * A plain-HTTP "API server" that speaks just enough of the Kubernetes protocol for a pods list pane
 * (discovery, namespaces, a pods list and watch) — badly, as each test tells it. Every request is
 * journaled. Point a daemon at it with `writeKubeconfig`.
 */
export interface HostileRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  at: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, q: URLSearchParams) => void;

export interface HostileApiServer {
  url: string;
  journal: HostileRequest[];
  /** Requests whose path is `path` and whose query has `watch` set as given. */
  count(path: string, watch: boolean): number;
  /** Replaces the answer to `path` (list and watch both: check `q.get('watch')`). */
  route(path: string, h: Handler): void;
  close(): Promise<void>;
}

export const json = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

export const pod = (name: string, uid = `uid-${name}`, rv = '10', ns = 'default'): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, uid, resourceVersion: rv, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  status: { phase: 'Running' },
});

export const podList = (items: unknown[], meta: Record<string, unknown> = { resourceVersion: '10' }): Record<string, unknown> => ({ kind: 'PodList', apiVersion: 'v1', metadata: meta, items });

const CORE = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch', 'delete'], shortNames: ['po'] },
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'], shortNames: ['ns'] },
  ],
};

/** Starts the server: discovery and an empty world unless a route says otherwise. */
export async function startHostileApiServer(): Promise<HostileApiServer> {
  const journal: HostileRequest[] = [];
  const routes = new Map<string, Handler>();
  const sockets = new Set<Socket>();
  const watchOpen = (res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
  };
  const defaults: Record<string, Handler> = {
    '/version': (_q, res) => json(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0' }),
    '/api': (_q, res) => json(res, 200, { kind: 'APIVersions', versions: ['v1'] }),
    '/api/v1': (_q, res) => json(res, 200, CORE),
    '/apis': (_q, res) => json(res, 200, { kind: 'APIGroupList', groups: [] }),
    '/api/v1/namespaces': (_req, res, q) => {
      if (q.get('watch')) return watchOpen(res);
      json(res, 200, { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: [{ metadata: { name: 'default', uid: 'ns-default', resourceVersion: '1' } }] });
    },
    '/api/v1/namespaces/default/pods': (_req, res, q) => {
      if (q.get('watch')) return watchOpen(res);
      json(res, 200, podList([]));
    },
  };
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    journal.push({ method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, at: Date.now() });
    res.on('error', () => undefined);
    const h = routes.get(u.pathname) ?? defaults[u.pathname];
    if (h) return h(req, res, u.searchParams);
    json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `the server could not find the requested resource (${u.pathname})`, reason: 'NotFound', code: 404 });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    journal,
    count: (path, watch) => journal.filter((r) => r.path === path && !!r.query.get('watch') === watch).length,
    route: (path, h) => void routes.set(path, h),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A kubeconfig (JSON) with one context `hostile` (namespace default) pointing at the server. */
export function writeHostileKubeconfig(path: string, server: HostileApiServer): string {
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'hostile',
      clusters: [{ name: 'hostile', cluster: { server: server.url } }],
      users: [{ name: 'tester', user: { token: 'secret-token' } }],
      contexts: [{ name: 'hostile', context: { cluster: 'hostile', user: 'tester', namespace: 'default' } }],
    }),
  );
  return path;
}
