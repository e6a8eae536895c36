import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { readyNode } from '../helpers/kube-objects.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's jump to owner (shift+j): on a row of a resource list, the owner's list takes the pane's
 * place with the owner selected — Pod → ReplicaSet → Deployment through kube-sim's controllers'
 * real owner references, a custom resource's owner found by discovery, a mirror pod's Node — and
 * esc goes back, step by step, to the row left. An owner that is gone, replaced (another uid) or
 * named by a malformed reference is said in a toast and the list stays.
 */

let t: SimDaemonWithClient;
let c: RawClient;

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'rollouts.example.com' },
  spec: {
    group: 'example.com',
    names: { plural: 'rollouts', singular: 'rollout', kind: 'Rollout', listKind: 'RolloutList' },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

const pod = (name: string, ns: string, owner?: { apiVersion: string; kind: string; name: string; uid: string }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, ...(owner ? { ownerReferences: [{ ...owner, controller: true }] } : {}) },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: { phase: 'Running' },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 40 },
    sim: { controller: true },
    beforeDaemon: (sim) => {
      sim.createObject(readyNode('node-1'));
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
      for (const ns of ['default', 'other']) {
        sim.createObject({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: ns },
          spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
        });
      }
      sim.createObject(CRD);
    },
  });
  c = t.client;
  await waitFor('the deployments rolled out', () => ['default', 'other'].every((ns) => t.sim.listObjects('v1', 'Pod', ns).some((p) => p.metadata.name.startsWith('web-'))) || null);
}, 120_000);
afterAll(async () => t?.stop());

const tabOf = (l: SessionLayout) => l.tabs.find((x) => x.id === l.activeTabId)!;
const focused = (): number => tabOf(c.layout!).focusedPaneId;

/** The focused pane once it is a list titled `title` with the row `name` selected (a new pane id after each jump). */
async function shows(title: string, name: string): Promise<number> {
  return waitFor(`${title} with ${name} selected`, async () => {
    const id = focused();
    if (c.layout!.paneTitles[String(id)] !== title) return null;
    const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: id, rows: 20, cols: 160 })).view;
    const got = v.type === 'table' && v.selected !== null ? v.rows[v.selected]?.cells.name : undefined;
    return got === name ? id : null;
  });
}

/** The pane's table now (200 columns: the namespace column fits). */
const table = async (paneId: number): Promise<TableView | null> => {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 200 })).view;
  return v.type === 'table' ? v : null;
};

/** The focused pane once enter replaced the list `from` with one titled `title` whose table `pred` accepts. */
async function drilledTo(from: number, title: string, pred: (v: TableView) => boolean): Promise<number> {
  return waitFor(title, async () => {
    const id = focused();
    if (id === from || c.layout!.paneTitles[String(id)] !== title) return null;
    const v = await table(id);
    return v && pred(v) ? id : null;
  });
}

const toast = (re: RegExp, from: number): Promise<string> => waitFor(`a toast ${re}`, () => c.toasts().slice(from).find((x) => re.test(x)) ?? null);

