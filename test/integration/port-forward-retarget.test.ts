import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import { waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { whoAnswers } from '../helpers/forward-who.js';

/**
 * A forward follows the pods behind it: to a Deployment, a Service (its port mapped to the pods'
 * named targetPort) or a pod with an owner, new connections reach a running pod of the same
 * owner or Service after the old pod is deleted or a rollout replaced it; a forward to a bare pod
 * that is gone says so; a forward to a StatefulSet's pod waits for that very pod. kube-sim's controller plays the ReplicaSet controller and the kubelet; the
 * sim's own responder on each declared container port answers with the pod's name.
 */

let env: TestEnv;
let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let script: RawClient;
let nsCounter = 0;
let ns = '';

const NODE = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' } },
  status: { allocatable: { cpu: '8', memory: '16Gi' }, conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '172.18.0.9' }] },
};

const deployment = (name: string, namespace: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, annotations: { 'sim.kubetile.dev/start-delay': '0.2' } },
      spec: { containers: [{ name: 'main', image: 'ghcr.io/example/api:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
  },
});

const service = (name: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] },
});

const statefulSet = (name: string, namespace: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace },
  spec: {
    replicas,
    serviceName: name,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, annotations: { 'sim.kubetile.dev/start-delay': '0.5' } },
      spec: { containers: [{ name: 'main', image: 'ghcr.io/example/db:1', ports: [{ name: 'db', containerPort: 5432 }] }] },
    },
  },
});

