import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeSim } from '@kubetile/kube-sim';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimFor } from '../helpers/sim-daemon.js';
import { whoAnswers } from '../helpers/forward-who.js';

/**
 * A saved forward whose pods are down when the daemon restarts (a StatefulSet's pod deleted or
 * terminating, a DaemonSet's pod being replaced, a Deployment or Service scaled to zero) comes back
 * waiting, as a running forward waits when its pod goes: listed with its local port and a state
 * that says what it waits for, still saved (a second restart keeps it), and carrying traffic to the
 * right pod once that pod runs again — never to a sibling. A forward whose StatefulSet is gone for
 * good is dropped with a toast naming it. kube-sim's controller plays the workload controllers and
 * the kubelet; its responder on each declared container port answers with the pod's name.
 */

let simEnv: TestEnv;
let sim: KubeSim;
let env: TestEnv;
let daemon: DaemonProcess | null = null;
let nsCounter = 0;
let ns = '';
const clients: RawClient[] = [];

const node = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { allocatable: { cpu: '8', memory: '16Gi' }, conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '172.18.0.9' }] },
});

const template = (app: string, port: { name: string; containerPort: number }) => ({
  metadata: { labels: { app }, annotations: { 'sim.kubetile.dev/start-delay': '0.3' } },
  spec: { containers: [{ name: 'main', image: `ghcr.io/example/${app}:1`, ports: [port] }] },
});

const statefulSet = (name: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: ns },
  spec: { replicas, serviceName: name, selector: { matchLabels: { app: name } }, template: template(name, { name: 'db', containerPort: 5432 }) },
});

const daemonSet = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace: ns },
  spec: { selector: { matchLabels: { app: name } }, template: template(name, { name: 'metrics', containerPort: 9100 }) },
});

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: template(name, { name: 'http', containerPort: 8080 }) },
});

const service = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { selector: { app: name }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] },
});

type Info = { id: string; target: string; pod: string | null; state: string; error: string | null; localPort: number };

