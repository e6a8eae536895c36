// Issue 8, item 2: a resource list converges to the API server's truth after the server's store is
// reset (a fresh kube-sim, `Too large resource version` 504s, a resourceVersion that goes backwards),
// and the status bar says `connected` again as soon as a watch is back, not only when an object changes.
import { describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { useKubeBoot } from '../helpers/kube-boot.js';
import { RawClient } from '../helpers/rpc-client.js';

const kb = useKubeBoot();

const configMap = (name: string, ns = 'default') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { k: name } });

const bootOn = (kubeconfig: string): Promise<RawClient> => kb.boot(kubeconfig, { cols: 160, rows: 40 });

async function bootSim(): Promise<{ sim: KubeSim; c: RawClient }> {
  const kc = join(kb.env.dir, 'kubeconfig');
  const sim = await kb.startSim({ kubeconfigOut: kc });
  return { sim, c: await bootOn(kc) };
}

async function table(c: RawClient, paneId: number): Promise<TableView> {
  return (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 200, cols: 160 })).view;
}
const names = (v: TableView): string[] => (v.type === 'table' ? v.rows.map((r) => r.cells.name!) : []);

async function waitRows(c: RawClient, paneId: number, want: () => string[], label: string, timeoutMs = 30_000): Promise<TableView> {
  let last: TableView | undefined;
  try {
    return await waitFor(label, async () => {
      last = await table(c, paneId);
      return last.type === 'table' && JSON.stringify(names(last)) === JSON.stringify(want()) ? last : null;
    }, timeoutMs, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}; want ${JSON.stringify(want())}; last rows ${last ? JSON.stringify(names(last)) : 'none'} (${last?.empty ?? ''} ${last?.footer ?? ''}); status: ${c.layout?.status.cluster}`);
  }
}

const truth = (s: KubeSim, kind: string, ns = 'default'): string[] =>
  s.listObjects('v1', kind, ns).map((o) => o.metadata.name).sort();

async function openList(c: RawClient, kind: string): Promise<number> {
  const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind } }, newTab: true });
  return paneId;
}

describe('a resource list after the API server store is reset', () => {
  it('a kube-sim restarted with a fresh store: the rows equal the new truth within 30 s, no ghosts, and the status bar says what happened', async () => {
    const { sim: s, c } = await bootSim();
    const paneId = await openList(c, 'configmaps');
    // Enough history that the old resourceVersion is far ahead of the fresh store's.
    for (let i = 0; i < 30; i++) s.createObject(configMap(`old-${String(i).padStart(2, '0')}`));
    await waitRows(c, paneId, () => truth(s, 'ConfigMap'), 'old objects listed');
    await c.waitLayout('connected', (l) => l.status.cluster === 'connected');
    await s.restart({ keepState: false, downMs: 300 });
    s.createObject(configMap('fresh-a'));
    s.createObject(configMap('fresh-b'));
    expect(truth(s, 'ConfigMap')).toEqual(['fresh-a', 'fresh-b']);
    const v = await waitRows(c, paneId, () => truth(s, 'ConfigMap'), 'rows equal the fresh store', 30_000);
    expect(names(v)).not.toContain('old-00');
    const l = await c.waitLayout('status says the store was reset', (x) => /^connected/.test(x.status.cluster) && /store was reset/.test(x.status.cluster));
    expect(l.status.cluster).toMatch(/resourceVersion went back from \d+ to \d+/);
    // and it keeps following the new store
    s.deleteObject('v1', 'ConfigMap', 'fresh-a', 'default');
    s.createObject(configMap('fresh-c'));
    await waitRows(c, paneId, () => truth(s, 'ConfigMap'), 'follows the new store');
  }, 90_000);

  it('a watch answered with 504 "Too large resource version" again and again turns into relists with backoff', async () => {
    const { sim: s, c } = await bootSim();
    const paneId = await openList(c, 'configmaps');
    s.createObject(configMap('before'));
    await waitRows(c, paneId, () => ['before'], 'listed');
    const path = '/api/v1/namespaces/default/configmaps';
    const lists = () => s.journalEntries({ path, method: 'GET' }).filter((e) => e.query.watch === undefined);
    const watches = () => s.journalEntries({ path, method: 'GET' }).filter((e) => e.query.watch !== undefined);
    const listsBefore = lists().length;
    const watchesBefore = watches().length;
    s.injectError({ status: 504, verb: 'watch', count: -1, message: 'Too large resource version: 99999, current: 12' });
    s.killWatches({ graceful: false });
    // Changes the watch cannot deliver: only a relist shows them.
    s.createObject(configMap('during'));
    s.deleteObject('v1', 'ConfigMap', 'before', 'default');
    await waitRows(c, paneId, () => ['during'], 'relisted while every watch gets 504', 30_000);
    expect(lists().length).toBeGreaterThan(listsBefore);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 4_000));
    // Backoff: a few attempts in these seconds, not a hot loop.
    const attempts = watches().length - watchesBefore;
    expect(attempts).toBeLessThan(5 + (Date.now() - t0) / 250);
    await c.waitLayout('status says why', (l) => /too large resource version/i.test(l.status.cluster));
    s.clearErrors();
    s.createObject(configMap('after'));
    await waitRows(c, paneId, () => ['after', 'during'], 'watching again after the errors stop');
    await c.waitLayout('connected again', (l) => /^connected/.test(l.status.cluster));
  }, 90_000);

  it('a malformed watch line (an event may be lost) relists, and the status bar says why', async () => {
    const { sim: s, c } = await bootSim();
    const paneId = await openList(c, 'configmaps');
    s.createObject(configMap('kept'));
    await waitRows(c, paneId, () => ['kept'], 'listed');
    const path = '/api/v1/namespaces/default/configmaps';
    const lists = () => s.journalEntries({ path, method: 'GET' }).filter((e) => e.query.watch === undefined).length;
    const before = lists();
    expect(s.injectWatchGarbage()).toBeGreaterThan(0);
    // The garbage reaches the watches open at that moment; on a loaded machine the configmaps watch
    // may be between two requests, so it is sent again until that watch has seen it.
    await waitFor('relisted', () => {
      if (lists() > before) return true;
      s.injectWatchGarbage();
      return false;
    }, 40_000, 1000);
    await c.waitLayout('status says why', (l) => /^connected \(relisted .*malformed watch event/.test(l.status.cluster));
    s.createObject(configMap('later'));
    await waitRows(c, paneId, () => ['kept', 'later'], 'watching again');
  }, 60_000);

  it('a quiet watch: the status bar says connected once the watch is back (a BOOKMARK arrives), with no object changing', async () => {
    const { sim: s, c } = await bootSim();
    s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'quiet' } });
    await c.request('kube/use', { tabId: c.layout!.activeTabId, namespace: 'quiet' });
    const paneId = c.activeTab().focusedPaneId;
    await waitFor('quiet pods listed (none)', async () => (await table(c, paneId)).empty === 'No resources found');
    await c.waitLayout('connected', (l) => l.status.cluster === 'connected');
    s.expireToken();
    s.killWatches({ graceful: true });
    await c.waitLayout('status says unauthorized', (l) => /^error: .*unauthorized/i.test(l.status.cluster), );
    s.restoreToken();
    const restored = Date.now();
    await waitFor('connected again with no object change', () => {
      s.bookmarkNow();
      return c.layout?.status.cluster === 'connected';
    }, 40_000, 250);
    expect(Date.now() - restored).toBeLessThan(40_000);
    expect((await table(c, paneId)).empty).toBe('No resources found');
  }, 90_000);
});

/**
 * A tiny API server whose resourceVersion goes backwards: the first list is at RV 100 with `a`
 * and `b`; the watch from 100 then delivers `c` at RV 50 (the store behind it was restored from
 * an older backup). The second list (RV 60) holds only `c`.
 */
function backwardsServer(): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const cm = (name: string, rv: string, uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid, resourceVersion: rv, creationTimestamp: '2024-01-01T00:00:00Z' } });
  let lists = 0;
  const json = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/api/v1') {
      return json(res, 200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [
        { name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['get', 'list', 'watch'] },
        { name: 'pods', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'] },
        { name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'] },
      ] });
    }
    if (url.pathname === '/api/v1/namespaces/default/configmaps' && url.searchParams.get('watch') === null) {
      lists++;
      return json(res, 200, lists === 1
        ? { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '100' }, items: [cm('a', '90', 'uid-a'), cm('b', '95', 'uid-b')] }
        : { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '60' }, items: [cm('c', '50', 'uid-c')] });
    }
    if (url.pathname === '/api/v1/namespaces/default/configmaps') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      if (url.searchParams.get('resourceVersion') === '100') res.write(`${JSON.stringify({ type: 'ADDED', object: cm('c', '50', 'uid-c') })}\n`);
      return; // stays open
    }
    if (/^\/api\/v1\/(namespaces\/default\/)?pods$/.test(url.pathname) && url.searchParams.get('watch') === null) {
      return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '100' }, items: [] });
    }
    if (/pods$/.test(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      return;
    }
    json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `the server could not find the requested resource`, reason: 'NotFound', code: 404 });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, requests })));
}

describe('a resourceVersion that goes backwards', () => {
  it('relists and drops the objects the older store does not have', async () => {
    const f = await backwardsServer();
    kb.onTeardown(() => new Promise((r) => f.server.close(r)));
    const kc = join(kb.env.dir, 'kubeconfig');
    writeFileSync(kc, [
      'apiVersion: v1', 'kind: Config', 'current-context: back',
      'clusters:', `- name: back`, '  cluster:', `    server: http://127.0.0.1:${f.port}`, '    insecure-skip-tls-verify: true',
      'users:', '- name: back', '  user:', '    token: t',
      'contexts:', '- name: back', '  context:', '    cluster: back', '    user: back', '    namespace: default', '',
    ].join('\n'));
    const c = await bootOn(kc);
    const paneId = await openList(c, 'configmaps');
    const v = await waitRows(c, paneId, () => ['c'], 'only the object of the restored store', 30_000);
    expect(names(v)).toEqual(['c']);
    await c.waitLayout('status says the resourceVersion went back', (l) => /^connected/.test(l.status.cluster) && /resourceVersion went back from 100 to 50/.test(l.status.cluster));
    expect(f.requests.filter((r) => r.startsWith('GET /api/v1/namespaces/default/configmaps?') && !r.includes('watch=')).length).toBe(2);
  }, 60_000);
});
