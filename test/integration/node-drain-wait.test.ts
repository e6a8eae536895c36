import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { confirmText, openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { readyNode } from '../helpers/kube-objects.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A drain waits, as `kubectl drain` does, for the pods it evicted to be gone — their grace period runs
 * on the node (kube-sim's lifecycle controller keeps a deleted pod Terminating for `podTerminationMs`)
 * — before it says the Node is drained; one still terminating when the time runs out is named and the
 * Node is not drained yet. A pod of the same name with another uid is a replacement: the evicted one is gone.
 */

let t: SimDaemonWithClient;
let c: RawClient;

const pod = (name: string, nodeName: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    labels: { app: name.replace(/-\d+$/, '') },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-owner`, uid: `uid-${name}-owner`, controller: true }],
  },
  spec: { nodeName, terminationGracePeriodSeconds: 30, containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 40 },
    sim: { controller: true },
    beforeDaemon: (sim) => {
      for (const n of ['node-x', 'node-y', 'node-z']) sim.createObject(readyNode(n));
      for (const p of ['web-1', 'web-2']) sim.createObject(pod(p, 'node-x'));
      sim.createObject(pod('slow-1', 'node-y'));
      sim.createObject(pod('db-0', 'node-z'));
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const state = (name: string): 'gone' | 'terminating' | 'running' => {
  const p = t.sim.getObject('v1', 'Pod', name, 'default');
  return !p ? 'gone' : p.metadata.deletionTimestamp ? 'terminating' : 'running';
};

describe('drain waits for the evicted pods to be gone', () => {
  it('the toast says drained only once the evicted pods have finished terminating', async () => {
    t.sim.configure({ podTerminationMs: 1_500 });
    const nodes = await openListIn(c, 'nodes', 'default');
    await selectRow(c, nodes, 'node-x');
    await pressKeys(c, 'r');
    await confirmText(c);
    const before = c.toasts().length;
    await pressKeys(c, 'y');
    // Both evicted: Terminating for a while (their grace period), the drain still going.
    await waitFor('both pods terminating', () => (state('web-1') === 'terminating' && state('web-2') === 'terminating') || null);
    expect(c.toasts().slice(before).filter((x) => x.includes('drained'))).toEqual([]);
    const result = await waitFor('the drain toast', () => c.toasts().slice(before).find((x) => /drained/.test(x)) ?? null);
    // When it says so, they are gone.
    expect([state('web-1'), state('web-2')]).toEqual(['gone', 'gone']);
    expect(result).toBe('drained Node node-x: cordoned, evicted 2 pods');
  });

  it('a pod still terminating when the time runs out is named, and the Node is not drained', async () => {
    t.sim.configure({ podTerminationMs: 600_000 });
    const nodes = await openListIn(c, 'nodes', 'default');
    await expect(c.request('resource/action', { paneId: nodes, action: 'drain', target: { name: 'node-y' }, args: { timeoutSeconds: 2 } })).rejects.toMatchObject({
      message: 'drain failed: Node node-y not drained: cordoned, evicted 1 pod; still terminating when the time ran out: default/slow-1 (grace period 30 s)',
    });
    expect(state('slow-1')).toBe('terminating');
  });

  it('a pod re-created under the evicted one\'s name (a StatefulSet\'s replacement) does not hold the drain', async () => {
    t.sim.configure({ podTerminationMs: 600_000 });
    const nodes = await openListIn(c, 'nodes', 'default');
    const oldUid = t.sim.getObject('v1', 'Pod', 'db-0', 'default')?.metadata.uid;
    const drain = c.request<{ message: string }>('resource/action', { paneId: nodes, action: 'drain', target: { name: 'node-z' }, args: { timeoutSeconds: 60 } });
    await waitFor('db-0 terminating', () => state('db-0') === 'terminating' || null);
    // The node lets it go, and its controller makes a new db-0 on another node.
    t.sim.deleteObject('v1', 'Pod', 'db-0', 'default');
    t.sim.createObject(pod('db-0', 'node-x'));
    expect((await drain).message).toBe('drained Node node-z: cordoned, evicted 1 pod');
    const now = t.sim.getObject('v1', 'Pod', 'db-0', 'default');
    expect(now?.metadata.uid).not.toBe(oldUid);
    expect(now?.metadata.deletionTimestamp).toBeUndefined();
  }, 60_000);
});
