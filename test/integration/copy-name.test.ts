import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { confirmText, openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { readyNode } from '../helpers/kube-objects.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's `c`: on a row of any list but Nodes, the row's name goes to the terminal's clipboard (the
 * client writes it with OSC 52), the marked rows' names when there are some; on a Node `c` still
 * cordons (after its question).
 */

let t: SimDaemonWithClient;
let c: RawClient;

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] }, status: { phase: 'Running' } });

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    beforeDaemon: (sim) => {
      for (const n of ['web-1', 'web-2', 'web-3']) sim.createObject(pod(n));
      sim.createObject(readyNode('node-1'));
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const clipboard = (from: number): Promise<string> =>
  waitFor('a clipboard write', () => (c.notifications.slice(from).find((n) => n.method === 'clipboard/write')?.params as { text: string } | undefined)?.text ?? null);

describe('copy the name (c)', () => {
  it("the selected row's name, then the marked rows' names; said in a toast", async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await selectRow(c, pods, 'web-2');
    let from = c.notifications.length;
    await pressKeys(c, 'c');
    expect(await clipboard(from)).toBe('web-2');
    await waitFor('the toast', () => c.toasts().includes('copied web-2 to the clipboard') || null);
    await c.request('pane/command', { paneId: pods, command: { type: 'clear_filter' } });
    await selectRow(c, pods, 'web-1');
    await c.request('pane/command', { paneId: pods, command: { type: 'clear_filter' } });
    await pressKeys(c, 'space', 'j', 'space');
    from = c.notifications.length;
    await pressKeys(c, 'c');
    expect(await clipboard(from)).toBe('web-1 web-3');
    expect(c.layout?.overlay ?? null).toBeNull();
  });

  it('on a Node, c still cordons, after its question', async () => {
    const nodes = await openListIn(c, 'nodes', 'default');
    await selectRow(c, nodes, 'node-1');
    const from = c.notifications.length;
    await pressKeys(c, 'c');
    expect(await confirmText(c)).toBe('Cordon Node node-1? New pods are not scheduled on it; those running stay.');
    await pressKeys(c, 'n');
    expect(c.notifications.slice(from).some((n) => n.method === 'clipboard/write')).toBe(false);
  });
});
