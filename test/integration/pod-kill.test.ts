import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { confirmText as confirmDialog, openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's kill (here ctrl+alt+k: ctrl+k picks the context): a pod stuck Terminating — its grace
 * period far away — is force-deleted after one confirmation (`kubectl delete --force
 * --grace-period=0`): gone from the API at once; exactly that pod, marked pods too; Pods only.
 */

let t: SimDaemonWithClient;
let c: RawClient;

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: 'stuck' } },
  spec: { nodeName: 'node-1', terminationGracePeriodSeconds: 3600, containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    // The lifecycle controller, so a deleted pod terminates as on a cluster: here for ten minutes (a node that does not answer).
    sim: { controller: true },
    beforeDaemon: (sim) => {
      sim.configure({ podTerminationMs: 600_000 });
      for (const n of ['stuck-1', 'stuck-10', 'stuck-2', 'stuck-3']) sim.createObject(pod(n));
      sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: {} });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const state = (name: string): 'gone' | 'terminating' | 'running' => {
  const p = t.sim.getObject('v1', 'Pod', name, 'default');
  return !p ? 'gone' : p.metadata.deletionTimestamp ? 'terminating' : 'running';
};
const confirmText = (): Promise<string> => confirmDialog(c);
const toast = (text: string, from: number): Promise<string> => waitFor(`the toast ${text}`, () => c.toasts().slice(from).find((x) => x === text) ?? null);

describe('force delete (kill)', () => {
  it('a pod stuck Terminating after ctrl+d goes at once with ctrl+alt+k; its neighbour stays', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await selectRow(c, pods, 'stuck-1');
    await pressKeys(c, 'ctrl+d');
    expect(await confirmText()).toBe('Delete Pod default/stuck-1?');
    await pressKeys(c, 'y');
    await waitFor('terminating', () => state('stuck-1') === 'terminating' || null);

    await pressKeys(c, 'ctrl+alt+k');
    expect(await confirmText()).toBe(
      'Force-delete Pod default/stuck-1? It is removed from the API at once, without waiting for its containers to stop (kubectl delete --force --grace-period=0); they may still run on the node for a while.',
    );
    const before = c.toasts().length;
    await pressKeys(c, 'y');
    await toast('force-deleted Pod default/stuck-1', before);
    expect(state('stuck-1')).toBe('gone');
    expect(state('stuck-10')).toBe('running');
  });

  it('marked pods are force-deleted together after one question naming them', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    for (const n of ['stuck-2', 'stuck-3']) {
      await selectRow(c, pods, n);
      await pressKeys(c, 'space');
    }
    await pressKeys(c, 'ctrl+alt+k');
    expect(await confirmText()).toBe('Force-delete 2 Pods: default/stuck-2, default/stuck-3? They are removed from the API at once, without waiting for their containers to stop.');
    const before = c.toasts().length;
    await pressKeys(c, 'y');
    await toast('force-deleted 2 Pods', before);
    expect([state('stuck-2'), state('stuck-3'), state('stuck-10')]).toEqual(['gone', 'gone', 'running']);
  });

  it('other kinds are refused at once, keys and scripts; a pod re-created meanwhile is not force-deleted', async () => {
    const cms = await openListIn(c, 'configmaps', 'default');
    await selectRow(c, cms, 'cfg');
    const before = c.toasts().length;
    await pressKeys(c, 'ctrl+alt+k');
    await toast('only Pods can be force-deleted (ConfigMap objects cannot)', before);
    expect(c.layout?.overlay ?? null).toBeNull();
    await expect(c.request('resource/action', { paneId: cms, action: 'kill' })).rejects.toMatchObject({ message: 'only Pods can be force-deleted (ConfigMap objects cannot)' });

    const pods = await openListIn(c, 'pods', 'default');
    await selectRow(c, pods, 'stuck-10');
    await pressKeys(c, 'ctrl+alt+k');
    await confirmText();
    const old = t.sim.getObject('v1', 'Pod', 'stuck-10', 'default')!.metadata.uid;
    t.sim.deleteObject('v1', 'Pod', 'stuck-10', 'default');
    expect(state('stuck-10')).toBe('gone');
    t.sim.createObject(pod('stuck-10'));
    const at = c.toasts().length;
    await pressKeys(c, 'y');
    await toast('Pod default/stuck-10 was replaced by another object of the same name since it was chosen; nothing was deleted', at);
    expect(state('stuck-10')).toBe('running');
    expect(t.sim.getObject('v1', 'Pod', 'stuck-10', 'default')!.metadata.uid).not.toBe(old);
  });
});
