import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { SessionLayout } from '@kubetile/rpc-schema';
import { RawClient } from '../helpers/rpc-client.js';
import { waitFor } from '../helpers/daemon-process.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * Typing ahead in `:` while its kinds still load (a cold daemon asks the API server's discovery first;
 * after `kubetile daemon restart` that is the first thing a user does): `:deploy⏎` typed before the list
 * arrived picks deployments once it does. The keys were lost before (enter picked nothing from `Loading...`).
 */

let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let c: RawClient;

const tabOf = (l: SessionLayout) => l.tabs.find((t) => t.id === l.activeTabId)!;

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: (s) => void s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ahead' } }),
    client: { cols: 160, rows: 40 },
  });
  ({ sim, client: c } = stack);
});
afterAll(() => stack?.stop());

describe('`:` typed ahead of its items', () => {
  it('enter pressed while the kinds load picks what was typed when they arrive', async () => {
    const before = tabOf(c.layout!).focusedPaneId;
    sim.setLatency({ ms: 1500, resource: 'discovery' });
    await c.request('client/key', { key: ':' });
    const loading = await c.waitLayout('the switcher, loading', (l) => l.overlay?.type === 'selector');
    expect(loading.overlay?.type === 'selector' && loading.overlay.items).toEqual(['Loading...']);
    for (const ch of 'deploy') await c.request('client/key', { key: ch });
    await c.request('client/key', { key: 'enter' });
    const l = await c.waitLayout('deployments replaced the pods view', (x) => !x.overlay && tabOf(x).focusedPaneId !== before, 20_000);
    const panes = (await c.request<{ panes: Array<{ paneId: number; args: Record<string, unknown> }> }>('pane/list', {})).panes;
    expect(panes.find((p) => p.paneId === tabOf(l).focusedPaneId)?.args).toMatchObject({ kind: 'deployments' });
    sim.setLatency(0);
  });

  it('enter on a typo keeps the switcher open with the text to correct, and says nothing matches', async () => {
    await c.request('client/key', { key: ':' });
    await c.waitLayout('the switcher with its kinds', (l) => l.overlay?.type === 'selector' && !l.overlay.items.includes('Loading...'));
    for (const ch of 'dploy') await c.request('client/key', { key: ch });
    const seen = c.notifications.length;
    await c.request('client/key', { key: 'enter' });
    await waitFor('the error toast', () => c.notifications.slice(seen).find((n) => n.method === 'toast' && (n.params as { text: string }).text.includes("nothing matches 'dploy'")) ?? null);
    await c.waitLayout('the switcher still open on the typo', (l) => l.overlay?.type === 'selector' && l.overlay.query === 'dploy');
    await c.request('client/key', { key: 'esc' });
    await c.waitLayout('the switcher closed', (l) => !l.overlay);
  });

  it('a switcher longer than the terminal says where the selection is among all its items', async () => {
    // 40 rows: a screenful of the switcher's ~40 items; up from the first wraps to the last.
    await c.request('client/key', { key: ':' });
    const open = await c.waitLayout('the switcher with its kinds', (l) => l.overlay?.type === 'selector' && !l.overlay.items.includes('Loading...'));
    const total = open.overlay?.type === 'selector' ? open.overlay.total : 0;
    expect(open.overlay?.type === 'selector' && open.overlay.items.length).toBeLessThan(total);
    await c.request('client/key', { key: 'up' });
    const last = await c.waitLayout('the last item selected', (l) => l.overlay?.type === 'selector' && l.overlay.selected === l.overlay.items.length - 1 && (l.overlay.offset ?? 0) > 0);
    expect(last.overlay?.type === 'selector' && (last.overlay.offset ?? 0) + last.overlay.selected + 1).toBe(total);
    await c.request('client/key', { key: 'esc' });
    await c.waitLayout('the switcher closed', (l) => !l.overlay);
  });

  it("k9s's :pf and :pu open the port-forwards and pulse panes", async () => {
    for (const [typed, key] of [['pf', 'port-forwards'], ['pu', 'pulse']] as const) {
      const before = tabOf(c.layout!).focusedPaneId;
      await c.request('client/key', { key: ':' });
      await c.waitLayout('the switcher with its kinds', (l) => l.overlay?.type === 'selector' && !l.overlay.items.includes('Loading...'));
      for (const ch of typed) await c.request('client/key', { key: ch });
      const l = await c.waitLayout(`:${typed} selects ${key}`, (x) => x.overlay?.type === 'selector' && x.overlay.items[x.overlay.selected] === key);
      expect(l.overlay?.type === 'selector' && l.overlay.items[0]).toBe(key);
      await c.request('client/key', { key: 'enter' });
      const after = await c.waitLayout(`${key} replaced the view`, (x) => !x.overlay && tabOf(x).focusedPaneId !== before);
      const panes = (await c.request<{ panes: Array<{ paneId: number; key: string }> }>('pane/list', {})).panes;
      expect(panes.find((p) => p.paneId === tabOf(after).focusedPaneId)?.key).toBe(key);
    }
  });

  it("k9s's :KIND NAMESPACE: the kind's list with the tab on that namespace; all for all of them; a namespace that is not there is said", async () => {
    const typeLine = async (text: string): Promise<void> => {
      await c.request('client/key', { key: ':' });
      await c.waitLayout('the switcher with its kinds', (l) => l.overlay?.type === 'selector' && !l.overlay.items.includes('Loading...'));
      await c.request('client/paste', { text });
      await c.waitLayout(`"${text}" typed`, (l) => l.overlay?.type === 'selector' && l.overlay.query === text);
      await c.request('client/key', { key: 'enter' });
    };
    const focusedArgs = async (): Promise<Record<string, unknown> | undefined> => {
      const panes = (await c.request<{ panes: Array<{ paneId: number; args: Record<string, unknown> }> }>('pane/list', {})).panes;
      return panes.find((p) => p.paneId === tabOf(c.layout!).focusedPaneId)?.args;
    };
    await typeLine('deploy ahead');
    await c.waitLayout('the tab on namespace ahead', (l) => !l.overlay && tabOf(l).namespace === 'ahead');
    expect(await focusedArgs()).toMatchObject({ kind: 'deployments' });
    await typeLine('cm all');
    await c.waitLayout('the tab on all namespaces', (l) => !l.overlay && tabOf(l).namespace === '*');
    expect(await focusedArgs()).toMatchObject({ kind: 'configmaps' });
    const seen = c.notifications.length;
    await typeLine('po nowhere');
    await waitFor('the error toast', () => c.notifications.slice(seen).find((n) => n.method === 'toast' && (n.params as { text: string }).text.includes("no namespace 'nowhere'")) ?? null);
    expect(tabOf(c.layout!).namespace).toBe('*');
    // All or nothing: the kind is not switched either (it became Pods with the namespace refused).
    expect(await focusedArgs()).toMatchObject({ kind: 'configmaps' });
    // Not a kind: the selector stays open on the text, as for any typo.
    await typeLine('nokind ahead');
    await waitFor('the typo toast', () => c.notifications.slice(seen).find((n) => n.method === 'toast' && (n.params as { text: string }).text.includes("nothing matches 'nokind ahead'")) ?? null);
    await c.request('client/key', { key: 'esc' });
    await c.waitLayout('the switcher closed', (l) => !l.overlay);
  });

  it('the namespace selector too: a namespace typed and entered while they load is switched to', async () => {
    sim.setLatency({ ms: 1500, resource: 'namespaces' });
    await c.request('client/key', { key: 'ctrl+n' });
    await c.waitLayout('the namespace selector, loading', (l) => l.overlay?.type === 'selector' && l.overlay.items[0] === 'Loading...');
    for (const ch of 'ahead') await c.request('client/key', { key: ch });
    await c.request('client/key', { key: 'enter' });
    await c.waitLayout('the tab on namespace ahead', (l) => !l.overlay && tabOf(l).namespace === 'ahead', 20_000);
    sim.setLatency(0);
    // Opened again, it starts on the namespace the tab is on (k9s's), not on All Namespaces.
    await c.request('client/key', { key: 'ctrl+n' });
    const l = await c.waitLayout('the namespaces listed', (x) => x.overlay?.type === 'selector' && x.overlay.items[0] !== 'Loading...');
    const o = l.overlay!;
    expect(o.type === 'selector' ? o.items[o.selected] : null).toBe('ahead');
    await c.request('client/key', { key: 'esc' });
  });
});
