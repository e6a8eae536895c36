import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * Every kind shows kubectl's columns, live, through a real daemon on kube-sim: a CRD's additionalPrinterColumns
 * (cells following the watch), the events view, NAMESPACE first with all namespaces, wide columns on a key, and
 * the server's Table for a kind we have no printer for.
 */

let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let c: RawClient;

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wg'] },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1 },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      },
    ],
  },
};

const widget = (name: string, size: number, phase: string) => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name, namespace: 'cols' },
  spec: { size, color: 'blue' },
  status: { phase },
});

async function snap(paneId: number, cols = 160): Promise<TableView> {
  return (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols })).view;
}

async function waitView(paneId: number, label: string, pred: (v: TableView) => boolean): Promise<TableView> {
  let last: TableView | null = null;
  try {
    return await waitFor(label, async () => {
      last = await snap(paneId);
      return last.type === 'table' && pred(last) ? last : null;
    });
  } catch (err) {
    const l = last as TableView | null;
    throw new Error(`${String(err)}; last view: ${JSON.stringify(l && (l.type === 'table' ? { columns: l.columns.map((x) => x.title), rows: l.rows.map((r) => r.cells), footer: l.footer, empty: l.empty } : l))}`);
  }
}

const titles = (v: TableView): string[] => v.columns.map((x) => x.title);

/** A list in a new tab whose namespace is `cols`. */
async function openList(args: Record<string, unknown>): Promise<number> {
  const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args }, newTab: true });
  await c.request('kube/use', { tabId, namespace: 'cols' });
  return paneId;
}

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: (s) => {
      s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cols' } });
      s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
      s.createObject(CRD);
    },
    client: { cols: 160, rows: 40 },
  });
  ({ sim, client: c } = stack);
  const { tabId } = await c.request<{ tabId: number }>('pane/open', { view: { key: 'empty' }, newTab: true });
  await c.request('kube/use', { tabId, namespace: 'cols' });
});
afterAll(() => stack?.stop());

describe('custom resources', () => {
  it("show their CRD's additionalPrinterColumns, typed, wide ones on shift+w, and follow the watch", async () => {
    sim.createObject(widget('small', 2, 'Ready'));
    sim.createObject(widget('large', 10, 'Pending'));
    const paneId = await openList({ kind: 'widgets', group: 'example.com', version: 'v1', namespaced: true, kindName: 'Widget' });
    const v = await waitView(paneId, 'printer columns', (x) => titles(x).join() === 'NAME,SIZE,PHASE,AGE' && x.rows.length === 2);
    expect(v.rows.map((r) => [r.cells.name, r.cells.size, r.cells.phase])).toEqual([
      ['large', '10', 'Pending'],
      ['small', '2', 'Ready'],
    ]);
    // A change arrives through the watch and the cell follows (computed from the object, not a stale table).
    const cur = sim.getObject('example.com/v1', 'Widget', 'small', 'cols')!;
    sim.updateObject({ ...cur, status: { phase: 'Degraded' } });
    await waitView(paneId, 'the phase follows the watch', (x) => x.rows.some((r) => r.cells.name === 'small' && r.cells.phase === 'Degraded'));
    // SIZE sorts as a number: 2 before 10 (text would put "10" first).
    await c.request('pane/command', { paneId, command: { type: 'sort_by_column', column: 1 } });
    await waitView(paneId, 'sorted by size', (x) => x.rows.map((r) => r.cells.name).join() === 'small,large');
    // Wide: the priority-1 column appears.
    await c.request('pane/focus', { paneId });
    await c.request('client/key', { key: 'shift+w' });
    const wide = await waitView(paneId, 'wide columns', (x) => titles(x).includes('COLOR'));
    expect(titles(wide)).toEqual(['NAME', 'SIZE', 'PHASE', 'AGE', 'COLOR']);
    expect(wide.rows[0]!.cells.color).toBe('blue');
  });

  it('`:` finds the CRD by its short name and opens it with its columns', async () => {
    sim.createObject(widget('third', 3, 'Ready'));
    const paneId = await openList({ kind: 'pods' });
    await c.request('pane/focus', { paneId });
    await c.request('client/key', { key: ':' });
    // (The unfiltered switcher shows its first rows only: the custom kind is found by typing.)
    await c.waitLayout('switcher', (l) => l.overlay?.type === 'selector');
    for (const ch of 'wg') await c.request('client/key', { key: ch });
    const l = await c.waitLayout('wg selects widgets', (x) => x.overlay?.type === 'selector' && x.overlay.items[x.overlay.selected]?.startsWith('widgets (wg') === true);
    expect(l.overlay).toMatchObject({ type: 'selector' });
    await c.request('client/key', { key: 'enter' });
    // The view is replaced by a new pane in the same place: the one this client now has focused.
    const after = await c.waitLayout('focus on the widgets pane', (x) => {
      const tab = x.tabs.find((t) => t.id === x.activeTabId);
      return tab !== undefined && tab.focusedPaneId !== paneId && (x.paneTitles[String(tab.focusedPaneId)] ?? '').startsWith('Widgets');
    });
    const widgets = after.tabs.find((t) => t.id === after.activeTabId)!.focusedPaneId;
    await waitView(widgets, `widgets with printer columns in ${after.paneTitles[String(widgets)]}`, (x) => titles(x).join() === 'NAME,SIZE,PHASE,AGE' && x.rows.length === 3);
  });
});

