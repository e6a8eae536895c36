// The derived views (xray, pulse, :top, the events list) against a hostile or unlucky cluster (an
// audit): objects and metrics no real cluster would send, seeded into kube-sim (it stores what it is
// given) or served by a raw HTTP server. Each view must show what is true, stay bounded, and leave
// the daemon answering.
import { afterEach, describe, expect, it } from 'vitest';
import type { LinesView, TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { json, pod, podList, type HostileApiServer } from '../helpers/hostile-api-server.js';
import { useHostileDaemon, type HostileDaemon } from '../helpers/hostile-daemon.js';

let stack: SimDaemonWithClient | undefined;
const boot = useHostileDaemon();
let hostile: HostileDaemon | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
  hostile = undefined;
});

const NS = 'default';

/** A watch accepted and held open, sending nothing. */
function hold(res: import('node:http').ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
}

/** A daemon on a raw HTTP "API server" set up by `routes`, with an attached client. */
async function bootHostile(routes: (server: HostileApiServer) => void): Promise<void> {
  hostile = await boot(routes);
}

async function openIn(c: RawClient, key: string, args: Record<string, unknown>): Promise<number> {
  const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key, args }, newTab: true });
  await c.request('kube/use', { tabId: r.tabId, namespace: NS });
  return r.paneId;
}

const snapshot = async <V>(c: RawClient, paneId: number): Promise<V> => (await c.request<{ view: V }>('pane/snapshot', { paneId, rows: 30, cols: 200 })).view;

describe('an Event whose message is a long run of spaces', () => {
  it('is listed (its message on one line) instead of holding the daemon for minutes', async () => {
    // `/\s*[\r\n]+\s*/` backtracked over each run of spaces without a line break: 1 MB of spaces is
    // ~10 minutes of the daemon's only thread (40,000 spaces already took a second).
    const message = `before${' '.repeat(1_000_000)}after\n\n  next line`;
    stack = await startSimDaemon({
      beforeDaemon: (s) => {
        s.createObject({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'spaces.1', namespace: NS }, type: 'Warning', reason: 'Spaces', message, involvedObject: { kind: 'Pod', name: 'web-1', namespace: NS }, count: 1 });
      },
      client: { cols: 200, rows: 40 },
    });
    const c = stack.client;
    const paneId = await openIn(c, 'resource-list', { kind: 'events' });
    const v = await waitFor('the event listed', async () => {
      const t = await snapshot<TableView>(c, paneId);
      return t.type === 'table' && t.rows.some((r) => r.cells.reason === 'Spaces') ? t : null;
    }, 60_000);
    const msg = v.rows.find((r) => r.cells.reason === 'Spaces')!.cells.message ?? '';
    expect(msg.startsWith('before   ')).toBe(true);
    expect(msg.includes('\n')).toBe(false);
    expect(msg.length).toBeLessThanOrEqual(1025);
    // The daemon still answers.
    await c.request('daemon/status', {});
  }, 120_000);
});

