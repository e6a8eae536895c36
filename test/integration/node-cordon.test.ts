import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { confirmText as confirmDialog, openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { readyNode } from '../helpers/kube-objects.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's node keys: `c` cordons the selected Node and `u` uncordons it, each after one confirmation
 * naming it, on exactly that Node (one re-created under its name meanwhile is left alone); the list
 * shows `SchedulingDisabled` as kubectl does. Other kinds refuse at once, and so do scripts.
 */

let t: SimDaemonWithClient;
let c: RawClient;

const node = readyNode;
const unschedulable = (name: string): unknown => (t.sim.getObject('v1', 'Node', name, '')?.spec as { unschedulable?: boolean } | undefined)?.unschedulable;

beforeAll(async () => {
  t = await startSimDaemon({ client: { cols: 160, rows: 40 }, beforeDaemon: (sim) => ['node-a', 'node-b'].forEach((n) => sim.createObject(node(n))) });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const statusOf = async (paneId: number, name: string): Promise<string | undefined> => {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 160 })).view;
  return v.type === 'table' ? v.rows.find((r) => r.cells.name === name)?.cells.status : undefined;
};
const confirmText = (): Promise<string> => confirmDialog(c);
const toast = (re: RegExp): Promise<string> => waitFor(`a toast ${re}`, () => c.toasts().find((x) => re.test(x)) ?? null);

describe('cordon and uncordon', () => {
  it('c asks once naming the Node, then cordons it (SchedulingDisabled); u uncordons it', async () => {
    const nodes = await openListIn(c, 'nodes', 'default');
    await selectRow(c, nodes, 'node-a');
    await pressKeys(c, 'c');
    expect(await confirmText()).toBe('Cordon Node node-a? New pods are not scheduled on it; those running stay.');
    expect(unschedulable('node-a')).toBeUndefined();
    await pressKeys(c, 'y');
    await toast(/^cordoned Node node-a: no new pods are scheduled on it$/);
    expect(unschedulable('node-a')).toBe(true);
    expect(unschedulable('node-b')).toBeUndefined();
    await waitFor('SchedulingDisabled shown', async () => (await statusOf(nodes, 'node-a')) === 'Ready,SchedulingDisabled');
    // c again: kubectl's "already cordoned", nothing asked.
    await pressKeys(c, 'c');
    await toast(/^Node node-a is already cordoned$/);
    expect(c.layout!.overlay).toBeNull();

    await pressKeys(c, 'u');
    expect(await confirmText()).toBe('Uncordon Node node-a? Pods may be scheduled on it again.');
    await pressKeys(c, 'y');
    await toast(/^uncordoned Node node-a$/);
    expect(unschedulable('node-a')).toBeUndefined();
    await waitFor('Ready shown', async () => (await statusOf(nodes, 'node-a')) === 'Ready');
    await pressKeys(c, 'u');
    await toast(/^Node node-a is already schedulable \(not cordoned\)$/);
    expect(c.layout!.overlay).toBeNull();
  });

  it('n declines; a Node re-created under the name while the dialog is open is left alone', async () => {
    const nodes = await openListIn(c, 'nodes', 'default');
    await selectRow(c, nodes, 'node-b');
    await pressKeys(c, 'c');
    await confirmText();
    await pressKeys(c, 'n');
    await c.waitLayout('closed', (x) => x.overlay === null);
    expect(unschedulable('node-b')).toBeUndefined();

    await pressKeys(c, 'c');
    await confirmText();
    t.sim.deleteObject('v1', 'Node', 'node-b', '');
    t.sim.createObject(node('node-b'));
    await pressKeys(c, 'y');
    await toast(/^Node node-b was replaced by another object of the same name since it was chosen; nothing was cordoned$/);
    expect(unschedulable('node-b')).toBeUndefined();
  });

  it('other kinds refuse at once, keys and scripts alike', async () => {
    t.sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: {} });
    const cms = await openListIn(c, 'configmaps', 'default');
    await selectRow(c, cms, 'cfg');
    const before = c.toasts().length;
    await pressKeys(c, 'u');
    await waitFor('the refusal', () => c.toasts().slice(before).find((x) => x === 'only Nodes can be uncordoned (ConfigMap objects cannot)') ?? null);
    expect(c.layout?.overlay ?? null).toBeNull();
    // `c` elsewhere copies the name (k9s), and changes nothing.
    await pressKeys(c, 'c');
    await waitFor('the copy', () => c.toasts().slice(before).find((x) => x === 'copied cfg to the clipboard') ?? null);
    expect(c.layout?.overlay ?? null).toBeNull();
    await expect(c.request('resource/action', { paneId: cms, action: 'cordon' })).rejects.toMatchObject({ message: 'only Nodes can be cordoned (ConfigMap objects cannot)' });
    await expect(c.request('resource/action', { paneId: cms, action: 'uncordon' })).rejects.toMatchObject({ message: 'only Nodes can be uncordoned (ConfigMap objects cannot)' });
    // A script cordons a Node by name, pinned to it.
    const nodes = await openListIn(c, 'nodes', 'default');
    await c.request('resource/action', { paneId: nodes, action: 'cordon', target: { name: 'node-a' } });
    expect(unschedulable('node-a')).toBe(true);
  });
});
