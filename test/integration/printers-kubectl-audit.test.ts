import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * Differential: the cells of kubetile's own printers against `kubectl get -o wide` for the same objects in the
 * same kube-sim (kubectl prints the server's Table; kube-sim's printers copy kubectl's). Objects are the edge
 * cases a user reads a status from: a Job whose success policy is met, crash-looping / OOM-killed / evicted /
 * initializing pods, restarts with "(… ago)", selectors with mixed-case and prefix keys, every Service type.
 * Pods carry kube-sim's `kube-sim/scale` label so its simulated kubelet leaves their status as written.
 */

const run = promisify(execFile);
const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasKubectl) console.warn('printers-kubectl-audit: kubectl is not installed; skipping the kubectl differential');

const NS = 'audit';
const FROZEN = { 'kube-sim/scale': 'frozen' };
const iso = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString().replace(/\.\d+Z$/, 'Z');

const cs = (name: string, state: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name, image: 'busybox', imageID: '', ready: false, restartCount: 0, started: false, state, ...extra });
const pod = (name: string, spec: Record<string, unknown>, status: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS, labels: FROZEN },
  spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'busybox' }], ...spec },
  status,
});

function objects(): Array<Record<string, unknown>> {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    pod('crashloop', {}, { phase: 'Running', podIP: '10.1.0.1', podIPs: [{ ip: '10.1.0.1' }], containerStatuses: [cs('app', { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } }, { restartCount: 7, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: iso(310_000) } } })] }),
    pod('oomkilled', {}, { phase: 'Running', containerStatuses: [cs('app', { terminated: { exitCode: 137, reason: 'OOMKilled' } }, { restartCount: 2 })] }),
    pod('evicted', {}, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }),
    pod('completed', {}, { phase: 'Succeeded', containerStatuses: [cs('app', { terminated: { exitCode: 0, reason: 'Completed' } })] }),
    pod('init-waiting', { initContainers: [{ name: 'migrate', image: 'busybox' }, { name: 'warm', image: 'busybox' }] }, { phase: 'Pending', initContainerStatuses: [cs('migrate', { terminated: { exitCode: 0, reason: 'Completed' } }), cs('warm', { running: {} })], containerStatuses: [cs('app', { waiting: { reason: 'PodInitializing' } })] }),
    pod('init-crash', { initContainers: [{ name: 'migrate', image: 'busybox' }] }, { phase: 'Pending', initContainerStatuses: [cs('migrate', { waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 4 })], containerStatuses: [cs('app', { waiting: { reason: 'PodInitializing' } })] }),
    pod('one-done', { containers: [{ name: 'app', image: 'busybox' }, { name: 'side', image: 'busybox' }] }, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [cs('app', { running: {} }, { ready: true }), cs('side', { terminated: { exitCode: 0, reason: 'Completed' } })] }),
    pod('gated', { nodeName: undefined, readinessGates: [{ conditionType: 'example.com/lb' }] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] }),
    pod('sidecar', { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] }, { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }], initContainerStatuses: [cs('proxy', { running: {} }, { ready: true, started: true, restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: iso(700_000) } } })], containerStatuses: [cs('app', { running: {} }, { ready: true })] }),
    pod('sidecar-starting', { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }, { name: 'migrate', image: 'busybox' }] }, { phase: 'Pending', initContainerStatuses: [cs('proxy', { running: {} }, { ready: true, started: true }), cs('migrate', { running: {} })], containerStatuses: [cs('app', { waiting: { reason: 'PodInitializing' } })] }),
    pod('scheduling-gated', { nodeName: undefined, schedulingGates: [{ name: 'example.com/quota' }] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
    pod('init-killed', { initContainers: [{ name: 'migrate', image: 'busybox' }] }, { phase: 'Pending', initContainerStatuses: [cs('migrate', { terminated: { exitCode: 137, signal: 9 } }, { restartCount: 2, lastState: { terminated: { exitCode: 137, finishedAt: iso(125_000) } } })], containerStatuses: [cs('app', { waiting: { reason: 'PodInitializing' } })] }),
    pod('dual-stack', {}, { phase: 'Running', podIP: '10.1.0.9', podIPs: [{ ip: '10.1.0.9' }, { ip: 'fd00::9' }], conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [cs('app', { running: {} }, { ready: true })] }),
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'success-policy', namespace: NS },
      spec: { completions: 5, parallelism: 5, completionMode: 'Indexed', suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'busybox' }] } } },
      status: { startTime: iso(120_000), succeeded: 1, active: 4, conditions: [{ type: 'SuccessCriteriaMet', status: 'True', reason: 'SuccessPolicy', message: 'Matched rules at index 0' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'mixed-keys', namespace: NS },
      spec: { replicas: 0, selector: { matchLabels: { Zone: 'a', app: 'web', 'app-name': 'web' } }, template: { metadata: { labels: { Zone: 'a', app: 'web', 'app-name': 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb-host', namespace: NS }, spec: { type: 'LoadBalancer', ports: [{ port: 443, protocol: 'TCP' }], selector: { app: 'web' } }, status: { loadBalancer: { ingress: [{ hostname: 'a1b2.elb.example.com' }] } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb-multi', namespace: NS }, spec: { type: 'LoadBalancer', ports: [{ port: 443, protocol: 'TCP' }], selector: { tier: 'fe', app: 'web' } }, status: { loadBalancer: { ingress: [{ hostname: 'b.elb.example.com' }, { ip: '203.0.113.9', hostname: 'x.example.com' }, { hostname: 'a.elb.example.com' }, { ip: '203.0.113.9' }] } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb-pending', namespace: NS }, spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: NS }, spec: { type: 'ExternalName', externalName: 'db.example.com' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'headless', namespace: NS }, spec: { clusterIP: 'None', ports: [{ port: 5432, protocol: 'TCP' }], selector: { app: 'db' } } },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: NS },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' }, containers: [{ name: 'agent', image: 'agent:1' }] } } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'many-hosts', namespace: NS },
      spec: { ingressClassName: 'nginx', tls: [{ hosts: ['a.example.com'] }], rules: [{ host: 'a.example.com' }, {}, { host: 'b.example.com' }, { host: 'c.example.com' }, { host: 'd.example.com' }] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }] } },
    },
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'v6-backends', namespace: NS }, subsets: [{ addresses: [{ ip: 'fd00::1' }, { ip: 'fd00::2' }], ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }] },
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'none-ready', namespace: NS }, subsets: [{ notReadyAddresses: [{ ip: '10.1.0.5' }], ports: [{ port: 80 }] }] },
  ];
}

