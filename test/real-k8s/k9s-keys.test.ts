// The k9s keys added on the real control plane (kube-apiserver v1.20.2 with its controller-manager and
// scheduler, the kubelet player as the node): `i` sets a Deployment's image (a merge patch pinned to the
// version read, as the real API server checks it; the Deployment controller rolls a new ReplicaSet),
// shift+j walks a Deployment's pod up to its ReplicaSet and its Deployment through the server's real
// owner references, and a describe pane shows an Event posted for the pod while it is open (a watch on
// involvedObject.uid, which the real server selects); enter drills from a Deployment to its pods and from
// a Node to the pods on it (spec.nodeName, as the real server selects it). The apiserver never dials the node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { ensureRealClusterBinaries, realClusterMode, realClusterSkipReason, startRealCluster, waitFor, type RealCluster } from './harness.js';

const skipReason = realClusterSkipReason();
if (skipReason) console.warn(`[real-k8s] k9s key tests skipped: ${skipReason}`);
const T = 180_000;

let cluster: RealCluster;
let env: TestEnv;
let daemon: DaemonProcess;
let c: RawClient;

const tabOf = (l: SessionLayout) => l.tabs.find((x) => x.id === l.activeTabId)!;
const keys = async (...ks: string[]): Promise<void> => {
  for (const key of ks) await c.request('client/key', { key });
};

/** The focused pane once it is a list titled `title` with `name` selected. */
const shows = (title: string, name: (n: string) => boolean) =>
  waitFor(`${title}, the row selected`, async () => {
    const id = tabOf(c.layout!).focusedPaneId;
    if (c.layout!.paneTitles[String(id)] !== title) return null;
    const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: id, rows: 20, cols: 160 })).view;
    const got = v.type === 'table' && v.selected !== null ? v.rows[v.selected]?.cells.name : undefined;
    return got !== undefined && name(got) ? id : null;
  }, { timeoutMs: 60_000 });

