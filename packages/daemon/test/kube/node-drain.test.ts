import { describe, expect, it } from 'vitest';
import { drained, drainSummary, drainVerdict, type DrainResult } from '../../src/kube/node-drain.js';
import type { ObjectRef } from '../../src/kube/object-ref.js';
import type { KubeObject } from '../../src/kube/types.js';

const pod = (extra: { owner?: string; phase?: string; volumes?: unknown[]; annotations?: Record<string, string> } = {}): KubeObject => ({
  metadata: {
    name: 'p',
    namespace: 'default',
    uid: 'u',
    ...(extra.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: extra.owner, name: 'o', uid: 'ou', controller: true }] } : {}),
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
  },
  spec: { containers: [], ...(extra.volumes ? { volumes: extra.volumes } : {}) },
  status: { phase: extra.phase ?? 'Running' },
});

/** What a drain does with each pod: kubectl drain's filters, with --ignore-daemonsets and without --force / --delete-emptydir-data. */
describe('drain verdicts', () => {
  it('evicts controlled pods; skips DaemonSet and static pods; leaves bare pods and emptyDir data; finished pods go whatever made them', () => {
    expect(drainVerdict(pod({ owner: 'ReplicaSet' }))).toBeNull();
    expect(drainVerdict(pod({ owner: 'StatefulSet', volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }] }))).toBeNull();
    expect(drainVerdict(pod({ owner: 'DaemonSet' }))).toEqual({ skip: 'DaemonSet pod' });
    expect(drainVerdict(pod({ owner: 'ReplicaSet', annotations: { 'kubernetes.io/config.mirror': 'x' } }))).toEqual({ skip: 'static pod (the kubelet runs it from a file)' });
    expect(drainVerdict(pod())).toMatchObject({ leave: expect.stringContaining('--force') });
    expect(drainVerdict(pod({ owner: 'ReplicaSet', volumes: [{ name: 'v', emptyDir: {} }] }))).toMatchObject({ leave: expect.stringContaining('--delete-emptydir-data') });
    expect(drainVerdict(pod({ phase: 'Succeeded' }))).toBeNull();
    expect(drainVerdict(pod({ phase: 'Failed', volumes: [{ name: 'v', emptyDir: {} }] }))).toBeNull();
    // An owner that is not the controller does not count as one.
    const adopted = pod();
    adopted.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'o', uid: 'ou' }];
    expect(drainVerdict(adopted)).toMatchObject({ leave: expect.any(String) });
  });

  it('the summary names at most four pods a group and counts the rest', () => {
    const node = { kind: 'Node', name: 'n1', namespace: null } as ObjectRef;
    const r: DrainResult = { evicted: ['a/x'], skipped: [], left: [], blocked: Array.from({ length: 6 }, (_, i) => ({ pod: `a/p${i}`, why: 'budget' })), failed: [], terminating: [] };
    expect(drainSummary(node, r)).toBe('Node n1 not drained: cordoned, evicted 1 pod; refused by a disruption budget: a/p0 (budget), a/p1 (budget), a/p2 (budget), a/p3 (budget) and 2 more');
    expect(drainSummary(node, { ...r, blocked: [] })).toBe('drained Node n1: cordoned, evicted 1 pod');
    // An evicted pod still there when the time ran out: not drained yet.
    const slow = { ...r, blocked: [], terminating: [{ pod: 'a/x', why: 'grace period 30 s' }] };
    expect(drainSummary(node, slow)).toBe('Node n1 not drained: cordoned, evicted 1 pod; still terminating when the time ran out: a/x (grace period 30 s)');
    expect(drained(slow)).toBe(false);
  });
});