const readyPods = (namespace: string, app: string): string[] =>
  sim
    .listObjects('v1', 'Pod', namespace)
    .filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp)
    .filter((p) => ((p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => p.metadata.name!);

async function oneReadyPod(app: string, not?: string): Promise<string> {
  return waitFor(`a ready ${app} pod${not ? ` other than ${not}` : ''}`, () => readyPods(ns, app).find((n) => n !== not), 30_000);
}

type Info = { id: string; target: string; pod: string | null; podPort: number | null; state: string; error: string | null; namespace: string };
async function forward(id: string): Promise<Info> {
  const { forwards } = await script.request<{ forwards: Info[] }>('portForward/list');
  return forwards.find((f) => f.id === id)!;
}

/** Fresh connections until one is answered by a pod other than `old`; connections may fail while nothing runs. */
async function waitNewPod(port: number, old: string): Promise<string> {
  return waitFor(`an answer from a pod other than ${old}`, async () => {
    const pod = await whoAnswers(port).catch(() => null);
    return pod && pod !== old ? pod : null;
  }, 45_000, 200);
}

beforeAll(async () => {
  stack = await startSimDaemon({ sim: { controller: true, config: { podTerminationMs: 300 } }, beforeDaemon: (s) => void s.createObject(NODE), client: true });
  ({ env, sim, client: script } = stack);
});
afterAll(() => stack?.stop());
beforeEach(() => {
  ns = `rt-${++nsCounter}`;
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});

describe('a forward follows the pods behind it', () => {
  it('to a Deployment: after its pod is deleted, new connections reach the replacement', async () => {
    sim.createObject(deployment('web', ns));
    const first = await oneReadyPod('web');
    const f = await script.request<{ id: string; localPort: number; pod: string; podPort: number }>('portForward/start', { namespace: ns, deployment: 'web', remotePort: 8080 });
    expect(f).toMatchObject({ pod: first, podPort: 8080 });
    expect(await whoAnswers(f.localPort)).toBe(first);

    sim.deleteObject('v1', 'Pod', first, ns);
    const second = await waitNewPod(f.localPort, first);
    expect(readyPods(ns, 'web')).toContain(second);
    await waitFor('the list to name the new pod', async () => (await forward(f.id)).pod === second);
    expect(await forward(f.id)).toMatchObject({ state: 'active', pod: second });
    await script.request('portForward/stop', { id: f.id });
  });

  it('to a Service: the service port goes to the named targetPort, and a rollout moves it to a pod of the new ReplicaSet', async () => {
    sim.createObject(deployment('api', ns));
    sim.createObject(service('api', ns));
    const first = await oneReadyPod('api');
    const c = await RawClient.connect(env.socket);
    await c.attach({ cols: 160, rows: 40 });
    try {
      const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'services' } }, newTab: true });
      await c.request('kube/use', { tabId, namespace: ns });
      const r = await waitFor('the service listed, then forwarded', () =>
        c.request<{ message: string }>('resource/action', { paneId, action: 'port-forward', target: { name: 'api' }, args: { remotePort: 80, localPort: 0 } }).catch(() => null),
      );
      // ::1 too, on the same port, where the machine has IPv6.
      expect(r.message).toMatch(new RegExp(`^Forwarding service/api:80 -> 127\\.0\\.0\\.1:(\\d+)(?:, \\[::1\\]:\\1)? \\(pod ${first}:8080\\)$`));
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(r.message)![1]);
      expect(await whoAnswers(port)).toBe(first);

      // A rollout: a new ReplicaSet, the old pod terminates.
      sim.patchObject('apps/v1', 'Deployment', 'api', ns, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } });
      const second = await waitNewPod(port, first);
      const rsOf = (pod: string): string | undefined => sim.getObject('v1', 'Pod', pod, ns)?.metadata.ownerReferences?.[0]?.name;
      expect(rsOf(second)).toBeDefined();
      expect(rsOf(second)).not.toBe(rsOf(first) ?? 'gone');
    } finally {
      c.close();
    }
  });

  it('to a pod with an owner: the pod is followed through its Deployment', async () => {
    sim.createObject(deployment('worker', ns));
    const first = await oneReadyPod('worker');
    const f = await script.request<{ id: string; localPort: number }>('portForward/start', { namespace: ns, pod: first, remotePort: 8080 });
    expect(await whoAnswers(f.localPort)).toBe(first);
    sim.deleteObject('v1', 'Pod', first, ns);
    const second = await waitNewPod(f.localPort, first);
    expect(second).toMatch(/^worker-/);
    await waitFor('the forward to say where it goes', async () => (await forward(f.id)).pod === second);
    expect((await forward(f.id)).state).toBe('active');
    await script.request('portForward/stop', { id: f.id });
  });

  it("to a StatefulSet's pod: waits for that pod to come back, never goes to its sibling, and uses it again", async () => {
    sim.createObject(statefulSet('db', ns, 2));
    await waitFor('db-0 and db-1 ready', () => ['db-0', 'db-1'].every((n) => readyPods(ns, 'db').includes(n)), 30_000);
    const f = await script.request<{ id: string; localPort: number; pod: string }>('portForward/start', { namespace: ns, pod: 'db-0', remotePort: 5432 });
    expect(f.pod).toBe('db-0');
    expect(await whoAnswers(f.localPort)).toBe('db-0');
    const oldUid = sim.getObject('v1', 'Pod', 'db-0', ns)!.metadata.uid;

    // A finalizer holds the deleted db-0 in Terminating (as a real one may), so the wait can be looked at.
    sim.patchObject('v1', 'Pod', 'db-0', ns, { metadata: { finalizers: ['test.kubetile.dev/hold'] } });
    sim.deleteObject('v1', 'Pod', 'db-0', ns);
    const waiting = await waitFor('the forward to wait for db-0', async () => {
      const x = await forward(f.id);
      return x.state !== 'active' ? x : null;
    });
    expect(waiting).toMatchObject({ target: 'pod/db-0', pod: 'db-0', state: 'pod not running', error: 'pod db-0 is terminating; waiting for statefulset/db to run it again' });
    expect(readyPods(ns, 'db')).toContain('db-1');
    // db-1 is ready, but it is not db-0: the connection is closed, the reason kept.
    await expect(whoAnswers(f.localPort)).rejects.toThrow(/socket hang up|ECONNRESET/);

    sim.patchObject('v1', 'Pod', 'db-0', ns, { metadata: { finalizers: null } });
    // Every connection until the new db-0 runs is closed or answered by db-0, never by db-1.
    const answers = new Set<string>();
    await waitFor('an answer from the new db-0', async () => {
      const pod = await whoAnswers(f.localPort).catch(() => null);
      if (pod) answers.add(pod);
      return pod === 'db-0';
    }, 45_000, 100);
    expect([...answers]).toEqual(['db-0']);
    expect(sim.getObject('v1', 'Pod', 'db-0', ns)!.metadata.uid).not.toBe(oldUid);
    for (let i = 0; i < 5; i++) expect(await whoAnswers(f.localPort)).toBe('db-0');
    expect(await forward(f.id)).toMatchObject({ target: 'pod/db-0', pod: 'db-0', state: 'active' });
    await script.request('portForward/stop', { id: f.id });
  });

  it('to a bare pod that is gone: the state says so and connections are closed with the reason', async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lonely', namespace: ns, labels: { app: 'lonely' } }, spec: { containers: [{ name: 'main', image: 'busybox', ports: [{ containerPort: 7000 }] }] } });
    await oneReadyPod('lonely');
    const f = await script.request<{ id: string; localPort: number }>('portForward/start', { namespace: ns, pod: 'lonely', remotePort: 7000 });
    expect(await whoAnswers(f.localPort)).toBe('lonely');
    sim.deleteObject('v1', 'Pod', 'lonely', ns);
    const gone = await waitFor('the state to say the pod is gone', async () => {
      const x = await forward(f.id);
      return x.state === 'pod gone' ? x : null;
    });
    expect(gone.error).toBe('pod lonely is gone');
    await expect(whoAnswers(f.localPort)).rejects.toThrow(/socket hang up|ECONNRESET/);
    await script.request('portForward/stop', { id: f.id });
  });
});