describe('jump to owner (shift+j)', () => {
  it('Pod → ReplicaSet → Deployment, each selected; esc comes back step by step to the row left', async () => {
    const podName = t.sim.listObjects('v1', 'Pod', 'default').find((p) => p.metadata.name.startsWith('web-'))!.metadata.name;
    const rsName = t.sim.listObjects('apps/v1', 'ReplicaSet', 'default').find((r) => r.metadata.name.startsWith('web-'))!.metadata.name;
    // A pod listed before web's: the way back must select web's pod by itself, not by a filter.
    t.sim.createObject(pod('aaa-first', 'default'));
    const pods = await openListIn(c, 'pods', 'default');
    await selectRow(c, pods, podName);
    await c.request('pane/command', { paneId: pods, command: { type: 'clear_filter' } });
    await shows('Pods (default)', podName);
    await pressKeys(c, 'shift+j');
    await shows('ReplicaSets (default)', rsName);
    await pressKeys(c, 'shift+j');
    const deploys = await shows('Deployments (default)', 'web');
    // A Deployment has no owner: said, and the list stays.
    const before = c.toasts().length;
    await pressKeys(c, 'shift+j');
    expect(await toast(/^jump to owner: /, before)).toBe('jump to owner: Deployment default/web has no owner');
    expect(focused()).toBe(deploys);
    await pressKeys(c, 'esc');
    await shows('ReplicaSets (default)', rsName);
    await pressKeys(c, 'esc');
    // Back on the pods list (two steps back) with the pod it left selected, not the first row.
    const back = await shows('Pods (default)', podName);
    const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: back, rows: 20, cols: 160 })).view;
    expect(v.type === 'table' ? v.rows[0]?.cells.name : '').toBe('aaa-first');
    // Once more, nothing is left to go back to.
    await pressKeys(c, 'esc');
    expect(focused()).toBe(back);
  });

  it('in all namespaces the owner is found in its own namespace', async () => {
    const podName = t.sim.listObjects('v1', 'Pod', 'other').find((p) => p.metadata.name.startsWith('web-'))!.metadata.name;
    const rsName = t.sim.listObjects('apps/v1', 'ReplicaSet', 'other').find((r) => r.metadata.name.startsWith('web-'))!.metadata.name;
    const pods = await openListIn(c, 'pods', 'default');
    await pressKeys(c, 'a');
    await selectRow(c, pods, podName);
    await pressKeys(c, 'shift+j');
    await shows('ReplicaSets (All Namespaces)', rsName);
  });

  it("a custom resource owner is found by discovery; a mirror pod's owner is its Node", async () => {
    const rollout = t.sim.createObject({ apiVersion: 'example.com/v1', kind: 'Rollout', metadata: { name: 'canary', namespace: 'default' }, spec: {} });
    t.sim.createObject(pod('canary-1', 'default', { apiVersion: 'example.com/v1', kind: 'Rollout', name: 'canary', uid: rollout.metadata.uid }));
    const node = t.sim.getObject('v1', 'Node', 'node-1', '')!;
    t.sim.createObject(pod('etcd-node-1', 'default', { apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: node.metadata.uid }));
    const pods = await openListIn(c, 'pods', 'default');
    await selectRow(c, pods, 'canary-1');
    await pressKeys(c, 'shift+j');
    await shows('Rollouts (default)', 'canary');
    const again = await openListIn(c, 'pods', 'default');
    await selectRow(c, again, 'etcd-node-1');
    await pressKeys(c, 'shift+j');
    await shows('Nodes', 'node-1');
  });

  it('an owner deleted, replaced under its name, or named by a malformed reference is said; the list stays', async () => {
    const imposter = t.sim.createObject({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'imposter', namespace: 'default' }, spec: { replicas: 0, selector: { matchLabels: { app: 'nobody' } }, template: { metadata: { labels: { app: 'nobody' } }, spec: { containers: [{ name: 'x', image: 'x' }] } } } });
    const cases: Array<[string, { apiVersion: string; kind: string; name: string; uid: string }, string]> = [
      ['orphan-1', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'ghost', uid: 'uid-ghost' }, 'jump to owner: ReplicaSet default/ghost, the owner of Pod default/orphan-1, is not in the cluster (deleted)'],
      ['orphan-2', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'imposter', uid: 'uid-not-the-imposter' }, 'jump to owner: ReplicaSet default/imposter, the owner of Pod default/orphan-2, is not in the cluster: another object of that name is (a new uid)'],
      ['orphan-3', { apiVersion: 'apps/v1/../../api', kind: 'ReplicaSet', name: 'x', uid: 'u' }, 'jump to owner: Pod default/orphan-3: its owner reference\'s apiVersion "apps/v1/../../api" is not an API version (like apps/v1)'],
      ['orphan-4', { apiVersion: 'apps/v1', kind: 'Replica/Set', name: 'x', uid: 'u' }, 'jump to owner: Pod default/orphan-4: its owner reference\'s kind "Replica/Set" is not a kind (letters and digits, like Pod)'],
      ['orphan-5', { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: '../secrets/x', uid: 'u' }, 'jump to owner: Pod default/orphan-5: its owner reference\'s name "../secrets/x" is not an object name'],
      ['orphan-6', { apiVersion: 'nothere.example.com/v1', kind: 'Thing', name: 'x', uid: 'u' }, 'jump to owner: Thing x, the owner of Pod default/orphan-6: the API server does not serve nothere.example.com/v1'],
    ];
    expect(imposter.metadata.uid).not.toBe('uid-not-the-imposter');
    for (const [name, owner] of cases) t.sim.createObject(pod(name, 'default', owner));
    const pods = await openListIn(c, 'pods', 'default');
    for (const [name, , message] of cases) {
      await selectRow(c, pods, name);
      const before = c.toasts().length;
      await pressKeys(c, 'shift+j');
      expect(await toast(/^jump to owner: /, before), name).toBe(message);
      expect(focused()).toBe(pods);
    }
    // Nothing was asked of the API server with the malformed references.
    expect(t.sim.journalEntries({ method: 'GET' }).filter((e) => /secrets|\.\.|Replica%2FSet/.test(e.path))).toEqual([]);
  });

  it("k9s's enter on a namespace: its pods with the tab on it; esc comes back to the namespaces, it selected", async () => {
    t.sim.createObject(pod('in-other', 'other'));
    const nss = await openListIn(c, 'namespaces', 'default');
    await selectRow(c, nss, 'other');
    await c.request('pane/command', { paneId: nss, command: { type: 'clear_filter' } });
    await shows('Namespaces', 'other');
    await pressKeys(c, 'enter');
    await drilledTo(nss, 'Pods (other)', (v) => v.rows.some((r) => r.cells.name === 'in-other'));
    expect(tabOf(c.layout!).namespace).toBe('other');
    await pressKeys(c, 'esc');
    await shows('Namespaces', 'other');
    expect(tabOf(c.layout!).namespace).toBe('other');
  });

  it("k9s's enter on a Deployment: the pods its selector selects, in its namespace; esc goes straight back; a Service without a selector says so", async () => {
    // A pod with the label in another namespace, and one in default without it: neither is web's.
    t.sim.createObject({ ...pod('lookalike', 'default'), metadata: { name: 'lookalike', namespace: 'default', labels: { app: 'webby' } } });
    const deploys = await openListIn(c, 'deployments', '*');
    await waitFor('both web deployments', async () => ((await table(deploys))?.rows.filter((r) => r.cells.name === 'web').length === 2 ? true : null));
    await c.request('pane/command', { paneId: deploys, command: { type: 'filter', query: 'other' } });
    await waitFor('other/web selected', async () => {
      const v = await table(deploys);
      const row = v && v.selected !== null ? v.rows[v.selected] : undefined;
      return row?.cells.namespace === 'other' && row.cells.name === 'web' ? true : null;
    });
    await pressKeys(c, 'enter');
    const pods = await drilledTo(deploys, 'Pods (other)', (v) => v.rows.length > 0 && v.rows.every((r) => r.cells.name!.startsWith('web-')) && (v.footer ?? '').includes('of Deployment web (-l app=web)'));
    expect(tabOf(c.layout!).namespace).toBe('other');
    const webPods = t.sim.listObjects('v1', 'Pod', 'other').filter((p) => p.metadata.labels?.['app'] === 'web').map((p) => p.metadata.name).sort();
    const names = (await table(pods))!.rows.map((r) => r.cells.name);
    expect(names.sort()).toEqual(webPods);
    // The badge counts what the selector shows of the namespace's pods (it said the namespace's count).
    await waitFor('the badge of the drill', async () => ((await table(pods))!.badge === `${webPods.length}/${t.sim.listObjects('v1', 'Pod', 'other').length}` ? true : null));
    // `/` filters within web's pods (as in k9s): a pod of the namespace that is not web's stays out.
    t.sim.createObject({ ...pod('api-in-other', 'other'), metadata: { name: 'api-in-other', namespace: 'other', labels: { app: 'api' } } });
    await c.request('pane/command', { paneId: pods, command: { type: 'filter', query: '-' } });
    await waitFor('the typed filter within the drill', async () => {
      const v = await table(pods);
      return v && (v.footer ?? '').includes('/-') && v.rows.map((r) => r.cells.name).sort().join() === webPods.join() ? true : null;
    });
    // esc clears what was typed (the drill's selector stays), then goes back to the deployments,
    // in all namespaces again: the tab moved to other only to show web's pods.
    await pressKeys(c, 'esc');
    await waitFor('the typed filter cleared', async () => {
      const v = await table(pods);
      return v && !(v.footer ?? '').includes('/-') && (v.footer ?? '').includes('(-l app=web)') && v.rows.map((r) => r.cells.name).sort().join() === webPods.join() ? true : null;
    });
    await pressKeys(c, 'esc');
    await waitFor('the deployments again', () => (focused() !== pods && c.layout!.paneTitles[String(focused())] === 'Deployments (All Namespaces)' ? true : null));
    expect(tabOf(c.layout!).namespace).toBe('*');
    const again = focused();
    await waitFor('other/web selected again', async () => {
      const v = await table(again);
      const row = v && v.selected !== null ? v.rows[v.selected] : undefined;
      return row?.cells.namespace === 'other' && row.cells.name === 'web' ? true : null;
    });
    // A namespace chosen while on the pods is the user's: esc leaves the tab on it.
    await pressKeys(c, 'enter');
    const pods2 = await drilledTo(again, 'Pods (other)', (v) => (v.footer ?? '').includes('of Deployment web (-l app=web)'));
    await c.request('kube/use', { tabId: c.layout!.activeTabId, namespace: 'default' });
    await waitFor('the pods of default', () => (c.layout!.paneTitles[String(pods2)] === 'Pods (default)' ? true : null));
    await pressKeys(c, 'esc');
    await waitFor('the deployments of default', () => (focused() !== pods2 && c.layout!.paneTitles[String(focused())] === 'Deployments (default)' ? true : null));
    expect(tabOf(c.layout!).namespace).toBe('default');
    // A Service without a selector has no pods of its own: said, and the list stays.
    t.sim.createObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'external', namespace: 'other' }, spec: { ports: [{ port: 80 }] } });
    const svcs = await openListIn(c, 'services', 'other');
    await selectRow(c, svcs, 'external');
    const before = c.toasts().length;
    await pressKeys(c, 'enter');
    expect(await toast(/no selector/, before)).toBe('Service other/external has no selector (its endpoints are set by hand): no pods are its own');
    expect(focused()).toBe(svcs);
  });

  it("k9s's enter on a node: the pods on it from every namespace; esc back to the nodes; a bad args.node is said", async () => {
    t.sim.createObject(readyNode('node-2'));
    t.sim.createObject({ ...pod('elsewhere', 'other'), spec: { nodeName: 'node-2', containers: [{ name: 'main', image: 'busybox:1.36' }] } });
    const nodes = await openListIn(c, 'nodes', 'default');
    await selectRow(c, nodes, 'node-2');
    await pressKeys(c, 'enter');
    const onNode = await drilledTo(nodes, 'Pods (on node-2)', (v) => v.rows.map((r) => `${r.cells.namespace}/${r.cells.name}`).join() === 'other/elsewhere');
    // The watch follows: a pod put on node-2 in default shows up.
    t.sim.createObject({ ...pod('late', 'default'), spec: { nodeName: 'node-2', containers: [{ name: 'main', image: 'busybox:1.36' }] } });
    await waitFor('the new pod on node-2', async () => ((await table(onNode))?.rows.map((r) => r.cells.name).sort().join() === 'elsewhere,late' ? true : null));
    await pressKeys(c, 'esc');
    await shows('Nodes', 'node-2');
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods', node: '../secrets' } }, newTab: true });
    const bad = (await c.request<{ view: { type: string; text?: string } }>('pane/snapshot', { paneId, rows: 20, cols: 160 })).view;
    expect(JSON.stringify(bad)).toContain('args.node \\"../secrets\\" is not an object name');
  });

  it("k9s's enter on a CronJob: the Jobs it made (owns), following the watch; esc back to the CronJobs", async () => {
    const cj = t.sim.createObject({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'default' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox:1.36' }] } } } } } });
    const job = (name: string, owned: boolean) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'default', ...(owned ? { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cj.metadata.uid, controller: true }] } : {}) },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox:1.36' }] } } },
    });
    t.sim.createObject(job('nightly-1', true));
    t.sim.createObject(job('by-hand', false));
    const cronjobs = await openListIn(c, 'cronjobs', 'default');
    await selectRow(c, cronjobs, 'nightly');
    await pressKeys(c, 'enter');
    const jobs = await drilledTo(cronjobs, 'Jobs (default)', (v) => v.rows.map((r) => r.cells.name).join() === 'nightly-1' && (v.footer ?? '').includes('of CronJob nightly'));
    t.sim.createObject(job('nightly-2', true));
    await waitFor('the new job of nightly', async () => ((await table(jobs))?.rows.map((r) => r.cells.name).sort().join() === 'nightly-1,nightly-2' ? true : null));
    await pressKeys(c, 'esc');
    await shows('CronJobs (default)', 'nightly');
  });

  it('outside a resource list it says what it does', async () => {
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    await c.request('pane/focus', { paneId });
    const before = c.toasts().length;
    await pressKeys(c, 'shift+j');
    expect(await toast(/shift\+j/, before)).toBe('shift+j jumps to the owner of the selected row of a resource list');
  });
});
