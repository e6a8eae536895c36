import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { runningPod } from '../helpers/kube-objects.js';
import { openListIn, pressKeys } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's CPU and MEM columns in a pods list, from kube-sim's metrics.k8s.io: after RESTARTS, a pod
 * metrics-server does not report (pending) blank, wide adds the shares of requests and limits,
 * sorting by CPU follows the usage as it is read again; a cluster without metrics-server, a list
 * of more than 5,000 pods or configured columns show none — and a big list never asks for usage.
 */

let t: SimDaemonWithClient;
let c: RawClient;
const MI = 1024 * 1024;

const pod = (name: string, ns: string, resources?: Record<string, unknown>) => runningPod(name, ns, { node: 'node-1', ...(resources ? { resources } : {}) });

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 40 },
    beforeDaemon: async (sim) => {
      sim.configure({ metricsServer: true });
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'big' } });
      sim.createObject(pod('api-1', 'default', { requests: { cpu: '500m', memory: '256Mi' }, limits: { memory: '512Mi' } }));
      sim.createObject(pod('batch-1', 'default'));
      sim.createObject({ ...pod('queued-1', 'default'), spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] }, status: { phase: 'Pending' } });
      sim.setUsage('default', 'api-1', 'main', { cpuMillis: 250, memoryBytes: 128 * MI });
      sim.setUsage('default', 'batch-1', 'main', { cpuMillis: 900, memoryBytes: 64 * MI });
      await sim.addPods(5_001, 'big');
    },
  });
  c = t.client;
}, 180_000);
afterAll(async () => t?.stop());

const table = async (paneId: number): Promise<TableView> => (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 200 })).view;
const rowsOf = (v: TableView) => v.rows.map((r) => v.columns.map((col) => r.cells[col.id]).join(' '));

describe('usage columns', () => {
  it('CPU and MEM after RESTARTS; pending pods blank; wide adds the shares; sorted by CPU as it is read again', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    const v = await waitFor('the usage columns', async () => {
      const x = await table(pods);
      return x.columns.some((col) => col.id === 'cpu') ? x : null;
    }, 30_000);
    expect(v.columns.map((col) => col.title)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'CPU', 'MEM', 'AGE']);
    expect(rowsOf(v).map((r) => r.replace(/ \S+$/, ''))).toEqual(['api-1 0/1 Running 0 250m 128Mi', 'batch-1 0/1 Running 0 900m 64Mi', 'queued-1 0/1 Pending 0  ']);
    await pressKeys(c, 'shift+w');
    const wide = await waitFor('the wide columns', async () => {
      const x = await table(pods);
      return x.columns.some((col) => col.id === 'mem-l') ? x : null;
    });
    expect(wide.columns.map((col) => col.title).slice(4, 10)).toEqual(['CPU', 'MEM', '%CPU/R', '%CPU/L', '%MEM/R', '%MEM/L']);
    expect(wide.rows.find((r) => r.cells.name === 'api-1')!.cells).toMatchObject({ 'cpu-r': '50%', 'cpu-l': 'n/a', 'mem-r': '50%', 'mem-l': '25%' });
    await pressKeys(c, 'shift+w');
    // Sorted by CPU, busiest first; the api pod gets busy: the next read moves it up.
    const cpuAt = (await table(pods)).columns.findIndex((col) => col.id === 'cpu');
    await c.request('pane/command', { paneId: pods, command: { type: 'sort_by_column', column: cpuAt } });
    await c.request('pane/command', { paneId: pods, command: { type: 'toggle_sort_order' } });
    await waitFor('batch-1 first', async () => ((await table(pods)).rows.map((r) => r.cells.name).join() === 'batch-1,api-1,queued-1' ? true : null));
    t.sim.setUsage('default', 'api-1', 'main', { cpuMillis: 1500, memoryBytes: 128 * MI });
    await waitFor('api-1 first after the next read', async () => ((await table(pods)).rows.map((r) => r.cells.name).join() === 'api-1,batch-1,queued-1' ? true : null), 40_000);
    expect((await table(pods)).rows[0]!.cells.cpu).toBe('1500m');
  }, 90_000);

  it('more than 5,000 pods: no usage columns, and usage is never asked for', async () => {
    const before = t.sim.journalEntries().at(-1)?.seq ?? 0;
    const big = await openListIn(c, 'pods', 'big');
    await waitFor('the big list loaded', async () => ((await table(big)).total === 5_001 ? true : null), 60_000);
    // A few frames after it loaded.
    for (let i = 0; i < 3; i++) await table(big);
    expect((await table(big)).columns.map((col) => col.id)).toEqual(['name', 'ready', 'status', 'restarts', 'age']);
    expect(t.sim.journalEntries({ sinceSeq: before }).filter((e) => e.path.includes('metrics.k8s.io') && e.path.includes('/big/'))).toEqual([]);
  }, 90_000);

  it('a cluster without metrics-server shows no usage columns', async () => {
    t.sim.configure({ metricsServer: false });
    try {
      // The next read finds no metrics API: the columns go.
      const pods = await openListIn(c, 'pods', 'default');
      await waitFor('no usage columns', async () => ((await table(pods)).columns.map((col) => col.id).join() === 'name,ready,status,restarts,age' ? true : null), 40_000);
      expect((await table(pods)).rows.length).toBe(3);
    } finally {
      t.sim.configure({ metricsServer: true });
    }
  }, 60_000);
});
