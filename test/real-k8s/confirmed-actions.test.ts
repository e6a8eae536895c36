// Mutations pinned to the object a user chose, against a real kube-apiserver v1.20.2: a delete
// carries preconditions.uid and a scale/restart is a read-check-write with the resourceVersion, so
// an object re-created under the same name is refused by the real server's own checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { ensureRealClusterBinaries, realClusterMode, realClusterSkipReason, startRealCluster, waitFor, type RealCluster } from './harness.js';

const skipReason = realClusterSkipReason();
if (skipReason) console.warn(`[real-k8s] confirmed-action tests skipped: ${skipReason}`);
const T = 180_000;

let cluster: RealCluster;
let env: TestEnv;
let daemon: DaemonProcess;
let script: RawClient;

const deployment = (name: string, replicas: number) => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
  },
});

async function rowUid(paneId: number, name: string): Promise<string> {
  return waitFor(`${name} listed`, async () => {
    const v = (await script.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 60, cols: 200 })).view;
    return v.rows.find((r) => r.cells.name === name)?.id;
  }, { timeoutMs: 60_000 });
}

describe.skipIf(!!skipReason)('confirmed actions against a real control plane', () => {
  beforeAll(async () => {
    if (realClusterMode() === 'build') await ensureRealClusterBinaries();
    cluster = await startRealCluster();
    env = makeTestEnv();
    env.env.KUBECONFIG = cluster.kubeconfigPath;
    daemon = await startDaemon(env);
    script = await RawClient.connect(env.socket);
  }, 20 * 60_000);
  afterAll(async () => {
    // Nothing the daemon did made the apiserver reach for the (absent) kubelet.
    if (cluster) expect(cluster.kubeletDials(), "connections to the node's kubelet port").toBe(0);
    script?.close();
    await daemon?.stop();
    env?.cleanup();
    await cluster?.stop();
  }, T);

  it('a ConfigMap re-created under the same name is not deleted by a target pinned to the old one', async () => {
    const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'pinned' }, data: { v: '1' } } });
    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'configmaps' } }, newTab: true });
    const oldUid = await rowUid(paneId, 'pinned');
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'pinned' });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'pinned' }, data: { v: '2' } } });
    const newUid = (await core.readNamespacedConfigMap({ namespace: 'default', name: 'pinned' })).metadata!.uid!;
    expect(newUid).not.toBe(oldUid);
    await expect(script.request('resource/action', { paneId, action: 'delete', target: { name: 'pinned', uid: oldUid } })).rejects.toThrow(
      /ConfigMap default\/pinned was replaced by another object of the same name.*nothing was deleted/,
    );
    expect((await core.readNamespacedConfigMap({ namespace: 'default', name: 'pinned' })).data).toEqual({ v: '2' });
    const r = await script.request<{ message: string }>('resource/action', { paneId, action: 'delete', target: { name: 'pinned', uid: newUid } });
    expect(r.message).toBe('deleted ConfigMap default/pinned');
    await expect(core.readNamespacedConfigMap({ namespace: 'default', name: 'pinned' })).rejects.toThrow();
  }, T);

  it('scale and restart pinned to an old Deployment are refused; pinned to the live one they land', async () => {
    const apps = cluster.kubeConfig().makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('cart', 1) });
    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'deployments' } }, newTab: true });
    const oldUid = await rowUid(paneId, 'cart');
    await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'cart' });
    await waitFor('cart gone', async () => !(await apps.listNamespacedDeployment({ namespace: 'default' })).items.some((d) => d.metadata?.name === 'cart'), { timeoutMs: 60_000 });
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('cart', 2) });
    const newUid = (await apps.readNamespacedDeployment({ namespace: 'default', name: 'cart' })).metadata!.uid!;

    await expect(script.request('resource/action', { paneId, action: 'scale', args: { replicas: 5 }, target: { name: 'cart', uid: oldUid } })).rejects.toThrow(
      /cart was replaced by another object of the same name.*nothing was scaled/,
    );
    await expect(script.request('resource/action', { paneId, action: 'restart', target: { name: 'cart', uid: oldUid } })).rejects.toThrow(
      /nothing was restarted/,
    );
    let live = await apps.readNamespacedDeployment({ namespace: 'default', name: 'cart' });
    expect(live.spec?.replicas).toBe(2);
    expect(live.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();

    await script.request('resource/action', { paneId, action: 'scale', args: { replicas: 4 }, target: { name: 'cart', uid: newUid } });
    await script.request('resource/action', { paneId, action: 'restart', target: { name: 'cart', uid: newUid } });
    live = await apps.readNamespacedDeployment({ namespace: 'default', name: 'cart' });
    expect(live.spec?.replicas).toBe(4);
    expect(live.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/);
  }, T);
});
