import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { runningPod } from '../helpers/kube-objects.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A node's pods (k9s's enter on a node) show CPU and MEM read from their own namespaces' metrics,
 * not the whole cluster's: the list is ~100 pods of a node, the cluster may hold 100k, and a read
 * of every pod's usage every 15 s was tens of megabytes parsed on the daemon's thread to fill them.
 * A pod of another namespace scheduled onto the node later gets its usage too, one that comes and
 * goes does not start a read each time; a node whose pods span more than 16 namespaces reads the
 * cluster's usage at once.
 */

let t: SimDaemonWithClient;
let c: RawClient;
const MI = 1024 * 1024;
const METRICS = '/apis/metrics.k8s.io/v1beta1/';

const pod = (name: string, ns: string, node: string) => runningPod(name, ns, { node });

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 40 },
    beforeDaemon: async (sim) => {
      sim.configure({ metricsServer: true });
      for (const ns of ['shop', 'pay', 'other', 'late', 'flap', ...Array.from({ length: 17 }, (_, i) => `many-${i}`)]) sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      for (const [name, ns, node, cpu] of [
        ['cart-1', 'shop', 'node-1', 120],
        ['web-1', 'shop', 'node-1', 80],
        ['ledger-1', 'pay', 'node-1', 300],
        ['elsewhere-1', 'other', 'node-2', 50],
      ] as const) {
        sim.createObject(pod(name, ns, node));
        sim.setUsage(ns, name, 'main', { cpuMillis: cpu, memoryBytes: 64 * MI });
      }
      for (let i = 0; i < 17; i++) {
        sim.createObject(pod(`spread-${i}`, `many-${i}`, 'node-3'));
        sim.setUsage(`many-${i}`, `spread-${i}`, 'main', { cpuMillis: 10 + i, memoryBytes: 32 * MI });
      }
    },
  });
  c = t.client;
}, 180_000);
afterAll(async () => t?.stop());

const table = async (paneId: number): Promise<TableView> => (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 200 })).view;
const cpuByName = (v: TableView): Record<string, string> => Object.fromEntries(v.rows.map((r) => [r.cells.name, r.cells.cpu ?? '(none)']));
const lastSeq = (): number => t.sim.journalEntries().at(-1)?.seq ?? 0;
const metricsReads = (since: number): string[] => [...new Set(t.sim.journalEntries({ sinceSeq: since }).filter((e) => e.path.startsWith(METRICS)).map((e) => e.path))].sort();

async function nodePods(node: string): Promise<number> {
  const r = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods', node } }, newTab: true });
  await c.request('pane/focus', { paneId: r.paneId });
  return r.paneId;
}

describe("a node's pods", () => {
  it("read their namespaces' usage, not the cluster's; a pod of a new namespace on the node gets its usage too", async () => {
    const since = lastSeq();
    const pane = await nodePods('node-1');
    const v = await waitFor('CPU on every pod of node-1', async () => {
      const x = await table(pane);
      const cpu = cpuByName(x);
      return cpu['cart-1'] === '120m' && cpu['ledger-1'] === '300m' && cpu['web-1'] === '80m' ? x : null;
    }, 30_000);
    expect(v.rows.map((r) => r.cells.name)).toEqual(['ledger-1', 'cart-1', 'web-1']);
    expect(metricsReads(since)).toEqual([`${METRICS}namespaces/pay/pods`, `${METRICS}namespaces/shop/pods`]);

    // Scheduled onto the node later, in a namespace none of its pods was in.
    t.sim.createObject(pod('batch-1', 'late', 'node-1'));
    t.sim.setUsage('late', 'batch-1', 'main', { cpuMillis: 700, memoryBytes: 16 * MI });
    await waitFor('batch-1 with its CPU', async () => (cpuByName(await table(pane))['batch-1'] === '700m' ? true : null), 30_000);
    expect(metricsReads(since)).toEqual([`${METRICS}namespaces/late/pods`, `${METRICS}namespaces/pay/pods`, `${METRICS}namespaces/shop/pods`]);
  }, 90_000);

  it('a pod that comes and goes on the node (a crash-looping Job’s) does not start a read of its namespace each time', async () => {
    const pane = await nodePods('node-1');
    await waitFor('CPU on the pods of node-1', async () => (cpuByName(await table(pane))['cart-1'] === '120m' ? true : null), 30_000);
    const since = lastSeq();
    for (let i = 0; i < 6; i++) {
      t.sim.createObject(pod('flap-1', 'flap', 'node-1'));
      await waitFor(`flap-1 listed (${i})`, async () => ('flap-1' in cpuByName(await table(pane)) ? true : null), 30_000);
      t.sim.deleteObject('v1', 'Pod', 'flap-1', 'flap');
      await waitFor(`flap-1 gone (${i})`, async () => (!('flap-1' in cpuByName(await table(pane))) ? true : null), 30_000);
    }
    // One read when it first came; one more if the loop outlasted a 15 s refresh (a loaded machine).
    const reads = t.sim.journalEntries({ sinceSeq: since }).filter((e) => e.path === `${METRICS}namespaces/flap/pods`);
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads.length).toBeLessThanOrEqual(2);
  }, 120_000);

  it('spread over more than 16 namespaces, read the cluster’s usage in one request', async () => {
    const since = lastSeq();
    const pane = await nodePods('node-3');
    await waitFor('CPU on the 17 pods of node-3', async () => {
      const cpu = cpuByName(await table(pane));
      return Array.from({ length: 17 }, (_, i) => cpu[`spread-${i}`] === `${10 + i}m`).every(Boolean) ? true : null;
    }, 30_000);
    expect(metricsReads(since).filter((p) => p.includes('/namespaces/many-'))).toEqual([]);
    expect(metricsReads(since)).toContain(`${METRICS}pods`);
  }, 90_000);
});
