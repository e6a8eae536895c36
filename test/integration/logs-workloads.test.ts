import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinesView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { logStreams, namespace, openLogs, podsPane, shown, startLogsEnv, waitPane, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';

/**
 * Logs of a workload (beyond KubeTile): `l` on a Deployment, Service, Job, StatefulSet, DaemonSet or
 * ReplicaSet follows every pod its selector picks, interleaved by timestamp with a coloured
 * pod/container prefix; pods created later join, pods that go away are marked; one stream per
 * (pod, container). kube-sim's controller plays the kubelet and the workload controllers.
 */

let t: LogsEnv;
let n = 0;
const fresh = (): string => {
  const ns = `wl-${++n}`;
  namespace(t.sim, ns);
  return ns;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const template = (app: string) => ({
  metadata: { labels: { app }, annotations: { 'sim.kubetile.dev/start-delay': '0' } },
  spec: { containers: [{ name: 'main', image: 'busybox' }] },
});

const running = (ns: string, app: string): string[] =>
  t.sim
    .listObjects('v1', 'Pod', ns)
    .filter((p) => p.metadata.labels?.['app'] === app && !p.metadata.deletionTimestamp && (p.status as { phase?: string } | undefined)?.phase === 'Running')
    .map((p) => p.metadata.name!)
    .sort();

async function waitRunning(ns: string, app: string, count: number): Promise<string[]> {
  return waitFor(`${count} running pods of ${app}`, () => {
    const r = running(ns, app);
    return r.length === count ? r : null;
  }, 30_000);
}

beforeAll(async () => {
  t = await startLogsEnv({ controller: true });
  t.sim.createObject({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
    status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '64', memory: '256Gi', pods: '500' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('logs of a workload', () => {
  it('a Deployment: every pod interleaved with a pod/container prefix; a pod created later joins, a deleted one is marked', async () => {
    const ns = fresh();
    t.sim.createObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template('web') } });
    const [a, b] = await waitRunning(ns, 'web', 2);
    t.sim.appendLog(ns, a!, 'a says 1');
    await sleep(5);
    t.sim.appendLog(ns, b!, 'b says 1');
    await sleep(5);
    t.sim.appendLog(ns, a!, 'a says 2');
    const list = await podsPane(t.script, ns, 'deployments');
    const { paneId, message } = await openLogs(t.script, list, 'web', ns);
    expect(message).toBe(`logs of Deployment ${ns}/web`);
    let v = await waitPane(t.script, paneId, 'both pods', (x) => shown(x).filter((l) => / says /.test(l)).length === 3);
    expect(v.title).toBe(`Logs: Deployment web @ ${ns} — 2 pods`);
    expect(shown(v).filter((l) => / says /.test(l))).toEqual([`[${a}/main] a says 1`, `[${b}/main] b says 1`, `[${a}/main] a says 2`]);
    const spans = (v as LinesView).lines.filter((l) => / says /.test(l.text)).map((l) => l.spans![0]!.style);
    expect(spans[0]).toBe(spans[2]);
    expect(spans[0]).not.toBe(spans[1]);
    expect(await logStreams(t.script)).toBe(2);

    // A third replica joins (with its log from its start).
    t.sim.patchObject('apps/v1', 'Deployment', 'web', ns, { spec: { replicas: 3 } });
    const three = await waitRunning(ns, 'web', 3);
    const c = three.find((p) => p !== a && p !== b)!;
    t.sim.appendLog(ns, c, 'c joined');
    v = await waitPane(t.script, paneId, 'the new pod', (x) => shown(x).includes(`[${c}/main] c joined`));
    expect(v.title).toContain('3 pods');
    expect(await logStreams(t.script)).toBe(3);

    // A deleted pod is marked; its replacement joins.
    t.sim.deleteObject('v1', 'Pod', a!, ns);
    v = await waitPane(t.script, paneId, 'the deleted pod marked', (x) => shown(x).some((l) => l.includes(`pod ${a} is gone`)));
    const marker = (v as LinesView).lines.find((l) => l.text.includes(`pod ${a} is gone`))!;
    expect(marker.spans!.at(-1)!.style).toBe('warn');
    const after = await waitRunning(ns, 'web', 3);
    const d = after.find((p) => ![a, b, c].includes(p))!;
    t.sim.appendLog(ns, d, 'replacement here');
    v = await waitPane(t.script, paneId, 'the replacement joined', (x) => shown(x).includes(`[${d}/main] replacement here`));
    expect(v.footer).toMatch(/3 following · 3 pods \(1 gone\)/);
    await waitFor('one stream per live pod', async () => (await logStreams(t.script)) === 3);

    await t.script.request('pane/close', { paneId });
    await waitFor('streams closed with the pane', async () => (await logStreams(t.script)) === 0);
  });

  it('a Service follows the pods its selector picks; a Job its pod; one stream per container shared between them', async () => {
    const ns = fresh();
    t.sim.createObject({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: ns }, spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db') } });
    t.sim.createObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: ns }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } });
    const pods = await waitRunning(ns, 'db', 2);
    for (const p of pods) t.sim.appendLog(ns, p, `ready ${p}`);
    const svcList = await podsPane(t.script, ns, 'services');
    const svc = await openLogs(t.script, svcList, 'db', ns);
    let v = await waitPane(t.script, svc.paneId, 'service pods', (x) => pods.every((p) => shown(x).includes(`[${p}/main] ready ${p}`)));
    expect(v.title).toBe(`Logs: Service db @ ${ns} — 2 pods`);
    const stsList = await podsPane(t.script, ns, 'statefulsets');
    const sts = await openLogs(t.script, stsList, 'db', ns);
    v = await waitPane(t.script, sts.paneId, 'statefulset pods', (x) => pods.every((p) => shown(x).includes(`[${p}/main] ready ${p}`)));
    expect(v.title).toContain('StatefulSet db');
    // Two panes, the same two containers: two streams.
    expect(await logStreams(t.script)).toBe(2);

    t.sim.createObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: ns },
      spec: { template: { metadata: { labels: { app: 'migrate' }, annotations: { 'sim.kubetile.dev/start-delay': '0', 'sim.kubetile.dev/complete-after': '60' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } },
    });
    const [jp] = await waitRunning(ns, 'migrate', 1);
    t.sim.appendLog(ns, jp!, 'migrating');
    const jobList = await podsPane(t.script, ns, 'jobs');
    const job = await openLogs(t.script, jobList, 'migrate', ns);
    await waitPane(t.script, job.paneId, 'job pod', (x) => shown(x).includes(`[${jp}/main] migrating`));
    for (const id of [svc.paneId, sts.paneId, job.paneId]) await t.script.request('pane/close', { paneId: id });
    await waitFor('no streams left', async () => (await logStreams(t.script)) === 0);
  });

  it('a DaemonSet follows its pod on each node', async () => {
    const ns = fresh();
    t.sim.createObject({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: ns }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent') } });
    const [p] = await waitRunning(ns, 'agent', 1);
    t.sim.appendLog(ns, p!, 'agent up');
    const list = await podsPane(t.script, ns, 'daemonsets');
    const { paneId } = await openLogs(t.script, list, 'agent', ns);
    const v = await waitPane(t.script, paneId, 'the daemonset pod', (x) => shown(x).includes(`[${p}/main] agent up`));
    expect(v.title).toBe(`Logs: DaemonSet agent @ ${ns} — 1 pod`);
    await t.script.request('pane/close', { paneId });
  });

  it('a selector that matches nothing says so, and picks up the first pod that appears', async () => {
    const ns = fresh();
    t.sim.createObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'later', namespace: ns }, spec: { selector: { app: 'later' }, ports: [{ port: 80 }] } });
    t.sim.createObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'manual', namespace: ns }, spec: { ports: [{ port: 80 }] } });
    const list = await podsPane(t.script, ns, 'services');
    const { paneId } = await openLogs(t.script, list, 'later', ns);
    let v = await waitPane(t.script, paneId, 'nothing matches', (x) => x.type === 'message' && x.text.includes('no pods match app=later'));
    expect(v.type === 'message' && v.level).toBe('info');
    t.sim.createObject({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'later', namespace: ns }, spec: { replicas: 1, selector: { matchLabels: { app: 'later' } }, template: template('later') } });
    const [p] = await waitRunning(ns, 'later', 1);
    t.sim.appendLog(ns, p!, 'finally');
    v = await waitPane(t.script, paneId, 'the first pod joined', (x) => shown(x).includes(`[${p}/main] finally`));
    const manual = await openLogs(t.script, list, 'manual', ns);
    v = await waitPane(t.script, manual.paneId, 'no selector', (x) => x.type === 'message' && x.level === 'error');
    expect(v.type === 'message' && v.text).toBe(`Service ${ns}/manual has no selector (its endpoints are managed by hand), so it has no pods to show logs of`);
  });
});
