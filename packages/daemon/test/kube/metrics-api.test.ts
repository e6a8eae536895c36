import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { fetchNodeUsage, fetchPodUsage, MetricsUnavailable, parseQuantity } from '../../src/kube/metrics-api.js';
import { startSimWithConfig } from '../sim-config.js';

let sim: KubeSim;
let kc: KubeConfig;
const MI = 1024 * 1024;

beforeAll(async () => {
  ({ sim, kc } = await startSimWithConfig());
  sim.configure({ metricsServer: true });
  sim.createObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } });
  for (let i = 0; i < 30; i++) {
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'default' }, spec: { nodeName: 'node-1', containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] }, status: { phase: 'Running' } });
  }
  sim.setUsage('default', 'p-0', 'a', { cpuMillis: 100, memoryBytes: 10 * MI });
  sim.setUsage('default', 'p-0', 'b', { cpuMillis: 25, memoryBytes: 5 * MI });
});
afterAll(async () => sim?.stop());

describe('metrics API', () => {
  it('parses Kubernetes quantities, and nothing else', () => {
    expect(parseQuantity('250m')).toBeCloseTo(0.25);
    expect(parseQuantity('123456789n')).toBeCloseTo(0.123456789);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('1.5')).toBe(1.5);
    expect(parseQuantity('128Mi')).toBe(128 * MI);
    expect(parseQuantity('131072Ki')).toBe(128 * MI);
    expect(parseQuantity('1G')).toBe(1e9);
    expect(parseQuantity('1e3')).toBe(1000);
    for (const bad of ['', 'm', 'abc', '-1', '1Zi', '1 m', '1e400', '1.2.3', 'x'.repeat(65), 7, null, undefined]) expect(parseQuantity(bad), String(bad)).toBeNull();
  });

  it("sums each pod's containers; nodes by name", async () => {
    const pods = await fetchPodUsage(kc, 'default');
    expect(pods.total).toBe(30);
    expect(pods.usage.get('default/p-0')).toEqual({ cpu: 125, memory: 15 * MI });
    const nodes = await fetchNodeUsage(kc);
    expect([...nodes.usage.keys()]).toEqual(['node-1']);
  });

  it('an answer bigger than the cap is refused, not buffered; a cluster without metrics-server is said so', async () => {
    await expect(fetchPodUsage(kc, 'default', 2048)).rejects.toThrow('GET /apis/metrics.k8s.io/v1beta1/namespaces/default/pods: the answer is bigger than 2 KiB; not read');
    sim.configure({ metricsServer: false });
    try {
      await expect(fetchPodUsage(kc, null)).rejects.toBeInstanceOf(MetricsUnavailable);
    } finally {
      sim.configure({ metricsServer: true });
    }
  });
});
