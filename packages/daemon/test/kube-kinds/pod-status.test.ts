import { describe, expect, it } from 'vitest';
import { podReady, podRestarts, podStatus } from '../../src/kube/kinds/index.js';
import * as P from './fixtures/pods.js';
import { NOW } from './fixtures/time.js';

describe('podStatus (kubectl printPod)', () => {
  const cases: Array<[string, unknown, string]> = [
    ['running', P.runningPod, 'Running'],
    ['crash loop', P.crashLoopPod, 'CrashLoopBackOff'],
    ['container creating', P.containerCreatingPod, 'ContainerCreating'],
    ['pending unscheduled', P.unscheduledPod, 'Pending'],
    ['first init container running', P.initPod, 'Init:0/1'],
    ['second init container running', P.initSecondPod, 'Init:1/2'],
    ['init container crash looping', P.initErrorPod, 'Init:CrashLoopBackOff'],
    ['image pull back-off', P.imagePullPod, 'ImagePullBackOff'],
    ['completed', P.completedPod, 'Completed'],
    ['error', P.errorPod, 'Error'],
    ['terminating', P.terminatingPod, 'Terminating'],
    ['OOM killed', P.oomPod, 'OOMKilled'],
    ['completed container next to a running one, pod not Ready', P.notReadyPod, 'NotReady'],
    ['node lost while deleting', P.nodeLostPod, 'Unknown'],
    ['native sidecar', P.sidecarPod, 'Running'],
  ];
  for (const [what, pod, want] of cases) {
    it(what, () => expect(podStatus(pod)).toBe(want));
  }

  it('a completed container next to a running one in a Ready pod reads Running', () => {
    const pod = structuredClone(P.notReadyPod);
    const conds = (pod.status?.['conditions'] as Array<Record<string, unknown>>) ?? [];
    for (const c of conds) c['status'] = 'True';
    expect(podStatus(pod)).toBe('Running');
  });

  it('terminated without reason prints ExitCode / Signal', () => {
    const pod = structuredClone(P.errorPod);
    const cs = (pod.status?.['containerStatuses'] as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    cs['state'] = { terminated: { exitCode: 3 } };
    expect(podStatus(pod)).toBe('ExitCode:3');
    cs['state'] = { terminated: { exitCode: 0, signal: 9 } };
    expect(podStatus(pod)).toBe('Signal:9');
  });

  it('never throws on junk', () => {
    for (const junk of [undefined, null, 42, 'pod', [], {}, { status: 'x' }, { status: { containerStatuses: [null, 1, { state: null }] } }]) {
      expect(() => podStatus(junk)).not.toThrow();
    }
    expect(podStatus({ metadata: {}, status: {} })).toBe('');
  });
});

describe('pod READY and RESTARTS', () => {
  it('counts ready containers over all (sidecars included)', () => {
    expect(podReady(P.runningPod)).toBe('1/1');
    expect(podReady(P.crashLoopPod)).toBe('0/1');
    expect(podReady(P.sidecarPod)).toBe('2/2');
    expect(podReady(P.notReadyPod)).toBe('1/2');
  });

  it('prints the restart count with how long ago the last one was', () => {
    expect(podRestarts(P.runningPod, NOW)).toBe('0');
    expect(podRestarts(P.crashLoopPod, NOW)).toBe('5 (3m ago)');
    expect(podRestarts(P.oomPod, NOW)).toBe('1 (5m ago)');
    // only the sidecar's restarts count once the pod is initialised
    expect(podRestarts(P.sidecarPod, NOW)).toBe('2 (30m ago)');
  });

  it('counts restarts wherever a container reports them, and 0 only when none does', () => {
    const finished = { terminated: { exitCode: 1, finishedAt: new Date(NOW - 120_000).toISOString() } };
    const pod = (init: number[], app: number[]) => ({
      metadata: { name: 'p' },
      spec: { initContainers: init.map((_, i) => ({ name: `i${i}`, restartPolicy: 'Always' })), containers: app.map((_, i) => ({ name: `c${i}` })) },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: init.map((n, i) => ({ name: `i${i}`, restartCount: n, started: true, ready: true, lastState: n ? finished : {} })),
        containerStatuses: app.map((n, i) => ({ name: `c${i}`, restartCount: n, ready: true, state: { running: {} }, lastState: n ? finished : {} })),
      },
    });
    expect(podRestarts(pod([], [0, 0]), NOW)).toBe('0');
    expect(podRestarts(pod([0], [0]), NOW)).toBe('0');
    expect(podRestarts(pod([], [0, 3]), NOW)).toBe('3 (2m ago)');
    expect(podRestarts(pod([4], [0]), NOW)).toBe('4 (2m ago)');
  });
});
