import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, pressKeys } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's column sort keys: shift+n NAME, shift+a AGE, shift+t RESTARTS, shift+r READY, shift+p
 * NAMESPACE, shift+o NODE, shift+i IP — the same key again sorts the other way round; a column the
 * list does not show is said (and how to show it), and the order stays.
 */

let t: SimDaemonWithClient;
let c: RawClient;

const pod = (name: string, ns: string, o: { restarts: number; node: string }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  spec: { nodeName: o.node, containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: o.restarts, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 40 },
    beforeDaemon: (sim) => {
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'zz' } });
      sim.createObject(pod('b-pod', 'default', { restarts: 5, node: 'node-a' }));
      sim.createObject(pod('a-pod', 'default', { restarts: 12, node: 'node-c' }));
      sim.createObject(pod('c-pod', 'default', { restarts: 0, node: 'node-b' }));
      sim.createObject(pod('d-pod', 'zz', { restarts: 1, node: 'node-a' }));
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const names = async (paneId: number): Promise<string[]> => {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 200 })).view;
  return v.type === 'table' ? v.rows.map((r) => r.cells.name!) : [];
};
const order = (paneId: number, want: string[]) => waitFor(`the order ${want.join(' ')}`, async () => ((await names(paneId)).join(' ') === want.join(' ') ? true : null));
const toast = (text: string, from: number) => waitFor(`the toast ${text}`, () => c.toasts().slice(from).includes(text) || null);

describe('k9s column sort keys', () => {
  it('sort by a column; the same key again reverses it (the view says which)', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await pressKeys(c, 'shift+t');
    await order(pods, ['c-pod', 'b-pod', 'a-pod']);
    await pressKeys(c, 'shift+t');
    await order(pods, ['a-pod', 'b-pod', 'c-pod']);
    await pressKeys(c, 'shift+n');
    await order(pods, ['a-pod', 'b-pod', 'c-pod']);
    await pressKeys(c, 'shift+n');
    await order(pods, ['c-pod', 'b-pod', 'a-pod']);
    const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: pods, rows: 20, cols: 200 })).view;
    expect(v.type === 'table' ? v.sort : null).toEqual({ column: 'name', order: 'desc' });
  });

  it('a column the list does not show is said, with how to show it; then it sorts', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await pressKeys(c, 'shift+n');
    await order(pods, ['a-pod', 'b-pod', 'c-pod']);
    let from = c.toasts().length;
    await pressKeys(c, 'shift+o');
    await toast('Pods show NODE in the wide columns (shift+w), then it sorts', from);
    expect(await names(pods)).toEqual(['a-pod', 'b-pod', 'c-pod']);
    await pressKeys(c, 'shift+w', 'shift+o');
    await order(pods, ['b-pod', 'c-pod', 'a-pod']);
    from = c.toasts().length;
    await pressKeys(c, 'shift+p');
    await toast('the NAMESPACE column shows in all namespaces (a), then it sorts', from);
    await pressKeys(c, 'a', 'shift+p', 'shift+p');
    await waitFor('zz first', async () => ((await names(pods))[0] === 'd-pod' ? true : null));
    const cms = await openListIn(c, 'configmaps', 'default');
    from = c.toasts().length;
    await pressKeys(c, 'shift+t');
    await toast('ConfigMaps have no RESTARTS column to sort by', from);
    expect(cms).toBeGreaterThan(0);
  });
});