describe('xray of a pod with 200,000 containers', () => {
  it('draws the pod and its first containers, and says how many lines were not drawn', async () => {
    // Each container's status was found by a search of all statuses: 200,000² / 2 comparisons on
    // every frame (over a minute each).
    const N = 200_000;
    const containers = Array.from({ length: N }, (_, i) => ({ name: `c${i}`, image: 'i' }));
    const statuses = Array.from({ length: N }, (_, i) => ({ name: `c${i}`, ready: true, restartCount: 0, state: { running: {} } }));
    stack = await startSimDaemon({
      beforeDaemon: (s) => {
        s.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fat', namespace: NS }, spec: { nodeName: 'n1', containers }, status: { phase: 'Running', containerStatuses: statuses } });
      },
      client: { cols: 200, rows: 40 },
    });
    const c = stack.client;
    const paneId = await openIn(c, 'xray', { kind: 'pods', name: 'fat' });
    let last: string[] = [];
    await waitFor('the tree drawn', async () => {
      const v = await snapshot<LinesView>(c, paneId);
      last = v.type === 'lines' ? v.lines.map((l) => l.text) : [];
      return last[0]?.startsWith('Pod fat  Running') && v.total > 4000;
    }, 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; tree: ${JSON.stringify(last.slice(0, 3))}`);
    });
    expect(last[1]).toBe('├─ Container c0  running i');
    const end = await snapshot<LinesView>(c, paneId);
    expect(end.total).toBe(5001);
    await c.request('pane/command', { paneId, command: { type: 'filter', query: 'more lines' } });
    const cut = await snapshot<LinesView>(c, paneId);
    expect(cut.lines.map((l) => l.text)).toEqual([`… ${(N + 1 - 5000).toLocaleString('en')} more lines not drawn`]);
  }, 180_000);
});

describe('pulse with pods whose names are megabytes long', () => {
  it('names them cut, not whole in every frame', async () => {
    // kube-sim refuses such names; a raw server sends them (a proxy, a broken aggregated API).
    const failed = (name: string) => ({ ...pod(name, `uid-${name.slice(0, 8)}-${name.length}`), status: { phase: 'Failed' } });
    const names = [0, 1, 2].map((i) => `${String(i)}${'x'.repeat(1_000_000)}`);
    await bootHostile((server) =>
      server.route(`/api/v1/namespaces/${NS}/pods`, (_req, res, q) => {
        if (q.get('watch')) return hold(res);
        json(res, 200, podList(names.map(failed)));
      }),
    );
    const c = hostile!.client;
    const paneId = await openIn(c, 'pulse', {});
    const row = await waitFor('the pods counted', async () => {
      const t = await snapshot<TableView>(c, paneId);
      return t.type === 'table' ? t.rows.find((r) => r.id === 'pods' && r.cells.total === '3') : undefined;
    }, 60_000);
    expect(row.cells.failed).toBe('3');
    const attention = row.cells.attention ?? '';
    expect(attention.slice(0, 4)).toBe('0xxx');
    expect(attention.length <= 1025 ? 'cut' : `${attention.length} characters`).toBe('cut');
  }, 120_000);
});

describe(':top against a metrics API that names pods no cluster can have', () => {
  it('shows the real pod and drops an item named with a megabyte', async () => {
    const item = (name: string) => ({ metadata: { name, namespace: NS }, timestamp: '2026-01-01T00:00:00Z', window: '15s', containers: [{ name: 'c', usage: { cpu: '5m', memory: '10Mi' } }] });
    await bootHostile((server) => {
      server.route(`/api/v1/namespaces/${NS}/pods`, (_req, res, q) => {
        if (q.get('watch')) return hold(res);
        json(res, 200, podList([pod('web-1')]));
      });
      server.route(`/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods`, (_req, res) => json(res, 200, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [item('web-1'), item('y'.repeat(1_000_000))] }));
    });
    const c = hostile!.client;
    const paneId = await openIn(c, 'top', { kind: 'pods' });
    const v = await waitFor('usage read', async () => {
      const t = await snapshot<TableView>(c, paneId);
      return t.type === 'table' && t.rows.length > 0 ? t : null;
    }, 60_000);
    expect(v.rows.map((r) => (r.cells.name ?? '').slice(0, 40))).toEqual(['web-1']);
    expect(v.rows[0]!.cells.cpu).toBe('5m');
  }, 120_000);
});

describe('a metrics API that never finishes answering, while a script switches namespaces', () => {
  const NAMESPACES = ['default', 'other'];

  /** Two namespaces with a pod each; metrics answered a space a second, never finished. Returns the reads open now. */
  async function trickling(): Promise<Set<import('node:http').ServerResponse>> {
    const open = new Set<import('node:http').ServerResponse>();
    await bootHostile((server) => {
      server.route('/api/v1/namespaces', (_req, res, q) => {
        if (q.get('watch')) return hold(res);
        json(res, 200, { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: NAMESPACES.map((n) => ({ metadata: { name: n, uid: `ns-${n}`, resourceVersion: '1' } })) });
      });
      for (const ns of NAMESPACES) {
        server.route(`/api/v1/namespaces/${ns}/pods`, (_req, res, q) => {
          if (q.get('watch')) return hold(res);
          json(res, 200, podList([pod(`web-${ns}`, `uid-${ns}`, '10', ns)]));
        });
        // No silence ends such a read: only the daemon (or the read's 60 s deadline).
        server.route(`/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods`, (_req, res) => {
          open.add(res);
          res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
          res.write(' ');
          const tick = setInterval(() => res.write(' '), 1_000);
          res.on('close', () => {
            clearInterval(tick);
            open.delete(res);
          });
        });
      }
    });
    return open;
  }

  const metricsReads = (): number => hostile!.api.journal.filter((x) => x.path.startsWith('/apis/metrics.k8s.io/')).length;

  async function switchAround(key: string, args: Record<string, unknown>, open: Set<unknown>): Promise<void> {
    const c = hostile!.client;
    const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key, args }, newTab: true });
    for (let i = 0; i < 12; i++) {
      const before = metricsReads();
      await c.request('kube/use', { tabId: r.tabId, namespace: NAMESPACES[(i + 1) % 2] });
      await waitFor(`the read after switch ${i}`, () => metricsReads() > before, 30_000);
    }
    // The last read is wanted; the others were ended when the view left their namespace.
    await waitFor('the reads no longer wanted ended', () => open.size <= 1, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)} (${open.size} open)`);
    });
  }

  it(':top ends each read no longer wanted instead of leaving them all open for a minute', async () => {
    const open = await trickling();
    await switchAround('top', { kind: 'pods' }, open);
  }, 120_000);

  it("a pods list's usage columns end each read no longer wanted", async () => {
    const open = await trickling();
    await switchAround('resource-list', { kind: 'pods' }, open);
  }, 120_000);
});
