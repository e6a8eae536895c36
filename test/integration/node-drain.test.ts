import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import { waitFor } from '../helpers/daemon-process.js';
import { confirmText as confirmDialog, openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import { RawClient } from '../helpers/rpc-client.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readyNode } from '../helpers/kube-objects.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's `r` on a Node: drain it — cordon, then evict its pods through kube-sim's eviction API, so
 * disruption budgets are asked. DaemonSet and static pods stay; pods no controller would re-create
 * and pods with emptyDir data are left and named (kubectl needs --force / --delete-emptydir-data);
 * a budget's refusal is asked again until the time runs out. Only pods on that Node, and only the
 * Node chosen (one re-created under its name meanwhile is left alone).
 */

let t: SimDaemonWithClient;
let c: RawClient;

const node = readyNode;

interface PodOpts {
  owner?: 'ReplicaSet' | 'DaemonSet';
  labels?: Record<string, string>;
  emptyDir?: boolean;
  mirror?: boolean;
}

function pod(name: string, nodeName: string, o: PodOpts = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: o.labels ?? { app: name.replace(/-\d+$/, '') },
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner, name: `${name}-owner`, uid: `uid-${name}-owner`, controller: true }] } : {}),
      ...(o.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'abc' } } : {}),
    },
    spec: {
      nodeName,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'main', image: 'busybox:1.36' }],
      ...(o.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const budget = (name: string, app: string, minAvailable: number) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: 'default' },
  spec: { minAvailable, selector: { matchLabels: { app } } },
});

function seed(sim: KubeSim): void {
  for (const n of ['node-a', 'node-b', 'node-c']) sim.createObject(node(n));
  // node-a: one of each kind of pod a drain meets.
  sim.createObject(pod('web-1', 'node-a', { owner: 'ReplicaSet' }));
  sim.createObject(pod('web-2', 'node-a', { owner: 'ReplicaSet' }));
  sim.createObject(pod('agent-1', 'node-a', { owner: 'DaemonSet' }));
  sim.createObject(pod('etcd-1', 'node-a', { mirror: true }));
  sim.createObject(pod('bare-1', 'node-a'));
  sim.createObject(pod('cache-1', 'node-a', { owner: 'ReplicaSet', emptyDir: true }));
  // The neighbour on node-b, with a name that sorts beside them.
  sim.createObject(pod('web-10', 'node-b', { owner: 'ReplicaSet', labels: { app: 'web' } }));
  // node-c: one pod its budget will not let go.
  sim.createObject(pod('db-1', 'node-c', { owner: 'ReplicaSet' }));
  sim.createObject(budget('db-pdb', 'db', 1));
}

