import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KubeSim } from '@kubetile/kube-sim';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A cluster whose custom resources are named like the built-ins (a CRD with short names `pods` and
 * `deployments`, one whose plural is `po`, one serving `pods` of kind Pod in its own group): `:` still means
 * the built-ins, and the list of the custom `po` lists and deletes that kind's objects, not another's of the
 * same name.
 */

let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let c: RawClient;

const crd = (plural: string, kind: string, shortNames: string[] = []) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.evil.example.com` },
  spec: {
    group: 'evil.example.com',
    names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List`, shortNames },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
});

const tabOf = (l: SessionLayout) => l.tabs.find((t) => t.id === l.activeTabId)!;

async function keys(...ks: string[]): Promise<void> {
  for (const key of ks) await c.request('client/key', { key });
}

async function columnsOf(paneId: number): Promise<string[] | null> {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 140 })).view;
  return v.type === 'table' ? v.columns.map((col) => col.title) : null;
}

async function rowsOf(paneId: number): Promise<string[] | null> {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 140 })).view;
  return v.type === 'table' ? v.rows.map((r) => String(r.cells.name)) : null;
}

/** `:` + `text`: waits until the switcher selects an item starting with `want`, presses enter; the new pane and its args. */
async function switchTo(text: string, want: string): Promise<{ paneId: number; args: Record<string, unknown> }> {
  const before = tabOf(c.layout!).focusedPaneId;
  await keys(':');
  await c.waitLayout('the switcher with its kinds', (l) => l.overlay?.type === 'selector' && !l.overlay.items.includes('Loading...'));
  for (const ch of text) await keys(ch);
  await c.waitLayout(`:${text} selects ${want}`, (l) => l.overlay?.type === 'selector' && l.overlay.query === text && (l.overlay.items[l.overlay.selected] ?? '').startsWith(want));
  await keys('enter');
  const l = await c.waitLayout(`:${text} replaced the view`, (x) => !x.overlay && tabOf(x).focusedPaneId !== before);
  const paneId = tabOf(l).focusedPaneId;
  const panes = (await c.request<{ panes: Array<{ paneId: number; args: Record<string, unknown> }> }>('pane/list', {})).panes;
  return { paneId, args: panes.find((p) => p.paneId === paneId)!.args };
}

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: (s, env) => {
      // Columns named for the core Pod; the custom `po` has its own entry, by plural.group.
      mkdirSync(dirname(env.configFile), { recursive: true });
      writeFileSync(env.configFile, '[views.pods]\ncolumns = ["name", "restarts"]\n\n[views."po.evil.example.com"]\ncolumns = ["name"]\n');
      s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'clash' } });
      s.createObject(crd('evilpods', 'EvilPod', ['pods', 'deployments']));
      s.createObject(crd('po', 'Po'));
      s.createObject(crd('pods', 'Pod'));
      const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'clash' }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] }, status: { phase: 'Running' } });
      s.createObject(pod('real-pod'));
      s.createObject(pod('same'));
      s.createObject({ apiVersion: 'evil.example.com/v1', kind: 'EvilPod', metadata: { name: 'fake-pod', namespace: 'clash' } });
      s.createObject({ apiVersion: 'evil.example.com/v1', kind: 'Po', metadata: { name: 'same', namespace: 'clash' } });
      s.createObject({ apiVersion: 'evil.example.com/v1', kind: 'Pod', metadata: { name: 'same', namespace: 'clash' } });
    },
    client: { cols: 140, rows: 40 },
  });
  ({ sim, client: c } = stack);
  const { tabId, paneId } = await c.request<{ tabId: number; paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'configmaps' } }, newTab: true });
  await c.request('kube/use', { tabId, namespace: 'clash' });
  await c.request('pane/focus', { paneId });
  await c.waitLayout('the list focused', (l) => tabOf(l).focusedPaneId === paneId && tabOf(l).namespace === 'clash');
});
afterAll(() => stack?.stop());

