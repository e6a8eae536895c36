import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import { nextInstance, whyEnded } from '../../src/kube/logs/container-end.js';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { startSimWithConfig } from '../sim-config.js';

/**
 * Why a follow stream ended, read from the pod as the API server has it: which ended runs the pod
 * will start again (the log then follows the next run) and which are over — by the pod's restart
 * policy, and for init containers (once when they succeed; a sidecar always), ephemeral containers
 * (never) and a pod being deleted.
 */

let sim: KubeSim;
let kc: KubeConfig;
const NS = 'ends';
let n = 0;

const terminated = (name: string, exitCode: number, id: string) => ({ name, ready: false, restartCount: 0, image: 'busybox', imageID: '', containerID: id, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', containerID: id, startedAt: '2026-12-05T10:00:00Z', finishedAt: '2026-12-05T10:01:00Z' } } });
const running = (name: string) => ({ name, ready: true, restartCount: 1, image: 'busybox', imageID: '', containerID: 'containerd://new', state: { running: { startedAt: '2026-12-05T10:02:00Z' } } });

/** A pod whose container `c` (in `field`) ended with `exitCode`; returns its name and uid. */
function podWith(o: { policy?: string; field?: 'containerStatuses' | 'initContainerStatuses' | 'ephemeralContainerStatuses'; exitCode: number; sidecar?: boolean; deleting?: boolean }): { name: string; uid: string } {
  const name = `p-${++n}`;
  const field = o.field ?? 'containerStatuses';
  const spec: Record<string, unknown> = { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox' }] };
  if (o.policy) spec.restartPolicy = o.policy;
  if (field === 'initContainerStatuses') spec.initContainers = [{ name: 'c', image: 'busybox', ...(o.sidecar ? { restartPolicy: 'Always' } : {}) }];
  if (field === 'ephemeralContainerStatuses') spec.ephemeralContainers = [{ name: 'c', image: 'busybox' }];
  const status: Record<string, unknown> = { phase: 'Running', containerStatuses: [field === 'containerStatuses' ? terminated('c', o.exitCode, 'containerd://old') : running('main')] };
  if (field === 'containerStatuses') spec.containers = [{ name: 'c', image: 'busybox' }];
  else status[field] = [terminated('c', o.exitCode, 'containerd://old')];
  const obj = sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, ...(o.deleting ? { finalizers: ['test/hold'] } : {}) }, spec, status }) as { metadata: { uid: string } };
  if (o.deleting) sim.deleteObject('v1', 'Pod', name, NS);
  return { name, uid: obj.metadata.uid };
}

const target = (pod: string) => ({ context: 'sim', namespace: NS, pod, container: 'c', previous: false });

beforeAll(async () => {
  ({ sim, kc } = await startSimWithConfig());
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
});
afterAll(async () => {
  await sim?.stop();
});

describe('whyEnded: a run that the pod starts again, or the end of the log', () => {
  const cases: Array<[string, Parameters<typeof podWith>[0], boolean]> = [
    ['Always (the default), exit 0', { exitCode: 0 }, true],
    ['Always, a crash', { policy: 'Always', exitCode: 2 }, true],
    ['OnFailure, a crash', { policy: 'OnFailure', exitCode: 1 }, true],
    ['OnFailure, exit 0', { policy: 'OnFailure', exitCode: 0 }, false],
    ['Never, a crash', { policy: 'Never', exitCode: 137 }, false],
    ['an init container that succeeded (Always pod)', { field: 'initContainerStatuses', exitCode: 0 }, false],
    ['an init container that failed (Always pod)', { field: 'initContainerStatuses', exitCode: 1 }, true],
    ['an init container that failed (Never pod)', { policy: 'Never', field: 'initContainerStatuses', exitCode: 1 }, false],
    ['a sidecar (init, restartPolicy Always) that exited 0', { policy: 'Never', field: 'initContainerStatuses', exitCode: 0, sidecar: true }, true],
    ['an ephemeral container', { field: 'ephemeralContainerStatuses', exitCode: 1 }, false],
    ['a pod being deleted', { exitCode: 2, deleting: true }, false],
  ];
  for (const [what, o, restarts] of cases) {
    it(`${what}: ${restarts ? 'its next run is waited for' : 'the log is over'}`, async () => {
      const p = podWith(o);
      const v = await whyEnded(kc, target(p.name), p.uid);
      expect(v.over).toBe(true);
      if (!v.over) return;
      expect(v.reason).toMatch(/^container terminated \(exit code \d+\)$|^pod deleted$/);
      expect(v.restarts !== undefined).toBe(restarts);
    });
  }
});

describe('nextInstance: whether the next run has started', () => {
  it('not yet while it waits; started once it runs; over when the pod is deleted', async () => {
    const p = podWith({ exitCode: 2 });
    const v = await whyEnded(kc, target(p.name), p.uid);
    if (!v.over || !v.restarts) throw new Error('expected a run to wait for');
    expect(await nextInstance(kc, target(p.name), p.uid, v.restarts)).toEqual({ kind: 'not yet' });
    // CrashLoopBackOff: waiting, the run that ended as lastState: still not yet.
    sim.patchObject('v1', 'Pod', p.name, NS, { status: { containerStatuses: [{ ...terminated('c', 2, 'containerd://old'), state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: terminated('c', 2, 'containerd://old').state.terminated } }] } });
    expect(await nextInstance(kc, target(p.name), p.uid, v.restarts)).toEqual({ kind: 'not yet' });
    // A later run that already ended (another container id) counts as started: its log is read.
    sim.patchObject('v1', 'Pod', p.name, NS, { status: { containerStatuses: [terminated('c', 2, 'containerd://later')] } });
    expect(await nextInstance(kc, target(p.name), p.uid, v.restarts)).toEqual({ kind: 'started' });
    sim.patchObject('v1', 'Pod', p.name, NS, { status: { containerStatuses: [{ ...running('c') }] } });
    expect(await nextInstance(kc, target(p.name), p.uid, v.restarts)).toEqual({ kind: 'started' });
    sim.deleteObject('v1', 'Pod', p.name, NS);
    expect(await nextInstance(kc, target(p.name), p.uid, v.restarts)).toEqual({ kind: 'over', reason: 'pod deleted' });
  });
});