describe('the events view', () => {
  it('reads like kubectl get events with COUNT, newest first, Warning rows highlighted', async () => {
    const now = Date.now();
    const ev = (name: string, type: string, reason: string, ageMs: number, count: number) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'cols' },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'cols' },
      reason,
      message: `${reason} happened`,
      type,
      count,
      firstTimestamp: new Date(now - 3_600_000).toISOString(),
      lastTimestamp: new Date(now - ageMs).toISOString(),
      source: { component: 'kubelet' },
    });
    sim.createObject(ev('old.1', 'Normal', 'Pulled', 600_000, 1));
    sim.createObject(ev('new.1', 'Warning', 'BackOff', 5_000, 7));
    const paneId = await openList({ kind: 'ev' });
    const v = await waitView(paneId, 'events', (x) => x.rows.length === 2);
    expect(titles(v)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'COUNT', 'MESSAGE']);
    expect(v.rows.map((r) => [r.cells.type, r.cells.reason, r.cells.object, r.cells.count, r.cells.message])).toEqual([
      ['Warning', 'BackOff', 'pod/web-1', '7', 'BackOff happened'],
      ['Normal', 'Pulled', 'pod/web-1', '1', 'Pulled happened'],
    ]);
    expect(v.sort).toEqual({ column: 'last-seen', order: 'asc' });
    expect(v.rows[0]!.styles).toMatchObject({ type: 'warn', reason: 'warn', message: 'warn' });
    expect(v.rows[1]!.styles ?? {}).not.toHaveProperty('reason');
  });
});

describe('lists', () => {
  it('put NAMESPACE first with all namespaces on (a), and NODE and IP on pods are wide columns (shift+w)', async () => {
    for (const [ns, name] of [['cols', 'p-1'], ['other', 'p-2']] as const) {
      sim.createObject({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: ns },
        spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'nginx:1.27' }] },
        status: { phase: 'Running', podIP: '10.244.0.9', podIPs: [{ ip: '10.244.0.9' }] },
      });
    }
    const paneId = await openList({ kind: 'po' });
    const v = await waitView(paneId, 'pods', (x) => x.rows.length === 1);
    expect(titles(v)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    await c.request('pane/focus', { paneId });
    await c.request('client/key', { key: 'a' });
    const all = await waitView(paneId, 'all namespaces', (x) => x.rows.length === 2);
    expect(titles(all)[0]).toBe('NAMESPACE');
    await c.request('client/key', { key: 'shift+w' });
    const wide = await waitView(paneId, 'wide pods', (x) => titles(x).includes('NODE'));
    expect(titles(wide)).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(wide.rows[0]!.cells).toMatchObject({ ip: '10.244.0.9', node: 'node-1' });
    await c.request('client/key', { key: 'shift+w' });
    await waitView(paneId, 'narrow again', (x) => !titles(x).includes('NODE'));
  });

  it("a kind without a printer of ours shows the server's Table columns, following changes", async () => {
    sim.createObject({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } });
    const paneId = await openList({ kind: 'ingressclasses', group: 'networking.k8s.io', version: 'v1', namespaced: false, kindName: 'IngressClass' });
    const v = await waitView(paneId, 'server table columns', (x) => titles(x).includes('CONTROLLER') && x.rows.length === 1);
    expect(titles(v)).toEqual(['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE']);
    expect(v.rows[0]!.cells.controller).toBe('k8s.io/ingress-nginx');
    const cur = sim.getObject('networking.k8s.io/v1', 'IngressClass', 'nginx', '')!;
    sim.updateObject({ ...cur, spec: { controller: 'example.com/other' } });
    await waitView(paneId, 'CONTROLLER follows the watch', (x) => x.rows[0]?.cells.controller === 'example.com/other');
  });
});
