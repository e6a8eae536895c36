/**
 * metrics.k8s.io/v1beta1 as metrics-server serves it (on in the demo, and where a test asks): discovery lists PodMetrics and NodeMetrics
 * (get, list; no watch), answers are made from the running pods and the nodes (a pending pod has
 * none), a container's usage is what a test set or a steady made-up one, a node's is its pods' plus
 * its own; `kubectl top pod` and `kubectl top node` read them.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { haveKubectl, kubectlRunner } from './kubectl-runner.js';
import { raw, runningPod, startSim, stopAll } from './helpers.js';

afterEach(stopAll);
const kubectl = kubectlRunner();
afterAll(() => kubectl.cleanup());

const node = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] },
});

const MI = 1024 * 1024;

async function cluster() {
  const { sim } = await startSim({ config: { metricsServer: true } });
  sim.createObject(node('node-1'));
  const web = runningPod('web-1', [{ name: 'web' }, { name: 'sidecar' }]);
  sim.createObject({ ...web, metadata: { ...web.metadata, labels: { app: 'web' } } });
  sim.createObject(runningPod('db-1'));
  const pending = runningPod('queued-1');
  sim.createObject({ ...pending, spec: { ...pending.spec, nodeName: undefined }, status: { phase: 'Pending' } });
  sim.setUsage('default', 'web-1', 'web', { cpuMillis: 250, memoryBytes: 128 * MI });
  sim.setUsage('default', 'web-1', 'sidecar', { cpuMillis: 50, memoryBytes: 32 * MI });
  sim.setUsage('default', 'db-1', 'main', { cpuMillis: 700, memoryBytes: 1024 * MI });
  return sim;
}

describe('metrics.k8s.io', () => {
  it('discovery lists PodMetrics and NodeMetrics with get and list', async () => {
    const sim = await cluster();
    const doc = JSON.parse((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1')).body) as { resources: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[] }> };
    expect(doc.resources.map((r) => [r.name, r.kind, r.namespaced, r.verbs])).toEqual([
      ['pods', 'PodMetrics', true, ['get', 'list']],
      ['nodes', 'NodeMetrics', false, ['get', 'list']],
    ]);
  });

  it('pod metrics: running pods only, per container, a label selector; one pod by name; watch and writes refused', async () => {
    const sim = await cluster();
    const list = JSON.parse((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')).body) as {
      kind: string;
      apiVersion: string;
      items: Array<{ metadata: { name: string }; window: string; containers: Array<{ name: string; usage: { cpu: string; memory: string } }> }>;
    };
    expect(list.kind).toBe('PodMetricsList');
    expect(list.apiVersion).toBe('metrics.k8s.io/v1beta1');
    expect(list.items.map((i) => i.metadata.name).sort()).toEqual(['db-1', 'web-1']);
    const web = list.items.find((i) => i.metadata.name === 'web-1')!;
    expect(web.containers).toEqual([
      { name: 'web', usage: { cpu: '250000000n', memory: '131072Ki' } },
      { name: 'sidecar', usage: { cpu: '50000000n', memory: '32768Ki' } },
    ]);
    const selected = JSON.parse((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb')).body) as { items: Array<{ metadata: { name: string } }> };
    expect(selected.items.map((i) => i.metadata.name)).toEqual(['web-1']);
    const one = await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/db-1');
    expect(JSON.parse(one.body)).toMatchObject({ kind: 'PodMetrics', metadata: { name: 'db-1' }, containers: [{ name: 'main', usage: { cpu: '700000000n' } }] });
    const pending = await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/queued-1');
    expect(pending.status).toBe(404);
    expect(JSON.parse(pending.body)).toMatchObject({ reason: 'NotFound', message: 'podmetrics.metrics.k8s.io "queued-1" not found' });
    expect((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?watch=true')).status).toBe(405);
    expect((await raw(sim, 'POST', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods', { body: {} })).status).toBe(405);
    expect((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=a%20in%20(')).status).toBe(400);
    // Not set by a test: a made-up usage, steady for the container.
    sim.setUsage('default', 'db-1', 'main', null);
    const made = JSON.parse((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/db-1')).body) as { containers: Array<{ usage: { cpu: string; memory: string } }> };
    expect(made.containers[0]!.usage.cpu).toMatch(/^\d+n$/);
    expect(made.containers[0]!.usage.memory).toMatch(/^\d+Ki$/);
  });

  it("node metrics: the node's pods plus its own use", async () => {
    const sim = await cluster();
    const n = JSON.parse((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes/node-1')).body) as { kind: string; usage: { cpu: string; memory: string } };
    expect(n.kind).toBe('NodeMetrics');
    // 250 + 50 + 700 millicores of pods, 120 of the node's own.
    expect(n.usage.cpu).toBe('1120000000n');
    expect(n.usage.memory).toBe(`${(128 + 32 + 1024 + 900) * 1024}Ki`);
    expect((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes/nope')).status).toBe(404);
  });

  it('without metrics-server (metricsServer: false) the group is not there: not discovered, 404', async () => {
    const sim = await cluster();
    sim.configure({ metricsServer: false });
    const groups = JSON.parse((await raw(sim, 'GET', '/apis')).body) as { groups: Array<{ name: string }> };
    expect(groups.groups.map((g) => g.name)).not.toContain('metrics.k8s.io');
    expect((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1')).status).toBe(404);
    expect((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')).status).toBe(404);
    sim.configure({ metricsServer: true });
    expect((await raw(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')).status).toBe(200);
  });

  it.skipIf(!haveKubectl)('kubectl top pod and kubectl top node read them', async () => {
    const sim = await cluster();
    const pods = await kubectl.run(sim, ['top', 'pod', '-n', 'default', '--sort-by=cpu']);
    expect(pods.stderr).toBe('');
    const lines = pods.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(lines).toEqual([
      ['NAME', 'CPU(cores)', 'MEMORY(bytes)'],
      ['db-1', '700m', '1024Mi'],
      ['web-1', '300m', '160Mi'],
    ]);
    const containers = await kubectl.run(sim, ['top', 'pod', 'web-1', '-n', 'default', '--containers']);
    expect(containers.stdout).toMatch(/web-1\s+sidecar\s+50m\s+32Mi/);
    const nodes = await kubectl.run(sim, ['top', 'node']);
    expect(nodes.stderr).toBe('');
    expect(nodes.stdout).toMatch(/node-1\s+1120m\s+28%\s+2084Mi\s+25%/);
  });
});