/** `kubectl get KIND -n audit -o wide`: rows by NAME, cells by header, cut at the header's column starts. */
async function kubectlTable(stack: SimDaemonWithClient, kind: string): Promise<Map<string, Record<string, string>>> {
  const { stdout } = await run('kubectl', ['get', kind, '-n', NS, '-o', 'wide'], { env: stack.env.env, timeout: 30_000 });
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0] ?? '';
  const starts: Array<{ title: string; at: number }> = [];
  for (const m of header.matchAll(/\S+(?: \S+)*/g)) starts.push({ title: m[0], at: m.index ?? 0 });
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines.slice(1)) {
    const row: Record<string, string> = {};
    starts.forEach((s, i) => {
      const end = starts[i + 1]?.at ?? line.length;
      row[s.title] = line.slice(s.at, end).trim();
    });
    rows.set(row['NAME'] ?? '', row);
  }
  return rows;
}

async function snapshot(c: RawClient, paneId: number): Promise<TableView> {
  return (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 40, cols: 400 })).view;
}

/** Every cell of every row kubectl prints, where kubetile shows a column of the same title, and where they differ. */
function differences(kubectl: Map<string, Record<string, string>>, view: TableView): string[] {
  if (view.type !== 'table') return ['not a table'];
  const out: string[] = [];
  for (const [name, row] of kubectl) {
    const mine = view.rows.find((r) => r.cells['name'] === name);
    if (!mine) {
      out.push(`${name}: no kubetile row`);
      continue;
    }
    for (const col of view.columns) {
      if (!(col.title in row)) continue;
      const theirs = row[col.title] ?? '';
      const ours = (mine.cells[col.id] ?? '').trim();
      if (ours !== theirs) out.push(`${name} ${col.title}: kubetile ${JSON.stringify(ours)}, kubectl ${JSON.stringify(theirs)}`);
    }
  }
  return out;
}

let stack: SimDaemonWithClient | undefined;
let sim: KubeSim;
let c: RawClient;

beforeAll(async () => {
  if (!hasKubectl) return;
  stack = await startSimDaemon({
    beforeDaemon: (s) => {
      for (const o of objects()) s.createObject(o as Parameters<KubeSim['createObject']>[0]);
    },
    client: { cols: 400, rows: 40 },
  });
  ({ sim, client: c } = stack);
});
afterAll(() => stack?.stop());

/** A wide list of `kind` in the audit namespace, and kubectl's table equal to it (ages may tick in between: retried). */
async function compare(kind: string, names: string[]): Promise<{ view: TableView; kubectl: Map<string, Record<string, string>> }> {
  const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind } }, newTab: true });
  await c.request('kube/use', { tabId, namespace: NS });
  await c.request('pane/focus', { paneId });
  await waitFor(`${kind} rows`, async () => {
    const v = await snapshot(c, paneId);
    return v.type === 'table' && names.every((n) => v.rows.some((r) => r.cells['name'] === n));
  });
  await c.request('client/key', { key: 'shift+w' });
  let last: string[] = [];
  try {
    return await waitFor(
      `${kind}: kubetile's cells equal kubectl's`,
      async () => {
        const kubectl = await kubectlTable(stack!, kind);
        const view = await snapshot(c, paneId);
        last = differences(kubectl, view);
        const wide = view.type === 'table' && (kind === 'ingresses' || kind === 'endpoints' || view.columns.some((x) => ['IP', 'SELECTOR', 'CONTAINERS'].includes(x.title)));
        return wide && last.length === 0 && names.every((n) => kubectl.has(n)) ? { view, kubectl } : null;
      },
      30_000,
      250,
    );
  } catch (err) {
    throw new Error(`${String(err)}\n${last.join('\n')}`);
  }
}

