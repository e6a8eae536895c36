// A CRD's additionalPrinterColumns on a real kube-apiserver v1.20.2: the daemon's list of the custom resource, opened
// with `:` and its short name, has the columns `kubectl get` prints (and `-o wide`'s with shift+w), the cells kubectl
// prints, sorted by type, following a change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { ensureRealClusterBinaries, realClusterMode, realClusterSkipReason, startRealCluster, waitFor, type RealCluster } from './harness.js';

const kubectlMissing = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
})();
const skipReason = realClusterSkipReason() ?? (kubectlMissing ? 'kubectl is not installed (Debian: kubernetes-client)' : undefined);
if (skipReason) console.warn(`[real-k8s] CRD columns tests skipped: ${skipReason}`);
const T = 180_000;

let cluster: RealCluster;
let env: TestEnv;
let daemon: DaemonProcess;
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
  metadata: { name, namespace: 'default' },
  spec: { size, color: `${name}-color` },
  status: { phase },
});

function kubectl(args: string[], input?: unknown): string {
  return execFileSync('kubectl', ['--kubeconfig', cluster.kubeconfigPath, ...args], { encoding: 'utf8', input: input === undefined ? undefined : JSON.stringify(input), timeout: 60_000 });
}

/** kubectl's header and rows, split on its column gaps. */
function kubectlTable(args: string[]): { header: string[]; rows: string[][] } {
  const lines = kubectl(args).trimEnd().split('\n');
  const split = (l: string) => l.trim().split(/\s{2,}/);
  return { header: split(lines[0]!), rows: lines.slice(1).map(split) };
}

async function table(paneId: number): Promise<TableView> {
  return (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 200 })).view;
}
const titles = (v: TableView) => v.columns.map((x) => x.title);
const tabOf = (l: SessionLayout) => l.tabs.find((t) => t.id === l.activeTabId)!;

describe.skipIf(!!skipReason)('CRD columns on a real control plane', () => {
  beforeAll(async () => {
    if (realClusterMode() === 'build') await ensureRealClusterBinaries();
    cluster = await startRealCluster();
    kubectl(['apply', '-f', '-'], CRD);
    kubectl(['wait', '--for=condition=established', '--timeout=60s', 'crd/widgets.example.com']);
    // Discovery of the new group can lag the condition by a moment.
    await waitFor('widgets served', async () => {
      try {
        kubectl(['get', 'wg']);
        return true;
      } catch {
        return false;
      }
    }, { timeoutMs: 60_000 });
    kubectl(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'List', items: [widget('small', 2, 'Ready'), widget('large', 10, 'Pending')] });
    env = makeTestEnv();
    env.env.KUBECONFIG = cluster.kubeconfigPath;
    daemon = await startDaemon(env);
    c = await RawClient.connect(env.socket);
    await c.attach({ cols: 200, rows: 40 });
  }, 20 * 60_000);
  afterAll(async () => {
    c?.close();
    await daemon?.stop();
    env?.cleanup();
    await cluster?.stop();
  }, T);

  it(':wg opens the widgets with the columns and cells kubectl get prints, wide ones on shift+w, typed sort, live', async () => {
    const { paneId: first, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await c.request('kube/use', { tabId, namespace: 'default' });
    await c.request('pane/focus', { paneId: first });
    await c.request('client/key', { key: ':' });
    // The daemon reads discovery (every group of a real server) when `:` opens: allow it time on a loaded machine.
    await waitFor('switcher with the discovered kinds', () => {
      const o = c.layout?.overlay;
      return o?.type === 'selector' && o.total > 20;
    }, { timeoutMs: 60_000 });
    for (const ch of 'wg') await c.request('client/key', { key: ch });
    await waitFor('wg selects widgets', () => {
      const o = c.layout?.overlay;
      return o?.type === 'selector' && o.query === 'wg' && o.items[o.selected]?.startsWith('widgets (wg') === true;
    }, { timeoutMs: 30_000 });
    await c.request('client/key', { key: 'enter' });
    const l = await c.waitLayout('widgets pane', (x) => (x.paneTitles[String(tabOf(x).focusedPaneId)] ?? '').startsWith('Widgets'));
    const paneId = tabOf(l).focusedPaneId;

    const k = kubectlTable(['get', 'wg', '-n', 'default']);
    expect(k.header).toEqual(['NAME', 'SIZE', 'PHASE', 'AGE']);
    let v = await waitFor('printer columns and both widgets', async () => {
      const x = await table(paneId);
      return x.type === 'table' && titles(x).join() === k.header.join() && x.rows.length === 2 ? x : null;
    }, { timeoutMs: 60_000 });
    // Same cells as kubectl (AGE aside: it ticks), in kubectl's order (by name).
    expect(v.rows.map((r) => [r.cells.name, r.cells.size, r.cells.phase])).toEqual(k.rows.map((r) => r.slice(0, 3)));

    // SIZE sorts as a number (2 before 10).
    await c.request('pane/command', { paneId, command: { type: 'sort_by_column', column: 1 } });
    await waitFor('sorted by size', async () => (await table(paneId)).rows.map((r) => r.cells.name).join() === 'small,large', { timeoutMs: 30_000 });

    // -o wide: the priority-1 column.
    const wide = kubectlTable(['get', 'wg', '-n', 'default', '-o', 'wide']);
    await c.request('client/key', { key: 'shift+w' });
    v = await waitFor('wide columns', async () => {
      const x = await table(paneId);
      return titles(x).includes('COLOR') ? x : null;
    }, { timeoutMs: 30_000 });
    expect(new Set(titles(v))).toEqual(new Set(wide.header));
    expect(v.rows.find((r) => r.cells.name === 'small')!.cells.color).toBe('small-color');

    // A change through the API follows in the cell.
    kubectl(['patch', 'widget', 'small', '-n', 'default', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Degraded' }, spec: { size: 20 } })]);
    await waitFor('the change followed', async () => {
      const row = (await table(paneId)).rows.find((r) => r.cells.name === 'small');
      return row?.cells.phase === 'Degraded' && row.cells.size === '20';
    }, { timeoutMs: 60_000 });
    expect(kubectlTable(['get', 'wg', 'small', '-n', 'default']).rows[0]!.slice(0, 3)).toEqual(['small', '20', 'Degraded']);
  }, T);
});