describe.skipIf(!!skipReason)('k9s keys against a real control plane', () => {
  beforeAll(async () => {
    if (realClusterMode() === 'build') await ensureRealClusterBinaries();
    cluster = await startRealCluster();
    env = makeTestEnv();
    env.env.KUBECONFIG = cluster.kubeconfigPath;
    daemon = await startDaemon(env);
    c = await RawClient.connect(env.socket);
    await c.attach({ cols: 160, rows: 40 });
  }, 20 * 60_000);
  afterAll(async () => {
    if (cluster) expect(cluster.kubeletDials(), "connections to the node's kubelet port").toBe(0);
    c?.close();
    await daemon?.stop();
    env?.cleanup();
    await cluster?.stop();
  }, T);

  it('set image, jump to owner and a describe pane that follows the pod\'s Events', async () => {
    const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    const apps = cluster.kubeConfig().makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
      },
    });
    const pod = await waitFor('the pod', async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items.find((p) => p.spec?.nodeName && !p.metadata?.deletionTimestamp) ?? null, { timeoutMs: 90_000 });
    const podName = pod.metadata!.name!;

    // shift+j: Pod → ReplicaSet → Deployment, each selected; esc comes back.
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await c.request('pane/focus', { paneId });
    await c.request('pane/command', { paneId, command: { type: 'filter', query: podName } });
    await shows('Pods (default)', (n) => n === podName);
    await keys('shift+j');
    await shows('ReplicaSets (default)', (n) => podName.startsWith(`${n}-`));
    await keys('shift+j');
    const deploys = await shows('Deployments (default)', (n) => n === 'web');

    // i: the container's image, typed over the current one; the real server takes the patch and rolls.
    await keys('i');
    await c.waitLayout('the image dialog', (l) => l.overlay?.type === 'input' && l.overlay.value === 'nginx:1.27');
    for (let i = 0; i < 'nginx:1.27'.length; i++) await keys('backspace');
    await c.request('client/paste', { text: 'nginx:1.28' });
    await keys('enter');
    await waitFor('the toast', () => c.toasts().find((x) => x === 'set the image of container main in Deployment default/web to nginx:1.28 (was nginx:1.27)') ?? null, { timeoutMs: 30_000 });
    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    expect(d.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.28');
    await waitFor('a new ReplicaSet', async () => (await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=web' })).items.some((r) => r.spec?.template?.spec?.containers[0]?.image === 'nginx:1.28') || null, { timeoutMs: 60_000 });
    expect(deploys).toBeGreaterThan(0);

    // A describe pane on the pod shows an Event posted for it while it is open.
    const { paneId: pods } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    const live = await waitFor('a running web pod', async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items.find((p) => !p.metadata?.deletionTimestamp && p.spec?.nodeName) ?? null, { timeoutMs: 60_000 });
    const target = { name: live.metadata!.name!, namespace: 'default', uid: live.metadata!.uid! };
    const { paneId: describePane } = await c.request<{ paneId: number }>('resource/action', { paneId: pods, action: 'describe', target });
    const text = async (): Promise<string> => {
      const v = (await c.request<{ view: { type: string; lines?: Array<{ text: string }> } }>('pane/snapshot', { paneId: describePane, rows: 300, cols: 160 })).view;
      return (v.lines ?? []).map((l) => l.text).join('\n');
    };
    await waitFor('describe', async () => ((await text()).includes(target.name) ? true : null), { timeoutMs: 30_000 });
    const now = new Date().toISOString();
    await core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { name: `${target.name}.kubetile-test` },
        involvedObject: { kind: 'Pod', namespace: 'default', name: target.name, uid: target.uid, apiVersion: 'v1' },
        reason: 'KubetileProbe',
        message: 'posted by the test while the pane is open',
        type: 'Warning',
        source: { component: 'kubetile-test' },
        firstTimestamp: now as unknown as Date,
        lastTimestamp: now as unknown as Date,
        count: 1,
      },
    });
    await waitFor('the Event in describe', async () => ((await text()).includes('posted by the test while the pane is open') ? true : null), { timeoutMs: 30_000 });
  }, T);

  it("enter drills down as k9s's does: a Deployment to the pods its selector selects, a Node to the pods on it (the real server's field selector)", async () => {
    const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    const live = await waitFor('a scheduled web pod', async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items.find((p) => !p.metadata?.deletionTimestamp && p.spec?.nodeName) ?? null, { timeoutMs: 90_000 });
    const node = live.spec!.nodeName!;
    const rowsOf = async (id: number): Promise<string[] | null> => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: id, rows: 30, cols: 160 })).view;
      return v.type === 'table' ? v.rows.map((r) => r.cells.name!) : null;
    };
    const focusedTitled = (title: string, pred: (rows: string[]) => boolean) =>
      waitFor(title, async () => {
        const id = tabOf(c.layout!).focusedPaneId;
        if (c.layout!.paneTitles[String(id)] !== title) return null;
        const rows = await rowsOf(id);
        return rows && pred(rows) ? id : null;
      }, { timeoutMs: 60_000 });

    const { paneId: deploys } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'deployments' } }, newTab: true });
    await c.request('pane/focus', { paneId: deploys });
    await c.request('pane/command', { paneId: deploys, command: { type: 'filter', query: 'web' } });
    await shows('Deployments (default)', (n) => n === 'web');
    await keys('enter');
    await focusedTitled('Pods (default)', (rows) => rows.includes(live.metadata!.name!) && rows.every((n) => n.startsWith('web-')));

    const { paneId: nodes } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'nodes' } }, newTab: true });
    await c.request('pane/focus', { paneId: nodes });
    await c.request('pane/command', { paneId: nodes, command: { type: 'filter', query: node } });
    await shows('Nodes', (n) => n === node);
    await keys('enter');
    const onNode = await focusedTitled(`Pods (on ${node})`, (rows) => rows.includes(live.metadata!.name!));
    // Exactly the server's answer for spec.nodeName.
    const want = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items.map((p) => p.metadata!.name!).sort();
    await waitFor('the same pods as the server', async () => (JSON.stringify((await rowsOf(onNode))?.sort()) === JSON.stringify(want) ? true : null), { timeoutMs: 30_000 });
  }, T);
});