describe('custom resources named like the built-ins', () => {
  it('`:pods` and `:deployments` are the built-ins though a CRD has them as short names', async () => {
    const pods = await switchTo('pods', 'pods (po');
    expect(pods.args).toEqual({ kind: 'pods' });
    await waitFor('the core pods listed', async () => (await rowsOf(pods.paneId))?.join() === 'real-pod,same');
    const deploys = await switchTo('deployments', 'deployments (deploy');
    expect(deploys.args).toEqual({ kind: 'deployments' });
  });

  it("the custom `po` lists its own objects, and ctrl+d deletes the Po, not another group's or core's `same`", async () => {
    const po = await switchTo('po.evil.example.com', 'po.evil.example.com');
    expect(po.args).toMatchObject({ kind: 'po', group: 'evil.example.com', kindName: 'Po' });
    await waitFor('the Po listed', async () => (await rowsOf(po.paneId))?.join() === 'same');
    await keys('ctrl+d');
    await c.waitLayout('confirm', (x) => x.overlay?.type === 'confirm' && x.overlay.text === 'Delete Po clash/same?');
    await keys('y');
    await waitFor('the Po deleted', () => !sim.getObject('evil.example.com/v1', 'Po', 'same', 'clash'));
    expect(sim.getObject('evil.example.com/v1', 'Pod', 'same', 'clash')).toBeTruthy();
    expect(sim.getObject('v1', 'Pod', 'same', 'clash')).toBeTruthy();
  });

  it("logs, exec, debug and query on the custom `Pod` are refused, naming its group — they reached the core Pod of the same name", async () => {
    const pods = await switchTo('pods.evil.example.com', 'pods.evil.example.com');
    await waitFor('the custom Pod listed', async () => (await rowsOf(pods.paneId))?.join() === 'same');
    const refused = async (action: string): Promise<string> => {
      const err = await c.request('resource/action', { paneId: pods.paneId, action }).then(() => null, (e: Error) => e);
      expect(err, `${action} was refused`).not.toBeNull();
      return err!.message;
    };
    expect(await refused('logs')).toContain('Pod (pods.evil.example.com) clash/same has no logs');
    expect(await refused('exec')).toContain('exec runs a shell in a pod; Pod (pods.evil.example.com) clash/same is not one');
    expect(await refused('debug')).toMatch(/Pod \(pods\.evil\.example\.com\) clash\/same/);
    // The query pane (shift+q, a key only): refused in a toast.
    await keys('shift+q');
    await waitFor('the query refusal', () => c.notifications.some((n) => n.method === 'toast' && JSON.stringify(n.params).includes('Query is only available for Pods; Pod (pods.evil.example.com) clash/same is not one')));
    // Nothing was asked of the core Pod `same`.
    const core = sim.journalEntries({ path: '/api/v1/namespaces/clash/pods/same/log' }).length + sim.journalEntries({ path: '/api/v1/namespaces/clash/pods/same/exec' }).length;
    expect(core).toBe(0);
  });

  it('`[views.pods]` is the core Pod\'s: the custom `pods` lists with its own columns, and its detail is not printed as a core Pod', async () => {
    const core = await switchTo('pods', 'pods (po');
    await waitFor('the core pods with [views.pods] columns', async () => (await columnsOf(core.paneId))?.join() === 'NAME,RESTARTS');
    const custom = await switchTo('pods.evil.example.com', 'pods.evil.example.com');
    await waitFor('the custom Pod listed', async () => (await rowsOf(custom.paneId))?.join() === 'same');
    expect(await columnsOf(custom.paneId)).toEqual(['NAME', 'AGE']);
    // A custom kind's own entry, by plural.group.
    const po = await switchTo('po.evil.example.com', 'po.evil.example.com');
    await waitFor('the Po list with its [views."po.evil.example.com"] columns', async () => (await columnsOf(po.paneId))?.join() === 'NAME');
    // Detail (enter) of the custom Pod: not the core Pod's sections (its printer's READY and RESTARTS, a QoS class).
    const again = await switchTo('pods.evil.example.com', 'pods.evil.example.com');
    await waitFor('the custom Pod listed again', async () => (await rowsOf(again.paneId))?.join() === 'same');
    await keys('enter');
    const detail = await c.waitLayout('the detail pane', (l) => tabOf(l).focusedPaneId !== again.paneId);
    const text = await waitFor('the detail rendered', async () => {
      const v = (await c.request<{ view: { type: string; lines?: Array<{ spans?: Array<{ text: string }>; text?: string }> } }>('pane/snapshot', { paneId: tabOf(detail).focusedPaneId, rows: 40, cols: 140 })).view;
      const t = JSON.stringify(v);
      return t.includes('evil.example.com/v1') ? t : null;
    });
    expect(text).toContain('Pod (evil.example.com/v1)');
    expect(text).not.toMatch(/Restarts|QoS Class|Ready/);
  });
});
