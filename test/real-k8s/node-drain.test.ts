// Drain against a real kube-apiserver v1.20.2 (its eviction API is policy/v1beta1 there), with its
// controller-manager and scheduler: the Node is cordoned, a Deployment's pod is evicted through the
// real eviction subresource, and a pod whose PodDisruptionBudget (processed by the real disruption
// controller) allows no disruption is named with the server's own reason. The apiserver never dials
// the node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { ensureRealClusterBinaries, realClusterMode, realClusterSkipReason, startRealCluster, waitFor, type RealCluster } from './harness.js';

const skipReason = realClusterSkipReason();
if (skipReason) console.warn(`[real-k8s] drain tests skipped: ${skipReason}`);
const T = 180_000;

let cluster: RealCluster;
let env: TestEnv;
let daemon: DaemonProcess;
let script: RawClient;

const deployment = (name: string) => ({
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image: 'nginx:1.27' }] } },
  },
});

describe.skipIf(!!skipReason)('drain against a real control plane', () => {
  beforeAll(async () => {
    if (realClusterMode() === 'build') await ensureRealClusterBinaries();
    cluster = await startRealCluster();
    env = makeTestEnv();
    env.env.KUBECONFIG = cluster.kubeconfigPath;
    daemon = await startDaemon(env);
    script = await RawClient.connect(env.socket);
  }, 20 * 60_000);
  afterAll(async () => {
    if (cluster) expect(cluster.kubeletDials(), "connections to the node's kubelet port").toBe(0);
    script?.close();
    await daemon?.stop();
    env?.cleanup();
    await cluster?.stop();
  }, T);

  it('cordons, evicts through policy/v1beta1, and names the pod its budget holds', async () => {
    const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    const apps = cluster.kubeConfig().makeApiClient(AppsV1Api);
    const node = cluster.nodeName;
    const pdb = await cluster.request('/apis/policy/v1beta1/namespaces/default/poddisruptionbudgets', {
      method: 'POST',
      body: { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'held-pdb' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'held' } } } },
    });
    expect(pdb.status, pdb.body).toBe(201);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('free') });
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('held') });
    // Scheduled on the node and Running/Ready (the kubelet player), so the budget is asked.
    const ready = (app: string) => async () =>
      (await core.listNamespacedPod({ namespace: 'default', labelSelector: `app=${app}` })).items.find(
        (p) => p.spec?.nodeName === node && !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      )?.metadata?.name;
    const free = await waitFor('a free pod ready', ready('free'), { timeoutMs: 90_000 });
    const held = await waitFor('a held pod ready', ready('held'), { timeoutMs: 90_000 });
    // The disruption controller has seen it: no disruption allowed.
    await waitFor('the budget processed', async () => {
      const r = await cluster.request('/apis/policy/v1beta1/namespaces/default/poddisruptionbudgets/held-pdb');
      const b = JSON.parse(r.body) as { status?: { currentHealthy?: number } };
      return b.status?.currentHealthy === 1 || null;
    }, { timeoutMs: 90_000 });

    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'nodes' } }, newTab: true });
    // With no time given, the evicted pod is looked at once: its 5 s grace period may still be running.
    const refused = `drain failed: Node ${node} not drained: cordoned, evicted 1 pod; refused by a disruption budget: default/${held} (The disruption budget held-pdb needs 1 healthy pods and has 1 currently)`;
    const err = await script.request('resource/action', { paneId, action: 'drain', target: { name: node }, args: { timeoutSeconds: 0 } }).then(
      () => null,
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    expect([refused, `${refused}; still terminating when the time ran out: default/${free} (grace period 5 s)`]).toContain(err);
    expect((await core.readNode({ name: node })).spec?.unschedulable).toBe(true);
    await waitFor('the free pod evicted', async () => {
      const p = (await core.listNamespacedPod({ namespace: 'default' })).items.find((x) => x.metadata?.name === free);
      return !p || !!p.metadata?.deletionTimestamp || null;
    }, { timeoutMs: 60_000 });
    const still = (await core.listNamespacedPod({ namespace: 'default' })).items.find((x) => x.metadata?.name === held);
    expect(still?.metadata?.deletionTimestamp).toBeUndefined();
  }, T);
});
