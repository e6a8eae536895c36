import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { useKubeBoot } from '../helpers/kube-boot.js';
import { RawClient } from '../helpers/rpc-client.js';

const kb = useKubeBoot();
const boot = (kubeconfig: string): Promise<RawClient> => kb.boot(kubeconfig, { cols: 140, rows: 40 });

const firstPane = (c: RawClient) => c.activeTab().focusedPaneId;

async function view(c: RawClient, paneId: number): Promise<TableView | { type: 'message'; text: string }> {
  return (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 140 })).view;
}

describe('Kubernetes bad input: a clear message, and the rest keeps working', () => {
  it('an unreachable API server: the pane says it cannot reach it, the status bar says reconnecting', async () => {
    const kc = join(kb.env.dir, 'kubeconfig');
    // A port nothing listens on (the sim's, after it stopped).
    const s = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: kc, stateDir: join(kb.env.dir, 'sim') });
    await s.stop();
    const c = await boot(kc);
    const v = await waitFor('unreachable shown', async () => {
      const x = await view(c, firstPane(c));
      return x.type === 'table' && /cannot reach the API server .* connection refused/.test(x.empty ?? '') ? x : null;
    });
    expect((v as TableView).empty).toMatch(/^Reconnecting: cannot reach/);
    await c.waitLayout('status bar reconnecting', (l) => /^reconnecting: cannot reach/.test(l.status.cluster));
    // the workspace still works
    await expect(c.request('client/key', { key: 'alt+v' })).resolves.toMatchObject({ handled: true });
  });

  it('an expired token: unauthorized, said plainly', async () => {
    const kc = join(kb.env.dir, 'kubeconfig');
    const sim = await kb.startSim({ kubeconfigOut: kc });
    sim.expireToken();
    const c = await boot(kc);
    await waitFor('401 shown', async () => {
      const x = await view(c, firstPane(c));
      return x.type === 'table' && /^Error: .*(Unauthorized|unauthorized)/.test(x.empty ?? '');
    });
    await c.waitLayout('status bar error', (l) => /^error: /i.test(l.status.cluster));
  });

  it('a malformed kubeconfig: the pane names the file and the problem', async () => {
    const kc = join(kb.env.dir, 'kubeconfig');
    writeFileSync(kc, 'apiVersion: v1\nkind: Config\nclusters: [this is: not valid\n');
    const c = await boot(kc);
    const v = await view(c, firstPane(c));
    expect(v).toMatchObject({ type: 'message', text: expect.stringMatching(/^No cluster connection: kubeconfig .*kubeconfig is malformed: /) });
    await expect(c.request('kube/namespaces')).rejects.toThrow(/no cluster: kubeconfig .* is malformed/);
    await expect(c.request('client/key', { key: 'ctrl+n' })).resolves.toMatchObject({ handled: true });
    await waitFor('error toast', () => c.notifications.find((n) => n.method === 'toast' && /No cluster connection/.test((n.params as { text: string }).text)));
  });
});

describe('namespace and context selectors', () => {
  it('ctrl+n lists All Namespaces and the namespaces; picking one re-points the tab and its panes', async () => {
    const kc = join(kb.env.dir, 'kubeconfig');
    const sim = await kb.startSim({ kubeconfigOut: kc });
    sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cart-1', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const c = await boot(kc);
    const pane = firstPane(c);
    await c.request('client/key', { key: 'ctrl+n' });
    const sel = await c.waitLayout('namespace selector with items', (l) => l.overlay?.type === 'selector' && l.overlay.items.includes('shop'));
    expect(sel.overlay).toMatchObject({ type: 'selector', items: expect.arrayContaining(['All Namespaces', 'default', 'kube-system', 'shop']) });
    for (const ch of 'sho') await c.request('client/key', { key: ch });
    await c.waitLayout('filtered', (l) => l.overlay?.type === 'selector' && l.overlay.items.length === 1);
    await c.request('client/key', { key: 'enter' });
    const l = await c.waitLayout('tab in shop', (x) => x.overlay === null && x.tabs[0]!.namespace === 'shop');
    expect(l.tabs[0]!.title).toBe('shop|POD');
    await waitFor('pods of shop', async () => {
      const v = await view(c, pane);
      return v.type === 'table' && v.title === 'Pods (shop)' && v.rows.some((r) => r.cells.name === 'cart-1');
    });
    // All Namespaces shows every namespace, with a NAMESPACE column
    await c.request('client/key', { key: 'ctrl+n' });
    // It opens on the namespace the tab is on; typing narrows it to All Namespaces.
    const again = await c.waitLayout('selector again', (x) => x.overlay?.type === 'selector' && x.overlay.items[0] === 'All Namespaces');
    expect(again.overlay?.type === 'selector' ? again.overlay.items[again.overlay.selected] : null).toBe('shop');
    for (const ch of 'all') await c.request('client/key', { key: ch });
    await c.waitLayout('narrowed to All Namespaces', (x) => x.overlay?.type === 'selector' && x.overlay.items.join() === 'All Namespaces');
    await c.request('client/key', { key: 'enter' });
    const all = await waitFor('all namespaces', async () => {
      const v = await view(c, pane);
      return v.type === 'table' && v.title === 'Pods (All Namespaces)' ? v : null;
    });
    expect((all as TableView).columns.map((x) => x.id)[0]).toBe('namespace');
  });

  it('ctrl+k lists the kubeconfig contexts; kube/use switches a tab; an unknown context is refused', async () => {
    const kc = join(kb.env.dir, 'kubeconfig');
    await kb.startSim({ kubeconfigOut: kc });
    const c = await boot(kc);
    const ctxs = await c.request<{ current: string; contexts: Array<{ name: string }> }>('kube/contexts');
    expect(ctxs.contexts.map((x) => x.name)).toContain(ctxs.current);
    await c.request('client/key', { key: 'ctrl+k' });
    await c.waitLayout('context selector', (l) => l.overlay?.type === 'selector' && l.overlay.items.includes(ctxs.current));
    await c.request('client/key', { key: 'esc' });
    await c.waitLayout('closed', (l) => l.overlay === null && l.mode === 'normal');
    await expect(c.request('kube/use', { tabId: c.layout!.activeTabId, context: 'nope' })).rejects.toThrow(/no context 'nope'/);
    await c.request('kube/use', { tabId: c.layout!.activeTabId, namespace: 'kube-system' });
    await c.waitLayout('namespace set', (l) => l.tabs[0]!.namespace === 'kube-system');
  });
});
