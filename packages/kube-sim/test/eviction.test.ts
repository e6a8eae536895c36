/**
 * pods/eviction as the API server answers it: the pod goes unless the PodDisruptionBudget over it
 * has no disruption left (429 with a DisruptionBudget cause), two budgets over one pod are a 500,
 * and a malformed Eviction or a stale uid precondition changes nothing. `kubectl drain` against it
 * evicts what it may and stops at the budget.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { KubeSim } from '../src/index.js';
import { haveKubectl, kubectlRunner } from './kubectl-runner.js';
import { raw, runningPod, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);
const kubectl = kubectlRunner();
afterAll(() => kubectl.cleanup());

const evictionPath = (name: string, ns = 'default'): string => `/api/v1/namespaces/${ns}/pods/${name}/eviction`;
const eviction = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...extra });

function webPod(sim: KubeSim, name: string, labels: Record<string, string> = { app: 'web' }): string {
  const p = runningPod(name);
  const made = sim.createObject({ ...p, metadata: { ...p.metadata, labels } });
  return made.metadata.uid;
}

function budget(sim: KubeSim, name: string, spec: Record<string, unknown>): void {
  sim.createObject({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } });
}

const podNames = (sim: KubeSim): string[] => sim.listObjects('v1', 'Pod', 'default').filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();

describe('pods/eviction', () => {
  it('evicts a pod no budget covers (201 Success); the neighbour stays', async () => {
    const { sim } = await startSim();
    webPod(sim, 'web-1');
    webPod(sim, 'web-10');
    const r = await raw(sim, 'POST', evictionPath('web-1'), { body: eviction('web-1') });
    expect(r.status).toBe(201);
    expect(JSON.parse(r.body)).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(podNames(sim)).toEqual(['web-10']);
  });

  it('refuses with 429 and the budget named when it has no disruption left; lets one go when it has', async () => {
    const { sim } = await startSim();
    for (const n of ['web-1', 'web-2', 'web-3']) webPod(sim, n);
    budget(sim, 'web-pdb', { minAvailable: 2 });
    expect((await raw(sim, 'POST', evictionPath('web-1'), { body: eviction('web-1') })).status).toBe(201);
    const r = await raw(sim, 'POST', evictionPath('web-2'), { body: eviction('web-2') });
    expect(r.status).toBe(429);
    const s = JSON.parse(r.body) as { reason: string; message: string; details: { causes: Array<{ reason: string; message: string }> } };
    expect(s.reason).toBe('TooManyRequests');
    expect(s.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(s.details.causes[0]).toEqual({ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' });
    expect(podNames(sim)).toEqual(['web-2', 'web-3']);
  });

  it('maxUnavailable as a percentage, a pod outside the selector, and a pending pod are judged as the API server does', async () => {
    const { sim } = await startSim();
    for (const n of ['web-1', 'web-2']) webPod(sim, n);
    webPod(sim, 'db-1', { app: 'db' });
    const pending = runningPod('web-3');
    sim.createObject({ ...pending, metadata: { ...pending.metadata, labels: { app: 'web' } }, status: { phase: 'Pending' } });
    budget(sim, 'web-pdb', { minAvailable: undefined, maxUnavailable: '0%' });
    expect((await raw(sim, 'POST', evictionPath('web-1'), { body: eviction('web-1') })).status).toBe(429);
    expect((await raw(sim, 'POST', evictionPath('db-1'), { body: eviction('db-1') })).status).toBe(201);
    expect((await raw(sim, 'POST', evictionPath('web-3'), { body: eviction('web-3') })).status).toBe(201);
    expect(podNames(sim)).toEqual(['web-1', 'web-2']);
  });

  it('two budgets over one pod: 500, nothing evicted', async () => {
    const { sim } = await startSim();
    webPod(sim, 'web-1');
    budget(sim, 'a', { maxUnavailable: 1 });
    budget(sim, 'b', { maxUnavailable: 1 });
    const r = await raw(sim, 'POST', evictionPath('web-1'), { body: eviction('web-1') });
    expect(r.status).toBe(500);
    expect(r.body).toContain('more than one PodDisruptionBudget');
    expect(podNames(sim)).toEqual(['web-1']);
  });

  it('bad Evictions change nothing: another name, another kind, a stale uid, no such pod, GET', async () => {
    const { sim } = await startSim();
    webPod(sim, 'web-1');
    const other = await raw(sim, 'POST', evictionPath('web-1'), { body: eviction('web-10') });
    expect(other.status).toBe(400);
    expect(other.body).toContain('name in URL does not match name in Eviction object');
    const kind = await raw(sim, 'POST', evictionPath('web-1'), { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1' } } });
    expect(kind.status).toBe(400);
    const stale = await raw(sim, 'POST', evictionPath('web-1'), { body: eviction('web-1', { deleteOptions: { preconditions: { uid: 'not-its-uid' } } }) });
    expect(stale.status).toBe(409);
    expect((await raw(sim, 'POST', evictionPath('nope'), { body: eviction('nope') })).status).toBe(404);
    expect((await raw(sim, 'GET', evictionPath('web-1'))).status).toBe(405);
    expect(podNames(sim)).toEqual(['web-1']);
  });

  it.skipIf(!haveKubectl)('kubectl drain cordons, evicts, and stops at a budget with its message', async () => {
    const { sim } = await startSim();
    sim.createObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } });
    for (const n of ['web-1', 'web-2']) webPod(sim, n);
    budget(sim, 'web-pdb', { minAvailable: 2 });
    const blocked = await kubectl.run(sim, ['drain', 'node-1', '--force', '--timeout=3s']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(sim.getObject('v1', 'Node', 'node-1', '')?.spec?.['unschedulable']).toBe(true);
    expect(podNames(sim)).toEqual(['web-1', 'web-2']);
    sim.deleteObject('policy/v1', 'PodDisruptionBudget', 'web-pdb');
    const done = await kubectl.run(sim, ['drain', 'node-1', '--force', '--timeout=30s']);
    expect(done.stdout + done.stderr).toContain('node/node-1 drained');
    expect(done.code).toBe(0);
    expect(podNames(sim)).toEqual([]);
  });

  it.skipIf(!haveKubectl)('with the controller running, a budget\'s status follows its pods and kubectl get pdb prints it', async () => {
    const { sim } = await startSim({ controller: true });
    for (const n of ['web-1', 'web-2', 'web-3']) webPod(sim, n);
    budget(sim, 'web-pdb', { minAvailable: 2 });
    const status = () => sim.getObject('policy/v1', 'PodDisruptionBudget', 'web-pdb')?.status as Record<string, unknown> | undefined;
    await waitFor(() => status()?.['disruptionsAllowed'] === 1, 'the budget processed');
    expect(status()).toMatchObject({ expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, observedGeneration: 1 });
    const got = await kubectl.run(sim, ['get', 'pdb']);
    expect(got.stdout).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\n/);
    expect(got.stdout).toMatch(/\nweb-pdb\s+2\s+N\/A\s+1\s+\S+\n/);
    sim.deleteObject('v1', 'Pod', 'web-3');
    await waitFor(() => status()?.['disruptionsAllowed'] === 0, 'one pod fewer');
    expect(status()).toMatchObject({ expectedPods: 2, currentHealthy: 2, disruptionsAllowed: 0 });
  });
});