beforeAll(async () => {
  simEnv = makeTestEnv();
  sim = await startSimFor(simEnv, { controller: true, config: { podTerminationMs: 300 } });
  sim.createObject(node('node-a'));
  sim.createObject(node('node-b'));
});
afterAll(async () => {
  await sim?.stop();
  simEnv?.cleanup();
});
beforeEach(() => {
  ns = `rw-${++nsCounter}`;
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  env = makeTestEnv();
  env.env.KUBECONFIG = simEnv.env.KUBECONFIG!;
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

async function connect(): Promise<RawClient> {
  const c = await RawClient.connect(env.socket);
  clients.push(c);
  return c;
}

const stateFile = (): string => join(env.dir, 'state', 'kubetile', 'sessions.json');
const saved = (text: string): boolean => existsSync(stateFile()) && readFileSync(stateFile(), 'utf8').includes(text);

/** kill -9 of the daemon once `text` is in its saved state. */
async function crashAfterSaving(text: string): Promise<void> {
  await waitFor(`${text} saved`, () => saved(text));
  for (const c of clients.splice(0)) c.close();
  daemon!.child.kill('SIGKILL');
  await daemon!.exited;
}

async function forwards(c: RawClient): Promise<Info[]> {
  return (await c.request<{ forwards: Info[] }>('portForward/list')).forwards;
}

/** The forward to `target` once it is listed waiting, its error saying what for. */
async function waitingForward(c: RawClient, target: string, why: RegExp): Promise<Info> {
  return waitFor(`${target} listed, waiting (${String(why)})`, async () => (await forwards(c)).find((f) => f.target === target && f.state !== 'active' && why.test(f.error ?? '')), 30_000);
}

/** Fresh connections until one is answered; every answer on the way is kept (connections may be closed meanwhile). */
async function answersUntilOne(port: number, answers: Set<string>): Promise<string> {
  return waitFor('an answer through the forward', async () => {
    const pod = await whoAnswers(port).catch(() => null);
    if (pod) answers.add(pod);
    return pod;
  }, 45_000, 100);
}

const isReady = (p: { status?: unknown }): boolean =>
  ((p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const pods = (app: string) => sim.listObjects('v1', 'Pod', ns).filter((p) => p.metadata.labels?.app === app);
const readyPods = (app: string) => pods(app).filter((p) => !p.metadata.deletionTimestamp && isReady(p));
const nodeOf = (p: { spec?: unknown }): string | undefined => (p.spec as { nodeName?: string } | undefined)?.nodeName;

describe('a saved forward whose pods are down at the restart waits for them', () => {
  it("to a StatefulSet's pod deleted meanwhile: listed waiting for that pod (also after a second restart), then back on db-0, never on db-1", async () => {
    sim.createObject(statefulSet('db', 2));
    await waitFor('db-0 and db-1 ready', () => ['db-0', 'db-1'].every((n) => readyPods('db').some((p) => p.metadata.name === n)), 30_000);
    daemon = await startDaemon(env);
    const f = await (await connect()).request<{ id: string; localPort: number }>('portForward/start', { namespace: ns, pod: 'db-0', remotePort: 5432 });
    expect(await whoAnswers(f.localPort)).toBe('db-0');
    await crashAfterSaving('"db-0"');

    // Scaled to zero while no daemon runs: db-0 is gone when the next one restores its forward.
    sim.patchObject('apps/v1', 'StatefulSet', 'db', ns, { spec: { replicas: 0 } });
    await waitFor('the db pods gone', () => pods('db').length === 0, 30_000);
    daemon = await startDaemon(env);
    let c = await connect();
    const waiting = await waitingForward(c, 'pod/db-0', /statefulset\/db/);
    expect(waiting).toMatchObject({ localPort: f.localPort, pod: 'db-0', state: 'pod gone', error: 'pod db-0 is gone; waiting for statefulset/db to run it again' });
    await expect(whoAnswers(f.localPort)).rejects.toThrow(/socket hang up|ECONNRESET/);

    // Still saved while it waits: a graceful restart (which writes the state the daemon holds on its way out) keeps it.
    for (const x of clients.splice(0)) x.close();
    await daemon.stop();
    expect(saved('"db-0"')).toBe(true);
    daemon = await startDaemon(env);
    c = await connect();
    expect(await waitingForward(c, 'pod/db-0', /statefulset\/db/)).toMatchObject({ localPort: f.localPort, state: 'pod gone' });

    // Scaled up again: db-0 and db-1 come back together; every answer is db-0's, none db-1's.
    sim.patchObject('apps/v1', 'StatefulSet', 'db', ns, { spec: { replicas: 2 } });
    await waitFor('db-0 re-created', () => sim.getObject('v1', 'Pod', 'db-0', ns), 30_000);
    const answers = new Set<string>();
    expect(await answersUntilOne(f.localPort, answers)).toBe('db-0');
    expect([...answers]).toEqual(['db-0']);
    for (let i = 0; i < 3; i++) expect(await whoAnswers(f.localPort)).toBe('db-0');
    expect((await forwards(c)).map((x) => [x.target, x.localPort, x.state, x.pod])).toEqual([['pod/db-0', f.localPort, 'active', 'db-0']]);
  }, 180_000);

  it("to a StatefulSet's pod terminating at the restart: listed waiting, then back on the new db-0", async () => {
    sim.createObject(statefulSet('pg', 2));
    await waitFor('pg-0 and pg-1 ready', () => ['pg-0', 'pg-1'].every((n) => readyPods('pg').some((p) => p.metadata.name === n)), 30_000);
    daemon = await startDaemon(env);
    const f = await (await connect()).request<{ id: string; localPort: number }>('portForward/start', { namespace: ns, pod: 'pg-0', remotePort: 5432 });
    expect(await whoAnswers(f.localPort)).toBe('pg-0');
    await crashAfterSaving('"pg-0"');

    // A finalizer holds the deleted pg-0 in Terminating across the restart.
    const oldUid = sim.getObject('v1', 'Pod', 'pg-0', ns)!.metadata.uid;
    sim.patchObject('v1', 'Pod', 'pg-0', ns, { metadata: { finalizers: ['test.kubetile.dev/hold'] } });
    sim.deleteObject('v1', 'Pod', 'pg-0', ns);
    daemon = await startDaemon(env);
    const c = await connect();
    const waiting = await waitingForward(c, 'pod/pg-0', /statefulset\/pg/);
    expect(waiting).toMatchObject({ localPort: f.localPort, state: 'pod not running', error: 'pod pg-0 is terminating; waiting for statefulset/pg to run it again' });
    // pg-1 is ready, but it is not pg-0: the connection is closed.
    expect(readyPods('pg').map((p) => p.metadata.name)).toContain('pg-1');
    await expect(whoAnswers(f.localPort)).rejects.toThrow(/socket hang up|ECONNRESET/);

    sim.patchObject('v1', 'Pod', 'pg-0', ns, { metadata: { finalizers: null } });
    const answers = new Set<string>();
    expect(await answersUntilOne(f.localPort, answers)).toBe('pg-0');
    expect([...answers]).toEqual(['pg-0']);
    expect(sim.getObject('v1', 'Pod', 'pg-0', ns)!.metadata.uid).not.toBe(oldUid);
  }, 180_000);

  it("to a DaemonSet's pod replaced meanwhile: waits for the replacement on the same node, never goes to the other node's pod", async () => {
    sim.createObject(daemonSet('agent'));
    const onA = await waitFor('an agent pod ready on each node', () => {
      const r = readyPods('agent');
      return r.length === 2 ? r.find((p) => nodeOf(p) === 'node-a') : undefined;
    }, 30_000);
    const first = onA.metadata.name!;
    daemon = await startDaemon(env);
    const f = await (await connect()).request<{ id: string; localPort: number }>('portForward/start', { namespace: ns, pod: first, remotePort: 9100 });
    expect(await whoAnswers(f.localPort)).toBe(first);
    await crashAfterSaving(`"${first}"`);

    // node-a cordoned while its pod is deleted: no replacement there until it is uncordoned.
    sim.patchObject('v1', 'Node', 'node-a', undefined, { spec: { unschedulable: true } });
    try {
      sim.deleteObject('v1', 'Pod', first, ns);
      await waitFor('the pod on node-a gone', () => !pods('agent').some((p) => nodeOf(p) === 'node-a'), 30_000);
      daemon = await startDaemon(env);
      const c = await connect();
      const waiting = await waitingForward(c, `pod/${first}`, /daemonset\/agent/);
      expect(waiting).toMatchObject({ localPort: f.localPort, state: 'no ready pod' });
      expect(waiting.error).toBe('no ready pod behind daemonset/agent on node node-a');
      await expect(whoAnswers(f.localPort)).rejects.toThrow(/socket hang up|ECONNRESET/);
    } finally {
      sim.patchObject('v1', 'Node', 'node-a', undefined, { spec: { unschedulable: null } });
    }
    const answers = new Set<string>();
    const second = await answersUntilOne(f.localPort, answers);
    expect([...answers]).toEqual([second]);
    expect(second).not.toBe(first);
    expect(nodeOf(sim.getObject('v1', 'Pod', second, ns)!)).toBe('node-a');
  }, 180_000);

  it('to a Deployment and a Service scaled to zero: both listed waiting for a ready pod, then carry traffic to the new one', async () => {
    sim.createObject(deployment('web'));
    sim.createObject(service('web'));
    await waitFor('a ready web pod', () => readyPods('web').length === 1, 30_000);
    daemon = await startDaemon(env);
    let c = await connect();
    const d = await c.request<{ localPort: number }>('portForward/start', { namespace: ns, deployment: 'web', remotePort: 8080 });
    const s = await c.request<{ localPort: number }>('portForward/start', { namespace: ns, service: 'web', remotePort: 80 });
    await crashAfterSaving('"service"');

    sim.patchObject('apps/v1', 'Deployment', 'web', ns, { spec: { replicas: 0 } });
    await waitFor('the web pods gone', () => pods('web').length === 0, 30_000);
    daemon = await startDaemon(env);
    c = await connect();
    expect(await waitingForward(c, 'deployment/web', /deployment\/web/)).toMatchObject({ localPort: d.localPort, state: 'no ready pod', error: 'no ready pod behind deployment/web' });
    expect(await waitingForward(c, 'service/web', /service\/web/)).toMatchObject({ localPort: s.localPort, state: 'no ready pod', error: 'no ready pod behind service/web' });
    await expect(whoAnswers(d.localPort)).rejects.toThrow(/socket hang up|ECONNRESET/);

    sim.patchObject('apps/v1', 'Deployment', 'web', ns, { spec: { replicas: 1 } });
    const pod = await answersUntilOne(d.localPort, new Set());
    expect(pod).toMatch(/^web-/);
    expect(await answersUntilOne(s.localPort, new Set())).toBe(pod);
    expect((await forwards(c)).map((x) => x.state)).toEqual(['active', 'active']);
  }, 180_000);

  it("to a StatefulSet's pod whose StatefulSet was deleted: dropped, with a toast saying the StatefulSet is gone", async () => {
    sim.createObject(statefulSet('cache', 1));
    await waitFor('cache-0 ready', () => readyPods('cache').length === 1, 30_000);
    daemon = await startDaemon(env);
    await (await connect()).request('portForward/start', { namespace: ns, pod: 'cache-0', remotePort: 5432 });
    await crashAfterSaving('"cache-0"');

    sim.deleteObject('apps/v1', 'StatefulSet', 'cache', ns);
    await waitFor('cache-0 gone', () => pods('cache').length === 0, 30_000);
    daemon = await startDaemon(env);
    const c = await connect();
    await c.attach();
    const toast = await waitFor('the toast', () => c.toasts().find((t) => t.includes('port-forward pod/cache-0')), 30_000);
    expect(toast).toBe(`port-forward pod/cache-0 (${ns}) :5432 could not be restarted: pod cache-0 is gone, and statefulset/cache that ran it no longer exists`);
    expect(await forwards(c)).toEqual([]);
  }, 180_000);
});
