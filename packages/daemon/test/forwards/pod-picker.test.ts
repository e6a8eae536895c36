import { describe, expect, it } from 'vitest';
import { PodPicker, type PodSource } from '../../src/forwards/pod-picker.js';
import { labelSelector } from '../../src/kube/label-selector.js';
import type { KubeObject } from '../../src/kube/types.js';

let uidN = 0;
function pod(name: string, opts: { labels?: Record<string, string>; ready?: boolean; phase?: string; deleting?: boolean; created?: string; ports?: Array<{ name: string; containerPort: number }> } = {}): KubeObject {
  return {
    metadata: {
      name,
      uid: `uid-${name}-${++uidN}`,
      labels: opts.labels ?? { app: 'web' },
      creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z',
      ...(opts.deleting ? { deletionTimestamp: '2024-01-02T00:00:00Z' } : {}),
    },
    spec: { containers: [{ name: 'main', ports: opts.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: opts.phase ?? 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

function source(pods: KubeObject[], known = true): PodSource {
  return { known: () => known, byUid: (uid) => pods.find((p) => p.metadata.uid === uid), all: () => pods };
}

const sel = labelSelector({ matchLabels: { app: 'web' } }, 'deployment/web')!;

describe('the pod a new connection goes to', () => {
  it('stays on a ready pod; when it is gone, takes the newest ready pod of the selector', () => {
    const a = pod('web-a');
    const picker = new PodPicker({ kind: 'selector', owner: 'deployment/web', selector: sel }, 8080, { pod: a, port: 8080 }, null);
    const b = pod('web-b', { created: '2024-01-03T00:00:00Z' });
    const c = pod('web-c', { created: '2024-01-02T00:00:00Z' });
    expect(picker.pick(source([a, b, c]))).toMatchObject({ ok: true, pod: 'web-a' });
    const other = pod('db-1', { labels: { app: 'db' }, created: '2024-02-01T00:00:00Z' });
    const notReady = pod('web-d', { ready: false, created: '2024-02-01T00:00:00Z' });
    const terminating = pod('web-e', { deleting: true, created: '2024-02-01T00:00:00Z' });
    expect(picker.pick(source([b, c, other, notReady, terminating]))).toMatchObject({ ok: true, pod: 'web-b', port: 8080 });
    // …and stays there.
    expect(picker.pick(source([c, b]))).toMatchObject({ ok: true, pod: 'web-b' });
  });

  it('says so when nothing ready runs behind the selector; keeps the old pod while it still runs', () => {
    const a = pod('web-a');
    const picker = new PodPicker({ kind: 'selector', owner: 'service/web', selector: sel }, 'http', { pod: a, port: 8080 }, null);
    expect(picker.pick(source([pod('web-x', { phase: 'Pending' })]))).toEqual({ ok: false, state: 'no ready pod', why: 'no ready pod behind service/web' });
    const unready = { ...a, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } };
    expect(picker.pick(source([unready]))).toMatchObject({ ok: true, pod: 'web-a' });
  });

  it('looks named target ports up on each pod', () => {
    const a = pod('web-a');
    const picker = new PodPicker({ kind: 'selector', owner: 'service/web', selector: sel }, 'http', { pod: a, port: 8080 }, null);
    const b = pod('web-b', { ports: [{ name: 'http', containerPort: 9000 }] });
    expect(picker.pick(source([b]))).toMatchObject({ ok: true, pod: 'web-b', port: 9000 });
    const c = pod('web-c', { ports: [{ name: 'grpc', containerPort: 9000 }] });
    expect(picker.pick(source([c]))).toEqual({ ok: false, state: 'no ready pod', why: "pod web-c has no container port named 'http'" });
  });

  it("a DaemonSet's pod is followed to its replacement on the same node, never to a sibling on another node", () => {
    const onNode = (p: KubeObject, node: string): KubeObject => ({ ...p, spec: { ...(p.spec as object), nodeName: node } });
    const a = onNode(pod('agent-a'), 'node-1');
    const picker = new PodPicker({ kind: 'selector', owner: 'daemonset/agent on node node-1', selector: sel, node: 'node-1' }, 8080, { pod: a, port: 8080 }, a.metadata.name);
    const elsewhere = onNode(pod('agent-b', { created: '2024-02-01T00:00:00Z' }), 'node-2');
    expect(picker.pick(source([elsewhere]))).toEqual({ ok: false, state: 'no ready pod', why: 'no ready pod behind daemonset/agent on node node-1' });
    const replacement = onNode(pod('agent-c', { created: '2024-01-05T00:00:00Z' }), 'node-1');
    expect(picker.pick(source([elsewhere, replacement]))).toMatchObject({ ok: true, pod: 'agent-c' });
  });

  it('a bare pod: gone, not running, re-created with the same name', () => {
    const a = pod('solo');
    const picker = new PodPicker({ kind: 'pod', name: 'solo' }, 80, { pod: a, port: 80 }, a.metadata.name);
    expect(picker.pick(source([]))).toEqual({ ok: false, state: 'pod gone', why: 'pod solo is gone' });
    expect(picker.pick(source([pod('solo', { phase: 'Succeeded' })]))).toEqual({ ok: false, state: 'pod not running', why: 'pod solo is not running (phase Succeeded)' });
    expect(picker.pick(source([pod('solo')]))).toMatchObject({ ok: true, pod: 'solo', port: 80 });
  });

  it('a pod asked for by name stays while it runs, ready or not; before the pods list arrives the last pod is used', () => {
    const a = pod('web-a', { ready: false });
    const picker = new PodPicker({ kind: 'selector', owner: 'deployment/web', selector: sel }, 8080, { pod: a, port: 8080 }, a.metadata.name);
    expect(picker.pick(source([a, pod('web-b')]))).toMatchObject({ ok: true, pod: 'web-a' });
    expect(picker.pick(source([], false))).toMatchObject({ ok: true, pod: 'web-a' });
  });

  it("a StatefulSet's pod is followed by name: never to a sibling, used again once re-created and running", () => {
    const stsSel = { labels: { app: 'db' } };
    const db0 = pod('db-0', stsSel);
    const db1 = pod('db-1', { ...stsSel, created: '2024-03-01T00:00:00Z' });
    const picker = new PodPicker({ kind: 'pod', name: 'db-0', recreatedBy: 'statefulset/db' }, 5432, { pod: db0, port: 5432 }, db0.metadata.name);
    expect(picker.pick(source([db0, db1]))).toMatchObject({ ok: true, pod: 'db-0' });
    const wait = '; waiting for statefulset/db to run it again';
    expect(picker.pick(source([pod('db-0', { ...stsSel, deleting: true }), db1]))).toEqual({ ok: false, state: 'pod not running', why: `pod db-0 is terminating${wait}` });
    expect(picker.pick(source([db1]))).toEqual({ ok: false, state: 'pod gone', why: `pod db-0 is gone${wait}` });
    expect(picker.pick(source([pod('db-0', { ...stsSel, phase: 'Pending', ready: false }), db1]))).toEqual({ ok: false, state: 'pod not running', why: `pod db-0 is not running (phase Pending)${wait}` });
    expect(picker.pick(source([db1, pod('db-0', stsSel)]))).toMatchObject({ ok: true, pod: 'db-0', port: 5432 });
  });

  it('a pod asked for by name is preferred again once it runs, after connections went to a sibling meanwhile', () => {
    const a = pod('web-a');
    const b = pod('web-b', { created: '2024-03-01T00:00:00Z' });
    const picker = new PodPicker({ kind: 'selector', owner: 'deployment/web', selector: sel }, 8080, { pod: a, port: 8080 }, a.metadata.name);
    expect(picker.pick(source([pod('web-a', { phase: 'Failed', ready: false }), b]))).toMatchObject({ ok: true, pod: 'web-b' });
    expect(picker.pick(source([b]))).toMatchObject({ ok: true, pod: 'web-b' });
    expect(picker.pick(source([b, pod('web-a', { ready: false })]))).toMatchObject({ ok: true, pod: 'web-a' });
  });

  it("started with no pod (restored while the pods were down): waits by name for a StatefulSet's pod, never a sibling", () => {
    const stsSel = { labels: { app: 'db' } };
    const db1 = pod('db-1', stsSel);
    const picker = new PodPicker({ kind: 'pod', name: 'db-0', recreatedBy: 'statefulset/db' }, 5432, null, 'db-0');
    expect(picker.currentPod).toEqual({ name: 'db-0', port: null });
    expect(picker.pick(source([db1], false))).toEqual({ ok: false, state: 'pod gone', why: 'waiting for the list of pods' });
    expect(picker.pick(source([db1]))).toEqual({ ok: false, state: 'pod gone', why: 'pod db-0 is gone; waiting for statefulset/db to run it again' });
    expect(picker.pick(source([db1, pod('db-0', stsSel)]))).toMatchObject({ ok: true, pod: 'db-0', port: 5432 });
    expect(picker.currentPod).toMatchObject({ name: 'db-0', port: 5432 });
  });

  it('started with no pod: a workload forward takes the first ready pod of its selector (on its node for a DaemonSet)', () => {
    const picker = new PodPicker({ kind: 'selector', owner: 'deployment/web', selector: sel }, 'http', null, null);
    expect(picker.currentPod).toEqual({ name: null, port: null });
    expect(picker.pick(source([], false))).toEqual({ ok: false, state: 'no ready pod', why: 'waiting for the list of pods' });
    expect(picker.pick(source([pod('web-a', { ready: false })]))).toEqual({ ok: false, state: 'no ready pod', why: 'no ready pod behind deployment/web' });
    expect(picker.pick(source([pod('web-a', { ready: false }), pod('web-b')]))).toMatchObject({ ok: true, pod: 'web-b', port: 8080 });

    const onNode = (name: string, node: string): KubeObject => ({ ...pod(name), spec: { nodeName: node, containers: [{ name: 'main', ports: [{ name: 'http', containerPort: 8080 }] }] } });
    const ds = new PodPicker({ kind: 'selector', owner: 'daemonset/agent on node node-1', selector: sel, node: 'node-1' }, 8080, null, 'agent-old');
    expect(ds.pick(source([onNode('agent-b', 'node-2')]))).toMatchObject({ ok: false, state: 'no ready pod' });
    expect(ds.pick(source([onNode('agent-b', 'node-2'), onNode('agent-c', 'node-1')]))).toMatchObject({ ok: true, pod: 'agent-c' });
  });
});
