// The API server as a hostile or unlucky peer, seen through a pods list pane (an audit): a raw HTTP
// server (test/helpers/hostile-api-server.ts) that speaks just enough of the protocol, badly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { writeFileSync } from 'node:fs';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { pod, podList, startHostileApiServer, writeHostileKubeconfig, json, type HostileApiServer } from '../helpers/hostile-api-server.js';

let env: TestEnv;
let api: HostileApiServer | null = null;
let daemon: DaemonProcess | null = null;
let client: RawClient | null = null;
const sims: KubeSim[] = [];

beforeEach(() => {
  env = makeTestEnv();
});
afterEach(async () => {
  client?.close();
  client = null;
  await daemon?.stop();
  daemon = null;
  await api?.close();
  api = null;
  for (const s of sims.splice(0)) await s.stop();
  env.cleanup();
});

async function boot(server: HostileApiServer): Promise<{ c: RawClient; paneId: number }> {
  env.env.KUBECONFIG = writeHostileKubeconfig(join(env.dir, 'kubeconfig'), server);
  daemon = await startDaemon(env);
  client = await RawClient.connect(env.socket);
  await client.attach({ cols: 160, rows: 40 });
  return { c: client, paneId: client.activeTab().focusedPaneId };
}

const view = async (c: RawClient, paneId: number): Promise<TableView> => (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
const names = (v: TableView): string[] => v.rows.map((r) => r.cells.name ?? '');
const PODS = '/api/v1/namespaces/default/pods';
const shown = (v: TableView): string => `${v.empty ?? ''} ${v.footer ?? ''}`;

describe('a watch the server ends at once, after one event', () => {
  it('is opened again with a growing delay, not at once in a loop', async () => {
    api = await startHostileApiServer();
    api.route(PODS, (_req, res, q) => {
      if (!q.get('watch')) return json(res, 200, podList([pod('web-1')]));
      // Accepts the watch, sends one event, and ends cleanly: forever.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'MODIFIED', object: pod('web-1', 'uid-web-1', '11') })}\n`);
    });
    const { c, paneId } = await boot(api);
    await waitFor('web-1 listed', async () => names(await view(c, paneId)).includes('web-1'), 30_000);
    await waitFor('watches opened', () => api!.count(PODS, true) >= 3, 30_000);
    const first = api.journal.find((r) => r.path === PODS && r.query.get('watch'))!.at;
    // Let ten seconds pass from the first watch (whatever the machine's load).
    await waitFor('ten seconds of watches', () => Date.now() - first > 10_000, 20_000, 200);
    const inTen = api.journal.filter((r) => r.path === PODS && r.query.get('watch') && r.at - first <= 10_000).length;
    // 0.5 + 1 + 2 + 4 s of backoff: a handful, never hundreds.
    expect(inTen).toBeLessThan(12);
    expect(names(await view(c, paneId))).toEqual(['web-1']);
  }, 60_000);
});

describe('a list whose continue token comes back again', () => {
  it('stops with an error naming the loop (not pages back to back for ever), and lists again once the server behaves', async () => {
    api = await startHostileApiServer();
    let loop = true;
    api.route(PODS, (_req, res, q) => {
      if (q.get('watch')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.flushHeaders();
      }
      if (!loop) return json(res, 200, podList([pod('fixed-1')], { resourceVersion: '20' }));
      // Every page names the same token: the same page again, for ever.
      json(res, 200, podList([pod('loop-1'), pod('loop-2')], { resourceVersion: '10', continue: 'same-token', remainingItemCount: 10_000_000 }));
    });
    const { c, paneId } = await boot(api);
    const text = await waitFor('the loop named', async () => {
      const t = shown(await view(c, paneId));
      return /continue token it had sent before/.test(t) ? t : null;
    }, 30_000, 100);
    expect(text).toMatch(/GET \/api\/v1\/namespaces\/default\/pods: the API server sent a continue token it had sent before/);
    // Not a request loop: the list is asked for again with a backoff.
    const lists = api.count(PODS, false);
    expect(lists).toBeLessThan(50);
    loop = false;
    await waitFor('the list after the server behaves', async () => names(await view(c, paneId)).join(',') === 'fixed-1', 60_000, 200);
    expect(shown(await view(c, paneId))).not.toMatch(/continue token/);
  }, 90_000);
});

describe('a BOOKMARK whose resourceVersion is garbage', () => {
  it('the watch the server then refuses (422 Invalid, as kube-apiserver does) is not the end: the list is fetched again and new objects show', async () => {
    api = await startHostileApiServer();
    const world = [pod('web-1')];
    let garbage = true;
    const invalid = (rv: string) => ({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Invalid', code: 422,
      message: `pods "" is invalid: resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`,
    });
    api.route(PODS, (_req, res, q) => {
      if (!q.get('watch')) return json(res, 200, podList(world, { resourceVersion: '20' }));
      const rv = q.get('resourceVersion') ?? '';
      if (rv !== '' && !/^\d+$/.test(rv)) return json(res, 422, invalid(rv));
      res.writeHead(200, { 'content-type': 'application/json' });
      if (garbage) {
        // One bad bookmark, then the watch ends (the server's timeout): the next watch starts from it.
        garbage = false;
        return void res.end(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '%%garbage%%' } } })}\n`);
      }
      res.flushHeaders();
    });
    const { c, paneId } = await boot(api);
    await waitFor('web-1 listed', async () => names(await view(c, paneId)).includes('web-1'), 30_000);
    await waitFor('the refused watch', () => api!.journal.some((r) => r.path === PODS && r.query.get('resourceVersion') === '%%garbage%%'), 30_000);
    // The server behaves now: a new pod is there; the pane must get to it.
    world.push(pod('web-2', 'uid-web-2', '21'));
    await waitFor('web-2 listed', async () => names(await view(c, paneId)).join(',') === 'web-1,web-2', 60_000, 200);
  }, 90_000);
});

describe('a server that ignores the namespace of the path', () => {
  it("another namespace's pods, in the list and on the watch, are not shown as this namespace's rows; the status bar says so", async () => {
    api = await startHostileApiServer();
    let watch: import('node:http').ServerResponse | null = null;
    api.route(PODS, (_req, res, q) => {
      if (!q.get('watch')) return json(res, 200, podList([pod('web-1'), pod('coredns', 'uid-coredns', '10', 'kube-system')]));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      watch = res;
    });
    const { c, paneId } = await boot(api);
    await waitFor('web-1 listed', async () => names(await view(c, paneId)).includes('web-1'), 30_000);
    expect(names(await view(c, paneId))).toEqual(['web-1']);
    await c.waitLayout('the status bar names what was ignored', (l) => /ignored pods "kube-system\/coredns": the API server sent them for namespace default/.test(l.status.cluster));
    await waitFor('the watch open', () => watch !== null, 30_000);
    const send = (type: string, o: unknown): void => void watch!.write(`${JSON.stringify({ type, object: o })}\n`);
    send('ADDED', pod('etcd', 'uid-etcd', '11', 'kube-system'));
    // web-1's uid comes back in another namespace: that is not this list's object any more.
    send('MODIFIED', pod('web-1', 'uid-web-1', '12', 'other'));
    send('ADDED', pod('web-2', 'uid-web-2', '13'));
    await waitFor('web-2 listed', async () => names(await view(c, paneId)).includes('web-2'), 30_000);
    expect(names(await view(c, paneId))).toEqual(['web-2']);
    await c.waitLayout('the status bar says so', (l) => /ignored pods "other\/web-1"/.test(l.status.cluster));
  }, 60_000);
});

describe('a list answer that is not a list', () => {
  it('200 with a Status, or with {}: the pane says the answer is not a list (never "no pods"), and lists once the server behaves', async () => {
    api = await startHostileApiServer();
    let answer: unknown = { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'upstream connect error', code: 503 };
    api.route(PODS, (_req, res, q) => {
      if (q.get('watch')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.flushHeaders();
      }
      json(res, 200, answer);
    });
    const { c, paneId } = await boot(api);
    const first = await waitFor('the Status named', async () => {
      const v = await view(c, paneId);
      return /not a list/.test(shown(v)) ? v : null;
    }, 30_000, 100);
    expect(shown(first)).toMatch(/GET \/api\/v1\/namespaces\/default\/pods: the API server's answer is not a list \(a Status\): upstream connect error/);
    expect(first.rows).toEqual([]);
    answer = {};
    await waitFor('{} named', async () => /the API server's answer is not a list(?! \(a Status)/.test(shown(await view(c, paneId))), 60_000, 100);
    answer = podList([pod('web-1')]);
    await waitFor('listed once the server behaves', async () => names(await view(c, paneId)).join(',') === 'web-1', 60_000, 200);
  }, 120_000);
});

describe("a server Table's cells", () => {
  it('a cell of 1 MB is cut to a screenful in what the pane sends, and a row whose cells are missing or objects still shows', async () => {
    api = await startHostileApiServer();
    const TEMPLATES = '/api/v1/namespaces/default/podtemplates';
    api.route('/api/v1', (_req, res) =>
      json(res, 200, {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          { name: 'pods', namespaced: true, kind: 'Pod', verbs: ['list', 'watch'] },
          { name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: ['list', 'watch'] },
          { name: 'podtemplates', namespaced: true, kind: 'PodTemplate', verbs: ['list', 'watch'] },
        ],
      }),
    );
    const huge = `\u001b]0;owned\u0007${'y'.repeat(1024 * 1024)}`;
    const tpl = (name: string) => ({ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '10', creationTimestamp: '2026-01-01T00:00:00Z' } });
    api.route(TEMPLATES, (req, res, q) => {
      if (q.get('watch')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.flushHeaders();
      }
      if (!/as=Table/.test(req.headers.accept ?? '')) return json(res, 200, { kind: 'PodTemplateList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: [tpl('big'), tpl('short')] });
      json(res, 200, {
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { resourceVersion: '10' },
        columnDefinitions: [
          { name: 'Name', type: 'string', format: 'name', priority: 0 },
          { name: 'Note', type: 'string', format: '', priority: 0 },
          { name: 'Extra', type: 'string', format: '', priority: 0 },
        ],
        rows: [
          { cells: ['big', huge, { nested: [1, 2] }], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: tpl('big').metadata } },
          { cells: ['short'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: tpl('short').metadata } },
        ],
      });
    });
    const { c } = await boot(api);
    const paneId = (await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'podtemplates', version: 'v1', kindName: 'PodTemplate', namespaced: true } } })).paneId;
    const v = await waitFor('the Table cells', async () => {
      const x = await view(c, paneId);
      return x.rows.length === 2 && (x.rows[0]?.cells.note ?? '') !== '' ? x : null;
    }, 30_000, 100);
    const big = v.rows.find((r) => r.cells.name === 'big')!;
    expect(big.cells.note!.length).toBeLessThanOrEqual(1100);
    expect(big.cells.note!.startsWith('\u001b]0;owned\u0007yyyy')).toBe(true);
    expect(big.cells.extra).toBe('{"nested":[1,2]}');
    const short = v.rows.find((r) => r.cells.name === 'short')!;
    expect(short.cells.note).toBe('<none>');
    expect(JSON.stringify(v).length).toBeLessThan(64 * 1024);
  }, 60_000);
});

describe('429 Too Many Requests with Retry-After', () => {
  it('the list is not asked for again before the server said, the pane says why, and lists after', async () => {
    api = await startHostileApiServer();
    let refusals = 2;
    api.route(PODS, (_req, res, q) => {
      if (q.get('watch')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.flushHeaders();
      }
      if (refusals-- > 0) {
        const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: { retryAfterSeconds: 3 }, code: 429 });
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
        return void res.end(body);
      }
      json(res, 200, podList([pod('web-1')]));
    });
    const { c, paneId } = await boot(api);
    await waitFor('the refusal said', async () => /Too many requests/.test(shown(await view(c, paneId))), 30_000, 100);
    await waitFor('listed after the refusals', async () => names(await view(c, paneId)).join(',') === 'web-1', 60_000, 200);
    const lists = api.journal.filter((r) => r.path === PODS && !r.query.get('watch')).map((r) => r.at);
    expect(lists).toHaveLength(3);
    // Each retry came at least the three seconds the server asked for after the refusal (its clock).
    expect(lists[1]! - lists[0]!).toBeGreaterThanOrEqual(2900);
    expect(lists[2]! - lists[1]!).toBeGreaterThanOrEqual(2900);
  }, 60_000);
});

describe('where the credentials go', () => {
  it("a server whose certificate another CA signed: a TLS error naming the server, and it never sees the request (nor the token)", async () => {
    const a = await startKubeSim({ port: 0, seed: 'empty', stateDir: join(env.dir, 'sim-a') });
    sims.push(a);
    const b = await startKubeSim({ port: 0, seed: 'empty', stateDir: join(env.dir, 'sim-b') });
    sims.push(b);
    const cfg = join(env.dir, 'kubeconfig');
    writeFileSync(cfg, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'x',
      clusters: [{ name: 'x', cluster: { server: a.url, 'certificate-authority-data': Buffer.from(b.caPem).toString('base64') } }],
      users: [{ name: 'u', user: { token: a.token } }],
      contexts: [{ name: 'x', context: { cluster: 'x', user: 'u', namespace: 'default' } }],
    }));
    env.env.KUBECONFIG = cfg;
    daemon = await startDaemon(env);
    client = await RawClient.connect(env.socket);
    await client.attach({ cols: 160, rows: 40 });
    const paneId = client.activeTab().focusedPaneId;
    const text = await waitFor('a TLS error', async () => {
      const t = shown(await view(client!, paneId));
      return /TLS error/.test(t) ? t : null;
    }, 30_000, 100);
    expect(text).toContain(`TLS error talking to ${a.url}`);
    expect(a.journalEntries()).toEqual([]);
  }, 60_000);

  it('a redirect to another host is not followed (the token stays with the server it was given for); the pane names the answer', async () => {
    const elsewhere = await startHostileApiServer();
    api = await startHostileApiServer();
    api.route(PODS, (_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}${PODS}` });
      res.end();
    });
    try {
      const { c, paneId } = await boot(api);
      const text = await waitFor('the redirect named', async () => {
        const t = shown(await view(c, paneId));
        return /HTTP 302/.test(t) ? t : null;
      }, 30_000, 100);
      expect(text).toContain('GET /api/v1/namespaces/default/pods: HTTP 302');
      expect(elsewhere.journal).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  }, 60_000);
});

describe('a watch ERROR event with a message of megabytes', () => {
  it("the pane's footer and the status bar say the start of it, cut, not the megabytes", async () => {
    api = await startHostileApiServer();
    api.route(PODS, (_req, res, q) => {
      if (!q.get('watch')) return json(res, 200, podList([pod('web-1')]));
      // Every watch fails so: the list is fetched again each time, with a growing backoff.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, reason: 'InternalError', message: `etcd is sad ${'z'.repeat(4 * 1024 * 1024)}` } })}\n`);
    });
    const { c, paneId } = await boot(api);
    const v = await waitFor('the footer says what the watch said', async () => {
      const x = await view(c, paneId);
      return /the watch failed: etcd is sad z/.test(x.footer ?? '') ? x : null;
    }, 60_000, 50);
    expect(v.footer).toMatch(/more characters/);
    expect(v.footer!.length).toBeLessThan(4000);
    const l = await c.waitLayout('the status bar says what the watch said', (x) => /the watch failed: etcd is sad z/.test(x.status.cluster), 30_000);
    expect(l.status.cluster.length).toBeLessThan(4000);
  }, 90_000);
});
