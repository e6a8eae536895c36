// The daemon's Kubernetes layer against a real kube-apiserver v1.20.2 (etcd, controllers, the
// harness's kubelet player): resource lists, informer restart after the apiserver is killed and
// started, relist after etcd compaction, RBAC 403 on one kind, scaling through resource/action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { ensureRealClusterBinaries, realClusterMode, realClusterSkipReason, startRealCluster, waitFor, type RealCluster } from './harness.js';

const skipReason = realClusterSkipReason();
if (skipReason) console.warn(`[real-k8s] daemon tests skipped: ${skipReason}`);
const T = 180_000;

let cluster: RealCluster;
let env: TestEnv;
let daemon: DaemonProcess;
let script: RawClient;

async function table(paneId: number): Promise<TableView> {
  return (await script.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 60, cols: 200 })).view;
}
const rowNames = (v: TableView) => v.rows.map((r) => r.cells.name!);

async function startDaemonWith(kubeconfig: string): Promise<{ env: TestEnv; daemon: DaemonProcess; client: RawClient }> {
  const e = makeTestEnv();
  e.env.KUBECONFIG = kubeconfig;
  const d = await startDaemon(e);
  return { env: e, daemon: d, client: await RawClient.connect(e.socket) };
}

describe.skipIf(!!skipReason)('daemon against a real control plane', () => {
  beforeAll(async () => {
    if (realClusterMode() === 'build') await ensureRealClusterBinaries();
    cluster = await startRealCluster();
    ({ env, daemon, client: script } = await startDaemonWith(cluster.kubeconfigPath));
  }, 20 * 60_000);
  afterAll(async () => {
    // Nothing the daemon did made the apiserver reach for the (absent) kubelet.
    if (cluster) expect(cluster.kubeletDials(), 'connections to the node\'s kubelet port').toBe(0);
    script?.close();
    await daemon?.stop();
    env?.cleanup();
    await cluster?.stop();
  }, T);

  it('lists a Deployment\'s pods as the controllers create them, and scales it through resource/action', async () => {
    const apps = cluster.kubeConfig().makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
        },
      },
    });
    const pods = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await waitFor('2 running web pods', async () => {
      const v = await table(pods.paneId);
      return v.rows.filter((r) => r.cells.name!.startsWith('web-') && r.cells.status === 'Running').length === 2;
    }, { timeoutMs: 90_000 });
    const deps = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'deployments' } } });
    await waitFor('deployment listed', async () => rowNames(await table(deps.paneId)).includes('web'), { timeoutMs: 60_000 });
    const r = await script.request<{ message: string }>('resource/action', { paneId: deps.paneId, action: 'scale', args: { replicas: 3 } });
    expect(r.message).toBe('scaled Deployment default/web to 3');
    await waitFor('3 running web pods', async () => {
      const v = await table(pods.paneId);
      return v.rows.filter((x) => x.cells.name!.startsWith('web-') && x.cells.status === 'Running').length === 3;
    }, { timeoutMs: 90_000 });
    await waitFor('deployment READY 3/3', async () => (await table(deps.paneId)).rows.find((x) => x.cells.name === 'web')?.cells.ready === '3/3', { timeoutMs: 90_000 });
  }, T);

  it('restarts its informer when the apiserver is killed and started again, relisting after compaction', async () => {
    const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    const cm = (name: string) => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name }, data: { k: 'v' } } });
    await cm('before');
    const pane = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'configmaps' } }, newTab: true });
    await waitFor('before listed', async () => rowNames(await table(pane.paneId)).includes('before'), { timeoutMs: 60_000 });
    await cluster.killApiserver();
    // The watch's resourceVersion is now older than etcd's compacted revision: resuming it gets 410.
    await cluster.compact();
    // While it is down the pane keeps its rows and says it is reconnecting, instead of a frozen list.
    const down = await waitFor('pane says reconnecting', async () => {
      const v = await table(pane.paneId);
      return /reconnecting/.test(v.footer ?? '') ? v : null;
    }, { timeoutMs: 60_000 });
    expect(rowNames(down)).toContain('before');
    await cluster.startApiserver();
    await cm('after');
    await waitFor('after listed with before kept once', async () => {
      const names = rowNames(await table(pane.paneId));
      return names.filter((n) => n === 'before').length === 1 && names.includes('after');
    }, { timeoutMs: 90_000 });
  }, T);

  it('shows an RBAC 403 on one kind while the others work', async () => {
    const restricted = await startDaemonWith(cluster.restrictedKubeconfigPath);
    try {
      const secrets = await restricted.client.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'secrets' } }, newTab: true });
      const pods = await restricted.client.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } } });
      const snap = async (id: number) => (await restricted.client.request<{ view: TableView }>('pane/snapshot', { paneId: id, rows: 40, cols: 200 })).view;
      const denied = await waitFor('403 shown', async () => {
        const v = await snap(secrets.paneId);
        return v.empty && /forbidden/i.test(v.empty) ? v : null;
      }, { timeoutMs: 60_000 });
      expect(denied.empty).toMatch(/^Error: secrets is forbidden: User ".*" cannot list resource "secrets"/);
      await waitFor('pods still listed', async () => (await snap(pods.paneId)).rows.length > 0, { timeoutMs: 60_000 });
    } finally {
      restricted.client.close();
      await restricted.daemon.stop();
      restricted.env.cleanup();
    }
  }, T);
});
