import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { pressKeys } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A list's filters and its way back given what a user types or a script sends: `re:` with `$`,
 * and an `args.back` naming a list that cannot be opened.
 */

let t: SimDaemonWithClient;
let c: RawClient;

const pod = (name: string, ns: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels: { app: name.split('-')[0]! } },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    beforeDaemon: (sim) => {
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
      for (const name of ['web-1', 'web-12', 'api-1']) sim.createObject(pod(name, 'default'));
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const tabOf = (l: SessionLayout) => l.tabs.find((x) => x.id === l.activeTabId)!;
const view = async (paneId: number): Promise<TableView> => {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
  if (v.type !== 'table') throw new Error(`not a table: ${v.type}`);
  return v;
};
const names = (v: TableView): string[] => v.rows.map((r) => r.cells.name!).sort();

/** A pods list opened with `args`, in a new tab on `default`, focused, once it shows its three pods. */
async function podsWith(args: Record<string, unknown>): Promise<{ paneId: number; tabId: number }> {
  const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods', ...args } }, newTab: true });
  await c.request('kube/use', { tabId: r.tabId, namespace: 'default' });
  await c.request('pane/focus', { paneId: r.paneId });
  await waitFor('the three pods', async () => (names(await view(r.paneId)).length === 3 ? true : null));
  return r;
}

describe('hostile filters and ways back', () => {
  it('re: with $ keeps the rows with a cell ending so (it kept none: "No matches")', async () => {
    const { paneId } = await podsWith({});
    for (const [query, want] of [
      ['re:-1$', ['api-1', 'web-1']],
      ['re:^web-1$', ['web-1']],
      ['!re:-1$', ['web-12']],
      ['re:^running$', ['api-1', 'web-1', 'web-12']],
    ] as const) {
      await c.request('pane/command', { paneId, command: { type: 'filter', query } });
      const v = await waitFor(`${query} → ${want.join(',')}`, async () => {
        const x = await view(paneId);
        return JSON.stringify(names(x)) === JSON.stringify(want) ? x : null;
      });
      expect(v.footer).toContain(`/${query}`);
    }
  });

  it('esc in a list whose way back names a list that cannot be opened keeps the list and the tab where they are', async () => {
    for (const back of [
      { kind: 'pods', node: 7 },
      { kind: 'deployments', node: 'node-1' },
      { kind: 'jobs', ownerUid: 'not a uid', tabNamespace: { from: 'other', to: 'default' } },
    ]) {
      const { paneId, tabId } = await podsWith({ back });
      await pressKeys(c, 'esc');
      // The key has been answered: had it replaced the list, the layout that says so is sent with it.
      const l = await c.waitLayout('the tab after esc', (x) => tabOf(x).id === tabId);
      const panes = (await c.request<{ panes: Array<{ paneId: number; key: string; title: string }> }>('pane/list', {})).panes;
      expect(tabOf(c.layout!).focusedPaneId, JSON.stringify(back)).toBe(paneId);
      expect(panes.find((p) => p.paneId === paneId)?.title, JSON.stringify(back)).toBe('Pods (default)');
      expect(tabOf(l).namespace, JSON.stringify(back)).toBe('default');
      expect(names(await view(paneId))).toEqual(['api-1', 'web-1', 'web-12']);
    }
  });
});