beforeAll(async () => {
  t = await startSimDaemon({ client: { cols: 200, rows: 40 }, beforeDaemon: seed });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

/** Pods not gone and not terminating. */
const running = (): string[] =>
  t.sim
    .listObjects('v1', 'Pod', 'default')
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name)
    .sort();
const unschedulable = (name: string): unknown => (t.sim.getObject('v1', 'Node', name, '')?.spec as { unschedulable?: boolean } | undefined)?.unschedulable;
const confirmText = (): Promise<string> => confirmDialog(c);
const toast = (re: RegExp, from = 0): Promise<string> => waitFor(`a toast ${re}`, () => c.toasts().slice(from).find((x) => re.test(x)) ?? null);

describe('drain', () => {
  it('r asks once naming the Node; y cordons it, evicts what may go, and names what stayed; the neighbour node is untouched', async () => {
    const nodes = await openListIn(c, 'nodes', 'default');
    await selectRow(c, nodes, 'node-a');
    await pressKeys(c, 'r');
    expect(await confirmText()).toBe(
      'Drain Node node-a? It is cordoned and its pods are evicted, each as its disruption budget allows; DaemonSet and static pods stay, and so do pods no controller would re-create or with emptyDir data (named after).',
    );
    expect(unschedulable('node-a')).toBeUndefined();
    const before = c.toasts().length;
    await pressKeys(c, 'y');
    await toast(/^draining Node node-a…$/, before);
    const result = await toast(/^Node node-a not drained: /, before);
    expect(result).toBe(
      'Node node-a not drained: cordoned, evicted 2 pods; skipped 2 pods (DaemonSet and static pods stay); left default/bare-1 (no controller would re-create it (kubectl drain needs --force to delete it)), default/cache-1 (its emptyDir data would be lost (kubectl drain needs --delete-emptydir-data))',
    );
    expect(unschedulable('node-a')).toBe(true);
    expect(unschedulable('node-b')).toBeUndefined();
    expect(running()).toEqual(['agent-1', 'bare-1', 'cache-1', 'db-1', 'etcd-1', 'web-10']);
    // The evictions went through the eviction API, one per pod that had to go, each pinned by uid.
    const evictions = t.sim.journalEntries({ method: 'POST' }).filter((e) => e.path.endsWith('/eviction'));
    expect(evictions.map((e) => e.path).sort()).toEqual(['/api/v1/namespaces/default/pods/web-1/eviction', '/api/v1/namespaces/default/pods/web-2/eviction']);
  });

  it('a budget that does not let its pod go is asked again until the time runs out; freed meanwhile, the pod goes', async () => {
    const nodes = await openListIn(c, 'nodes', 'default');
    await expect(c.request('resource/action', { paneId: nodes, action: 'drain', target: { name: 'node-c' }, args: { timeoutSeconds: 0 } })).rejects.toMatchObject({
      message: 'drain failed: Node node-c not drained: cordoned, evicted 0 pods; refused by a disruption budget: default/db-1 (The disruption budget db-pdb needs 1 healthy pods and has 1 currently)',
    });
    expect(running()).toContain('db-1');
    const seq = t.sim.journalEntries().at(-1)?.seq ?? 0;
    const drain = c.request<{ message: string }>('resource/action', { paneId: nodes, action: 'drain', target: { name: 'node-c' }, args: { timeoutSeconds: 60 } });
    await waitFor('a refused eviction', () => t.sim.journalEntries({ sinceSeq: seq, method: 'POST' }).some((e) => e.path.endsWith('/db-1/eviction') && e.status === 429));
    t.sim.deleteObject('policy/v1', 'PodDisruptionBudget', 'db-pdb');
    expect((await drain).message).toBe('drained Node node-c: cordoned, evicted 1 pod');
    expect(running()).not.toContain('db-1');
  }, 60_000);

  it("a script's drain stops when the script goes away: no pod is evicted after it, the Node stays cordoned", async () => {
    t.sim.createObject(node('node-e'));
    t.sim.createObject(pod('kv-1', 'node-e', { owner: 'ReplicaSet' }));
    t.sim.createObject(budget('kv-pdb', 'kv', 1));
    const nodes = await openListIn(c, 'nodes', 'default');
    await waitFor('node-e listed', async () => (await c.request<{ view: { type: string; rows?: Array<{ cells: { name: string } }> } }>('pane/snapshot', { paneId: nodes, rows: 40, cols: 200 })).view.rows?.some((r) => r.cells.name === 'node-e') || null);
    const script = await RawClient.connect(t.env.socket);
    const seq = t.sim.journalEntries().at(-1)?.seq ?? 0;
    void script.request('resource/action', { paneId: nodes, action: 'drain', target: { name: 'node-e' }, args: { timeoutSeconds: 600 } }).catch(() => undefined);
    await waitFor('a refused eviction', () => t.sim.journalEntries({ sinceSeq: seq, method: 'POST' }).some((e) => e.path.endsWith('/kv-1/eviction') && e.status === 429));
    // The script goes (ctrl+c on `kubetile rpc`); then the budget would let the pod go at the next try.
    script.close();
    t.sim.deleteObject('policy/v1', 'PodDisruptionBudget', 'kv-pdb');
    // Where the drain would have asked again, it stops, and says so in the daemon's log.
    await waitFor('the drain stopped', () => readFileSync(join(t.env.dir, 'state', 'kubetile', 'kubetiled.log'), 'utf8').includes('the drain of Node node-e was stopped (its caller cancelled or went away) after evicting 0 pods; the node stays cordoned') || null, 30_000);
    expect(running()).toContain('kv-1');
    expect(t.sim.journalEntries({ sinceSeq: seq, method: 'POST' }).filter((e) => e.path.endsWith('/kv-1/eviction') && e.status !== 429)).toEqual([]);
    expect(unschedulable('node-e')).toBe(true);
  }, 60_000);

  it('a Node re-created under its name while the dialog is open is not cordoned and none of its pods evicted', async () => {
    const nodes = await openListIn(c, 'nodes', 'default');
    await selectRow(c, nodes, 'node-b');
    await pressKeys(c, 'r');
    await confirmText();
    t.sim.deleteObject('v1', 'Node', 'node-b', '');
    t.sim.createObject(node('node-b'));
    const before = c.toasts().length;
    await pressKeys(c, 'y');
    await toast(/^Node node-b was replaced by another object of the same name since it was chosen; nothing was cordoned$/, before);
    expect(unschedulable('node-b')).toBeUndefined();
    expect(running()).toContain('web-10');
  });

  it('other kinds and bad timeouts are refused before anything changes', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await selectRow(c, pods, 'web-10');
    const before = c.toasts().length;
    await pressKeys(c, 'r');
    await toast(/^only Nodes can be drained \(Pod objects cannot\)$/, before);
    expect(c.layout?.overlay ?? null).toBeNull();
    await expect(c.request('resource/action', { paneId: pods, action: 'drain' })).rejects.toMatchObject({ message: 'only Nodes can be drained (Pod objects cannot)' });
    const nodes = await openListIn(c, 'nodes', 'default');
    for (const bad of [-1, 1.5, 3601, '60', null]) {
      await expect(c.request('resource/action', { paneId: nodes, action: 'drain', target: { name: 'node-b' }, args: { timeoutSeconds: bad } }), String(bad)).rejects.toMatchObject({
        message: expect.stringMatching(/^drain's args\.timeoutSeconds is how long a disruption budget's refusal is asked again and evicted pods are waited for, a whole number of seconds from 0 to 3600, not /),
      });
    }
    expect(unschedulable('node-b')).toBeUndefined();
    expect(running()).toContain('web-10');
  });

  it('pods that cannot be listed: the Node is cordoned and the message says none was evicted', async () => {
    t.sim.createObject(node('node-d'));
    t.sim.createObject(pod('api-1', 'node-d', { owner: 'ReplicaSet' }));
    const nodes = await openListIn(c, 'nodes', 'default');
    t.sim.forbid('pods', ['list']);
    try {
      await expect(c.request('resource/action', { paneId: nodes, action: 'drain', target: { name: 'node-d' }, args: { timeoutSeconds: 0 } })).rejects.toMatchObject({
        message: expect.stringMatching(/^drain failed: Node node-d is cordoned, but its pods could not be listed, so none was evicted: .*forbidden/),
      });
    } finally {
      t.sim.allow('pods');
    }
    expect(unschedulable('node-d')).toBe(true);
    expect(running()).toContain('api-1');
  });
});
