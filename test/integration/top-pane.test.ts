import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { pressKeys } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { readyNode } from '../helpers/kube-objects.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * `:top` (`kubectl top`, live): the namespace's running pods by usage from kube-sim's metrics.k8s.io,
 * the busiest first, with their share of requests and limits; read again every few seconds (a
 * changed usage moves the row); the rows are the pods (`y` opens the selected one's YAML);
 * `:top-nodes` shows the nodes against their allocatable; a cluster that does not serve the
 * metrics API is said so.
 */

let t: SimDaemonWithClient;
let c: RawClient;
const MI = 1024 * 1024;

const pod = (name: string, resources?: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ...(resources ? { resources } : {}) }] },
  status: { phase: 'Running' },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 40 },
    beforeDaemon: (sim) => {
      sim.configure({ metricsServer: true });
      const n = readyNode('node-1');
      sim.createObject({ ...n, status: { ...(n.status as object), allocatable: { cpu: '2', memory: '4Gi', pods: '110' } } });
      sim.createObject(pod('api-1', { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } }));
      sim.createObject(pod('batch-1'));
      sim.createObject({ ...pod('queued-1'), spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] }, status: { phase: 'Pending' } });
      sim.setUsage('default', 'api-1', 'main', { cpuMillis: 250, memoryBytes: 128 * MI });
      sim.setUsage('default', 'batch-1', 'main', { cpuMillis: 900, memoryBytes: 64 * MI });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const table = async (paneId: number): Promise<TableView | null> => {
  const v = (await c.request<{ view: TableView | { type: string } }>('pane/snapshot', { paneId, rows: 20, cols: 200 })).view;
  return v.type === 'table' ? (v as TableView) : null;
};
const cellsOf = (v: TableView) => v.rows.map((r) => v.columns.map((col) => r.cells[col.id]).join(' '));

async function open(key: string): Promise<number> {
  const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key }, newTab: true });
  await c.request('kube/use', { tabId: r.tabId, namespace: 'default' });
  await c.request('pane/focus', { paneId: r.paneId });
  return r.paneId;
}

describe(':top', () => {
  it("the namespace's running pods, busiest first, against their requests and limits; read again as usage changes", async () => {
    const paneId = await open('top');
    const v = await waitFor('usage', async () => {
      const x = await table(paneId);
      return x && x.rows.length === 2 ? x : null;
    });
    expect(v.title).toBe('Top: Pods (default)');
    expect(v.columns.map((col) => col.title)).toEqual(['NAME', 'CPU', '%CPU/R', '%CPU/L', 'MEM', '%MEM/R', '%MEM/L']);
    expect(cellsOf(v)).toEqual(['batch-1 900m n/a n/a 64Mi n/a n/a', 'api-1 250m 50% 25% 128Mi 50% 25%']);
    expect(v.footer).toMatch(/usage at \d\d:\d\d:\d\d UTC, read every 5 s/);
    // The api pod gets busy: the next read puts it first.
    t.sim.setUsage('default', 'api-1', 'main', { cpuMillis: 1500, memoryBytes: 128 * MI });
    await waitFor('api-1 first', async () => ((await table(paneId))?.rows[0]?.cells.name === 'api-1' ? true : null), 20_000);
    // Sorted by MEM (shift+s reverses; o cycles on to the next column).
    await c.request('pane/command', { paneId, command: { type: 'sort_by_column', column: 4 } });
    await waitFor('by memory', async () => ((await table(paneId))?.rows.map((r) => r.cells.name).join() === 'api-1,batch-1' ? true : null));
    await pressKeys(c, 'shift+s');
    await waitFor('by memory, least first', async () => ((await table(paneId))?.rows.map((r) => r.cells.name).join() === 'batch-1,api-1' ? true : null));
  }, 60_000);

  it('the rows are the pods: y opens the selected one; / filters', async () => {
    const paneId = await open('top');
    await waitFor('usage', async () => ((await table(paneId))?.rows.length === 2 ? true : null));
    await c.request('pane/command', { paneId, command: { type: 'filter', query: 'batch' } });
    await waitFor('filtered', async () => ((await table(paneId))?.rows.map((r) => r.cells.name).join() === 'batch-1' ? true : null));
    // esc clears the filter (k9s); / again narrows.
    await pressKeys(c, 'esc');
    await waitFor('unfiltered', async () => ((await table(paneId))?.rows.length === 2 ? true : null));
    await c.request('pane/command', { paneId, command: { type: 'filter', query: 'batch' } });
    await waitFor('filtered again', async () => ((await table(paneId))?.rows.map((r) => r.cells.name).join() === 'batch-1' ? true : null));
    await pressKeys(c, 'y');
    await waitFor('the YAML pane', () => [...c.views.values()].find((x) => x.view.type === 'lines' && x.view.title === 'YAML: Pod default/batch-1') ?? null);
  });

  it('top-nodes: each node against its allocatable', async () => {
    const paneId = await open('top-nodes');
    const v = await waitFor('node usage against its allocatable', async () => {
      const x = await table(paneId);
      return x && x.rows.length === 1 && x.rows[0]!.cells['cpu-a'] !== 'n/a' ? x : null;
    });
    expect(v.title).toBe('Top: Nodes');
    expect(v.columns.map((col) => col.title)).toEqual(['NAME', 'CPU', '%CPU', 'MEM', '%MEM']);
    // The node's pods plus its own (kube-sim: 120m, 900Mi).
    expect(v.rows[0]!.cells).toMatchObject({ name: 'node-1', cpu: expect.stringMatching(/^\d+m$/), 'cpu-a': expect.stringMatching(/^\d+%$/), mem: expect.stringMatching(/^\d+Mi$/) });
  });

  it('a cluster without metrics-server, or RBAC that forbids reading it, is said so', async () => {
    const message = async (paneId: number) =>
      waitFor('the message', async () => {
        const x = (await c.request<{ view: { type: string; text?: string } }>('pane/snapshot', { paneId, rows: 20, cols: 200 })).view;
        return x.type === 'message' && x.text !== 'Reading usage from metrics-server…' ? x.text : null;
      });
    t.sim.configure({ metricsServer: false });
    try {
      expect(await message(await open('top'))).toBe('this cluster does not serve the metrics API (metrics.k8s.io): install metrics-server to see usage');
    } finally {
      t.sim.configure({ metricsServer: true });
    }
    t.sim.forbid('pods', ['list']);
    try {
      expect(await message(await open('top'))).toMatch(/forbidden/);
    } finally {
      t.sim.allow('pods');
    }
  });
});
