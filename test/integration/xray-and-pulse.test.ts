import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { paneLines } from '../helpers/pane-lines.js';

/**
 * k9s's overview panes on a real daemon and kube-sim (its controller running the workloads): `x` on a Deployment
 * draws Deployment → ReplicaSet → Pods → containers, live; `:pulse` counts the main kinds of the tab's namespace
 * with their health, live, and `enter` lists a kind.
 */

let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let c: RawClient;
const NS = 'xr';

const tabOf = (l: SessionLayout) => l.tabs.find((t) => t.id === l.activeTabId)!;

async function keys(...ks: string[]): Promise<void> {
  for (const key of ks) await c.request('client/key', { key });
}

const deployment = (name: string, replicas: number, annotations: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name }, annotations }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox:1.36', command: ['sleep', '3600'] }] } },
  },
});

const lines = (paneId: number): Promise<string[]> => paneLines(c, paneId, 160);

async function table(paneId: number): Promise<TableView | null> {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
  return v.type === 'table' ? v : null;
}

beforeAll(async () => {
  stack = await startSimDaemon({
    sim: { controller: true },
    beforeDaemon: (s) => {
      s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
      s.createObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '8', memory: '16Gi', pods: '110' } } });
    },
    client: { cols: 160, rows: 50 },
  });
  ({ sim, client: c } = stack);
});
afterAll(() => stack?.stop());

describe('xray', () => {
  it('x on a Deployment draws its ReplicaSet, pods and containers, and follows a scale-up', async () => {
    sim.createObject(deployment('web', 2));
    const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'deployments' } }, newTab: true });
    await c.request('kube/use', { tabId, namespace: NS });
    await c.request('pane/focus', { paneId });
    await waitFor('web listed', async () => (await table(paneId))?.rows.some((r) => r.cells.name === 'web'));
    await keys('x');
    const l = await c.waitLayout('xray pane', (x) => Object.values(x.paneTitles).some((t) => t.startsWith('Xray Deployment web')));
    const xray = Number(Object.entries(l.paneTitles).find(([, t]) => t.startsWith('Xray Deployment web'))![0]);
    expect(tabOf(l).id).toBe(tabId);
    let last: string[] = [];
    const podLine = /^[│ ]*[├└]─ Pod web-[a-z0-9]+-[a-z0-9]+  Running 2\/2$/;
    // The Deployment's own status (readyReplicas) follows its pods a moment later: both waited for.
    await waitFor('the tree with two running pods', async () => {
      last = await lines(xray);
      return last.filter((x) => podLine.test(x)).length === 2 && last[0] === 'Deployment web  2/2 ready' && /2\/2 ready$/.test(last[1] ?? '') ? last : null;
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; tree: ${JSON.stringify(last)}`);
    });
    expect(last[0]).toBe('Deployment web  2/2 ready');
    expect(last[1]).toMatch(/^└─ ReplicaSet web-[a-z0-9]+  2\/2 ready$/);
    expect(last.filter((x) => /─ Container web  running nginx:1\.27$/.test(x))).toHaveLength(2);
    expect(last.filter((x) => /─ Container log  running busybox:1\.36$/.test(x))).toHaveLength(2);
    expect(last).toHaveLength(1 + 1 + 2 * 3);
    // Live: a scale to 3 adds a pod to the tree.
    const d = sim.getObject('apps/v1', 'Deployment', 'web', NS)!;
    sim.updateObject({ ...d, spec: { ...(d.spec as Record<string, unknown>), replicas: 3 } });
    await waitFor('three pods in the tree', async () => {
      last = await lines(xray);
      return last.filter((x) => podLine.test(x)).length === 3 && last[0] === 'Deployment web  3/3 ready';
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; tree: ${JSON.stringify(last)}`);
    });
    // F2 there: the keys the tree takes — wrap and filter, and y and d, which act on the node under its cursor.
    await keys('f2');
    const k = await c.waitLayout('F2 keys', (x) => Object.values(x.paneTitles).some((t) => t.startsWith('Keys of Xray')));
    const keysId = Number(Object.entries(k.paneTitles).find(([, t]) => t.startsWith('Keys of Xray'))![0]);
    const f2 = (await waitFor('F2 lines', async () => ((await lines(keysId)).length > 3 ? lines(keysId) : null))).join('\n');
    expect(f2).toMatch(/Wrap/);
    expect(f2).toMatch(/Filter/);
    expect(f2).toMatch(/YAML/);
    expect(f2).toMatch(/Describe/);
    // Not the list keys it does not take: sorting and marks.
    expect(f2).not.toMatch(/Sort/);
    expect(f2).not.toMatch(/Mark/);
    await keys('f2');
    await c.waitLayout('F2 closed, the xray focused', (x) => !Object.keys(x.paneTitles).includes(String(keysId)) && tabOf(x).focusedPaneId === xray);
    // esc: a filter first, then the pane goes (as the decoded Secret and describe panes do; it stayed).
    // The filter keeps each match with its owners: the `log` containers under their pods, ReplicaSet and Deployment.
    await keys('/', 'L', 'o', 'g', 'enter');
    const filtered = await waitFor('filtered', async () => {
      const ls = await lines(xray);
      return ls.length === 1 + 1 + 3 * 2 ? ls : null;
    });
    expect(filtered[0]).toBe('Deployment web  3/3 ready');
    expect(filtered.filter((x) => /─ Container log  running busybox:1\.36$/.test(x))).toHaveLength(3);
    expect(filtered.filter((x) => /─ Container web /.test(x))).toHaveLength(0);
    await keys('esc');
    await waitFor('the filter cleared', async () => (await lines(xray)).filter((x) => /─ Container web /.test(x)).length === 3);
    await keys('esc');
    await c.waitLayout('xray closed by esc', (x) => !Object.keys(x.paneTitles).includes(String(xray)));
  });

  it('x on a kind xray does not draw says which it draws, and opens nothing; bad args are named', async () => {
    // x on a Service: a toast, no pane (one was opened, titled "Xray Deployment api", and took the focus).
    sim.createObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: NS }, spec: { ports: [{ port: 80 }] } });
    const svc = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'services' } }, newTab: true });
    await c.request('kube/use', { tabId: svc.tabId, namespace: NS });
    await c.request('pane/focus', { paneId: svc.paneId });
    await waitFor('api listed', async () => (await table(svc.paneId))?.rows.some((r) => r.cells.name === 'api'));
    const before = c.toasts().length;
    await keys('x');
    await waitFor('the toast', () => c.toasts().slice(before).find((t) => t.includes('xray shows a workload')));
    expect(c.toasts().slice(before).join('\n')).toContain('not on Services');
    expect(Object.values(c.layout!.paneTitles).some((t) => t.startsWith('Xray'))).toBe(false);
    expect(tabOf(c.layout!).focusedPaneId).toBe(svc.paneId);

    const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'xray', args: { kind: 'configmaps' } }, newTab: true });
    await c.request('kube/use', { tabId, namespace: NS });
    expect((await lines(paneId))[0]).toMatch(/xray draws Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods, not 'configmaps'/);
    expect((await c.waitLayout('its title', (l) => l.paneTitles[String(paneId)] !== undefined)).paneTitles[String(paneId)]).toBe('Xray configmaps');
    const bad = await c.request<{ paneId: number }>('pane/open', { view: { key: 'xray', args: { kind: 'deployments', name: '../etc' } }, newTab: true });
    expect((await lines(bad.paneId))[0]).toMatch(/args\.name/);
  });
});

