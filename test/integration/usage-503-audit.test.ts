import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * An audit: metrics-server installed but not answering for a while (restarting, rolled, evicted):
 * the aggregated metrics.k8s.io answers 503 Service Unavailable. That is not "this cluster does
 * not serve the metrics API: install metrics-server" (404), and the usage must come back soon
 * after metrics-server does — a pods list asked again only five minutes later.
 */

let t: SimDaemonWithClient;
let c: RawClient;
const MI = 1024 * 1024;
const NS = 'metrics-down';
/** The pods list's own namespace (:top's reads of NS are not its reads). */
const NS2 = 'metrics-down-2';

const pod = (name: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: { phase: 'Running' },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 40 },
    beforeDaemon: (sim) => {
      sim.configure({ metricsServer: true });
      for (const ns of [NS, NS2]) {
        sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
        sim.createObject(pod('api-1', ns));
        sim.setUsage(ns, 'api-1', 'main', { cpuMillis: 250, memoryBytes: 128 * MI });
      }
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const metricsPath = (ns: string): string => `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods`;
/** metrics-server down: the namespace's pod metrics answer 503 as the aggregator does. */
const metricsDown = (ns: string): void => t.sim.injectError({ path: metricsPath(ns), status: 503, count: -1, message: 'service unavailable' });
const metrics503Seen = (ns: string, since: number): boolean => t.sim.journalEntries({ sinceSeq: since }).some((e) => e.path === metricsPath(ns) && e.status === 503);
const lastSeq = (): number => t.sim.journalEntries().at(-1)?.seq ?? 0;

describe('metrics-server installed but not answering (503)', () => {
  it(':top says the metrics API is not answering (not "install metrics-server"), and shows the usage once it answers', async () => {
    const since = lastSeq();
    metricsDown(NS);
    try {
      const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'top' }, newTab: true });
      await c.request('kube/use', { tabId: r.tabId, namespace: NS });
      const msg = await waitFor('the message', async () => {
        const x = (await c.request<{ view: { type: string; level?: string; text?: string } }>('pane/snapshot', { paneId: r.paneId, rows: 20, cols: 200 })).view;
        return x.type === 'message' && x.level !== 'loading' && metrics503Seen(NS, since) ? x : null;
      }, 60_000);
      expect(msg.text).toMatch(/^the metrics API \(metrics\.k8s\.io\) is not answering \(HTTP 503: metrics-server down or restarting\?\): service unavailable/);
      expect(msg.text).not.toMatch(/install metrics-server/);
      expect(msg.level).toBe('error');
      t.sim.clearErrors();
      await waitFor('the usage once metrics-server answers', async () => {
        const x = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: r.paneId, rows: 20, cols: 200 })).view;
        return x.type === 'table' && x.rows.length === 1 && x.rows[0]!.cells.cpu === '250m' ? true : null;
      }, 60_000);
    } finally {
      t.sim.clearErrors();
    }
  }, 150_000);

  it("a pods list opened while metrics-server is down shows CPU and MEM soon after it is back (not five minutes later)", async () => {
    const since = lastSeq();
    metricsDown(NS2);
    let pods: number;
    try {
      pods = await openListIn(c, 'pods', NS2);
      await waitFor('the list asked for usage and got a 503', () => metrics503Seen(NS2, since), 60_000);
    } finally {
      t.sim.clearErrors();
    }
    // Read again after the error retry (60 s), not after the 5 minutes a cluster without metrics-server waits.
    const v = await waitFor('the usage columns', async () => {
      const x = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: pods, rows: 20, cols: 200 })).view;
      return x.type === 'table' && x.columns.some((col) => col.id === 'cpu') ? x : null;
    }, 180_000);
    expect(v.rows.find((row) => row.cells.name === 'api-1')?.cells).toMatchObject({ cpu: '250m', mem: '128Mi' });
  }, 300_000);
});