describe.skipIf(!hasKubectl)('built-in lists print what kubectl prints for the same objects', () => {
  it('pods: CrashLoopBackOff with "(5m ago)", OOMKilled, Evicted, Completed, Init:1/2, Init:CrashLoopBackOff, NotReady, Pending', async () => {
    const names = ['crashloop', 'oomkilled', 'evicted', 'completed', 'init-waiting', 'init-crash', 'one-done', 'gated'];
    const { kubectl } = await compare('pods', names);
    expect(Object.fromEntries(names.map((n) => [n, kubectl.get(n)?.['STATUS']]))).toEqual({
      crashloop: 'CrashLoopBackOff',
      oomkilled: 'OOMKilled',
      evicted: 'Evicted',
      completed: 'Completed',
      'init-waiting': 'Init:1/2',
      'init-crash': 'Init:CrashLoopBackOff',
      'one-done': 'NotReady',
      gated: 'Pending',
    });
    expect(kubectl.get('crashloop')?.['RESTARTS']).toMatch(/^7 \(\d+m(\d+s)? ago\)$/);
  });

  it('pods: sidecars (READY, restarts), Init with a sidecar started, SchedulingGated, Init:Signal:9 with its restarts "(… ago)", the first of podIPs', async () => {
    const names = ['sidecar', 'sidecar-starting', 'scheduling-gated', 'init-killed', 'dual-stack'];
    const { kubectl } = await compare('pods', names);
    expect(Object.fromEntries(names.map((n) => [n, [kubectl.get(n)?.['READY'], kubectl.get(n)?.['STATUS']]]))).toEqual({
      sidecar: ['2/2', 'Running'],
      'sidecar-starting': ['1/2', 'Init:1/2'],
      'scheduling-gated': ['0/1', 'SchedulingGated'],
      'init-killed': ['0/1', 'Init:Signal:9'],
      'dual-stack': ['1/1', 'Running'],
    });
    expect(kubectl.get('sidecar')?.['RESTARTS']).toMatch(/^3 \(\d+m ago\)$/);
    expect(kubectl.get('dual-stack')?.['IP']).toBe('10.1.0.9');
  });

  it('daemonsets, ingresses and endpoints: sorted NODE SELECTOR, HOSTS "+ 2 more...", [v6]:port endpoints ports first', async () => {
    expect((await compare('daemonsets', ['agent'])).kubectl.get('agent')?.['NODE SELECTOR']).toBe('disk=ssd,kubernetes.io/os=linux');
    const ing = (await compare('ingresses', ['many-hosts'])).kubectl.get('many-hosts');
    expect([ing?.['HOSTS'], ing?.['PORTS']]).toEqual(['a.example.com,b.example.com,c.example.com + 2 more...', '80, 443']);
    const eps = (await compare('endpoints', ['v6-backends', 'none-ready'])).kubectl;
    expect(eps.get('v6-backends')?.['ENDPOINTS']).toBe('[fd00::1]:80,[fd00::2]:80,[fd00::1]:443 + 1 more...');
    expect(eps.get('none-ready')?.['ENDPOINTS']).toBe('');
  });

  it('jobs: a Job whose success policy is met reads SuccessCriteriaMet in both, not Running', async () => {
    const { kubectl } = await compare('jobs', ['success-policy']);
    expect(kubectl.get('success-policy')?.['STATUS']).toBe('SuccessCriteriaMet');
    expect(sim.getObject('batch/v1', 'Job', 'success-policy', NS)).toBeDefined();
  });

  it('deployments: the wide SELECTOR in kubectl\'s key order (Zone, app, app-name)', async () => {
    const { kubectl } = await compare('deployments', ['mixed-keys']);
    expect(kubectl.get('mixed-keys')?.['SELECTOR']).toBe('Zone=a,app=web,app-name=web');
  });

  it('services: LoadBalancer by hostname, <pending>, ExternalName, headless', async () => {
    const { kubectl } = await compare('services', ['lb-host', 'lb-multi', 'lb-pending', 'ext', 'headless']);
    expect(kubectl.get('lb-multi')?.['EXTERNAL-IP']).toBe('203.0.113.9,a.elb.example.com,b.elb.example.com');
    expect(kubectl.get('lb-pending')?.['EXTERNAL-IP']).toBe('<pending>');
    expect(kubectl.get('ext')?.['EXTERNAL-IP']).toBe('db.example.com');
  });
});