describe('pulse', () => {
  it(':pulse counts the namespace’s kinds with their health, live; enter lists the selected kind', async () => {
    sim.createObject(deployment('crashy', 1, { 'sim.kubetile.dev/crash-after': '0.2' }));
    const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await c.request('kube/use', { tabId, namespace: NS });
    await c.request('pane/focus', { paneId });
    await keys(':');
    await c.waitLayout('switcher', (x) => x.overlay?.type === 'selector' && x.overlay.items.includes('pulse'));
    for (const ch of 'pulse') await keys(ch);
    await keys('enter');
    const l = await c.waitLayout('pulse pane', (x) => (x.paneTitles[String(tabOf(x).focusedPaneId)] ?? '') === `Pulse (${NS})`);
    const pulse = tabOf(l).focusedPaneId;
    const row = (v: TableView, kind: string) => v.rows.find((r) => r.cells.kind === kind)?.cells ?? {};
    let last: TableView | null = null;
    const want = async (label: string, pred: (v: TableView) => boolean): Promise<TableView> =>
      waitFor(label, async () => {
        last = await table(pulse);
        return last && pred(last) ? last : null;
      }).catch((err: unknown) => {
        throw new Error(`${String(err)}; pulse: ${JSON.stringify(last?.rows.map((r) => r.cells))}`);
      });
    // web (3 pods, all ready) and crashy (one pod crash-looping).
    // (The pod's crash and the deployment's status are two watch events: wait for both, under load they come apart.)
    const v = await want(
      'pods counted with a failing one, crashy needing attention',
      (x) => row(x, 'Pods').total === '4' && row(x, 'Pods').failed === '1' && row(x, 'Deployments').total === '2' && row(x, 'Deployments').attention === 'crashy',
    );
    expect(v.columns.map((x) => x.title)).toEqual(['KIND', 'TOTAL', 'OK', 'WARN', 'FAILED', 'NEEDS ATTENTION']);
    expect(row(v, 'Pods')).toMatchObject({ ok: '3', failed: '1' });
    expect(row(v, 'Pods').attention).toMatch(/^crashy-/);
    expect(row(v, 'Deployments')).toMatchObject({ ok: '1', warn: '1', attention: 'crashy' });
    expect(row(v, 'Nodes')).toMatchObject({ total: '1', ok: '1' });
    expect(v.rows.find((r) => r.cells.kind === 'Pods')!.styles).toMatchObject({ failed: 'error' });
    // Live: the crashing deployment goes away and the counts follow.
    sim.deleteObject('apps/v1', 'Deployment', 'crashy', NS);
    await want('crashy gone from the counts', (x) => row(x, 'Deployments').total === '1' && row(x, 'Pods').failed === '0' && row(x, 'Pods').total === '3');
    // enter on a kind opens its list beside the pulse.
    await c.request('pane/command', { paneId: pulse, command: { type: 'select_next' } });
    await c.request('pane/command', { paneId: pulse, command: { type: 'select' } });
    await c.waitLayout('deployments list beside', (x) => Object.values(x.paneTitles).includes(`Deployments (${NS})`));
  });
});
