import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeObject, type KubeSim } from '@kubetile/kube-sim';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { SessionClients, tabOf } from '../helpers/session-clients.js';
import { pressKeys } from '../helpers/list-pane.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * Two terminals on one session, two clusters in the kubeconfig (two kube-sims, each with a node
 * named node-b). A is asked whether to open a node shell on node-b; meanwhile B points the tab at the
 * other cluster (ctrl+k). A's `y` creates the privileged pod in the cluster A's question was about,
 * never on the other cluster's node of the same name.
 */

let stack: SimDaemon;
let other: KubeSim | null = null;
const terminals = new SessionClients(() => stack.env.socket, { cols: 140, rows: 40 });
const attached = terminals.attached;

const node = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
});
/** A CRD `widgets` in `group`: each cluster serves the same plural from another group. */
const widgets = (group: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${group}` },
  spec: {
    group,
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
});
const shellPods = (sim: KubeSim): KubeObject[] => sim.listObjects('v1', 'Pod', 'default').filter((p) => p.metadata.labels?.['kubetile.io/node-shell'] === 'true');

beforeAll(async () => {
  stack = await startSimDaemon({
    sim: { controller: true },
    beforeDaemon: async (sim, env) => {
      sim.createObject(node('node-b'));
      sim.createObject(widgets('a.example.com'));
      other = await startKubeSim({ port: 0, seed: 'empty', controller: true, stateDir: join(env.dir, 'sim-other') });
      other.createObject(node('node-b'));
      other.createObject(widgets('b.example.com'));
      const file = join(env.dir, 'other-kubeconfig');
      writeFileSync(file, other.kubeconfigYaml.replaceAll('"kube-sim"', '"other"'), { mode: 0o600 });
      env.env.KUBECONFIG = `${env.env.KUBECONFIG}${delimiter}${file}`;
    },
  });
});
afterAll(async () => {
  terminals.closeAll();
  await stack?.stop();
  await other?.stop();
});


describe('a question asked on one cluster, the tab pointed at another before the answer', () => {
  it("node shell: B switches the tab's context while A is asked; A's y opens it on the node A was asked about", async () => {
    const a = await attached();
    const b = await attached({ cols: 20, rows: 5 });
    const { paneId, tabId } = await a.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'nodes' } }, newTab: true });
    await a.request('pane/focus', { paneId });
    await a.waitLayout('the tab on kube-sim', (l) => l.activeTabId === tabId && tabOf(l).context === 'kube-sim');
    await waitFor('node-b selected', async () => {
      const v = (await a.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 140 })).view;
      return v.type === 'table' && v.selected !== null && v.rows[v.selected]?.cells.name === 'node-b';
    });
    await pressKeys(a, 's');
    const asked = await a.waitLayout('A asked', (l) => l.overlay?.type === 'confirm');
    expect(asked.overlay?.type === 'confirm' ? asked.overlay.text : '').toMatch(/^Open a shell on node node-b\?/);

    // B, in the same tab, points it at the other cluster.
    await b.request('pane/focus', { paneId });
    await pressKeys(b, 'ctrl+k');
    await b.waitLayout('the contexts listed', (l) => l.overlay?.type === 'selector' && l.overlay.items.includes('other'));
    await pressKeys(b, 'o', 't', 'h', 'e', 'r', 'enter');
    await a.waitLayout('the tab on the other cluster, on A too', (l) => l.tabs.find((t) => t.id === tabId)?.context === 'other' && l.overlay?.type === 'confirm');

    await pressKeys(a, 'y');
    const pod = await waitFor('the node-shell pod, in the cluster A was asked about', () => shellPods(stack.sim)[0] ?? (shellPods(other!).length ? 'wrong cluster' : null));
    expect(pod).not.toBe('wrong cluster');
    expect(shellPods(other!)).toEqual([]);
    const opened = await a.waitLayout('node shell pane', (l) => Object.values(l.paneTitles).includes('node shell node-b'));
    const shell = Number(Object.entries(opened.paneTitles).find(([, t]) => t === 'node shell node-b')![0]);
    await a.request('pane/close', { paneId: shell });
    await waitFor('the node-shell pod deleted', () => shellPods(stack.sim).length === 0);
  }, 60_000);

  it('node shell: B closes the pane while A is asked; y opens nothing and A is told', async () => {
    const a = await attached();
    const b = await attached();
    const { paneId } = await a.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'nodes' } }, newTab: true });
    await a.request('pane/focus', { paneId });
    await waitFor('node-b selected', async () => {
      const v = (await a.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 140 })).view;
      return v.type === 'table' && v.selected !== null && v.rows[v.selected]?.cells.name === 'node-b';
    });
    await pressKeys(a, 's');
    await a.waitLayout('A asked', (l) => l.overlay?.type === 'confirm');
    await b.request('pane/focus', { paneId });
    await pressKeys(b, 'ctrl+w');
    await a.waitLayout('the tab gone on A', (l) => !Object.keys(l.paneTitles).includes(String(paneId)) && l.overlay?.type === 'confirm');
    await pressKeys(a, 'y');
    await a.waitLayout('A told', () => a.toasts().some((t) => /^the pane the node shell on .*node-b was asked in was closed meanwhile \(another terminal or a script\): no shell was opened$/.test(t)));
    expect(shellPods(stack.sim)).toEqual([]);
    expect(shellPods(other!)).toEqual([]);
  }, 60_000);
});

describe("the ':' switcher of two terminals on two clusters", () => {
  it("A picks a label after B opened ':' on another cluster: A's view is its own cluster's kind (it was B's: another group)", async () => {
    const a = await attached();
    const b = await attached();
    const ta = await a.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await a.request('pane/focus', { paneId: ta.paneId });
    await a.waitLayout('A on its tab', (l) => l.activeTabId === ta.tabId && tabOf(l).context === 'kube-sim');
    const tb = await b.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await b.request('kube/use', { tabId: tb.tabId, context: 'other' });
    await b.request('pane/focus', { paneId: tb.paneId });
    await b.waitLayout('B on the other cluster', (l) => l.activeTabId === tb.tabId && tabOf(l).context === 'other');
    const picked = (l: SessionLayout): boolean => l.overlay?.type === 'selector' && l.overlay.query === 'widgets' && (l.overlay.items[l.overlay.selected] ?? '').startsWith('widgets');
    await pressKeys(a, ':', 'w', 'i', 'd', 'g', 'e', 't', 's');
    await a.waitLayout("A's switcher selects widgets", picked);
    // B opens ':' after A, on the other cluster (whose widgets are another group's).
    await pressKeys(b, ':', 'w', 'i', 'd', 'g', 'e', 't', 's');
    await b.waitLayout("B's switcher selects widgets", picked);
    await pressKeys(a, 'enter');
    const l = await a.waitLayout("A's view switched", (x) => !x.overlay && tabOf(x).id === ta.tabId && tabOf(x).focusedPaneId !== ta.paneId);
    const switched = tabOf(l).focusedPaneId;
    const panes = (await a.request<{ panes: Array<{ paneId: number; args: Record<string, unknown> }> }>('pane/list', {})).panes;
    expect(panes.find((p) => p.paneId === switched)?.args).toMatchObject({ kind: 'widgets', group: 'a.example.com' });
    await pressKeys(b, 'esc');
  });
});
