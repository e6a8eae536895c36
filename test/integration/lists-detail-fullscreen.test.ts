import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * What users saw wrong: RESTARTS "(Ns ago)" and ages froze until the object changed; Enter on a
 * list stacked a new detail pane each time; fullscreen was shared by the tab, so another client's
 * focused pane vanished from its screen while still taking its keys.
 */

let env: TestEnv;
let sim: KubeSim;
let stack: SimDaemon | undefined;

beforeAll(async () => {
  stack = await startSimDaemon();
  ({ env, sim } = stack);
});
afterAll(() => stack?.stop());

function restartedPod(name: string, namespace: string, restartedMsAgo: number) {
  const at = (ms: number): string => new Date(Date.now() - ms).toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, creationTimestamp: at(restartedMsAgo + 60_000) },
    spec: { containers: [{ name: 'main', image: 'busybox' }], nodeName: 'node-1' },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'main',
          ready: true,
          restartCount: 2,
          image: 'busybox',
          imageID: '',
          state: { running: { startedAt: at(restartedMsAgo) } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: at(restartedMsAgo + 5000), finishedAt: at(restartedMsAgo) } },
        },
      ],
    },
  };
}

const restartsSeconds = (text: string | undefined): number => Number(/^2 \((\d+)s ago\)$/.exec(text ?? '')?.[1] ?? NaN);

describe('resource lists', () => {
  it('RESTARTS "(Ns ago)" and AGE tick on an attached client with no change to the object', async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tick' } });
    sim.createObject(restartedPod('flappy-1', 'tick', 3000));
    const c = await RawClient.connect(env.socket);
    try {
      await c.attach({ cols: 160, rows: 30 });
      const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
      await c.request('kube/use', { tabId, namespace: 'tick' });
      const first = (await c.waitView('the pod listed', paneId, (v) => v.type === 'table' && v.rows.length === 1)) as TableView;
      const s0 = restartsSeconds(first.rows[0]!.cells.restarts);
      expect(s0).toBeGreaterThanOrEqual(3);
      const rv = sim.getObject('v1', 'Pod', 'flappy-1', 'tick')!.metadata.resourceVersion;
      // Without any change to the pod, the client is sent a newer RESTARTS text.
      const later = (await c.waitView('RESTARTS ticking', paneId, (v) => v.type === 'table' && restartsSeconds(v.rows[0]?.cells.restarts) >= s0 + 2, )) as TableView;
      expect(later.rows[0]!.cells.restarts).toMatch(/^2 \(\d+s ago\)$/);
      expect(sim.getObject('v1', 'Pod', 'flappy-1', 'tick')!.metadata.resourceVersion).toBe(rv);
      // pane/snapshot computes it fresh too (it used to return the text cached at the last change).
      const snap = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 10, cols: 160 })).view;
      expect(restartsSeconds(snap.rows[0]!.cells.restarts)).toBeGreaterThanOrEqual(s0 + 2);
    } finally {
      c.close();
    }
  }, 60_000);

  it('Enter on one row after another reuses the detail pane instead of stacking new ones', async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'detail' } });
    for (const n of ['alpha', 'beta', 'gamma']) sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'detail' }, data: { k: n } });
    const c = await RawClient.connect(env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'configmaps' } }, newTab: true });
      await c.request('kube/use', { tabId, namespace: 'detail' });
      await c.waitView('configmaps listed', paneId, (v) => v.type === 'table' && v.rows.length === 3);
      const paneCount = (): number => {
        const t = c.layout!.tabs.find((x) => x.id === tabId)!;
        const count = (n: { type: string; first?: unknown; second?: unknown }): number =>
          n.type === 'leaf' ? 1 : count(n.first as never) + count(n.second as never);
        return count(t.tree as never);
      };
      const titles = (): string[] => Object.values(c.layout!.paneTitles);
      for (const [i, name] of ['alpha', 'beta', 'gamma'].entries()) {
        await c.request('pane/focus', { paneId });
        if (i > 0) await c.request('client/key', { key: 'j' });
        await c.request('client/key', { key: 'enter' });
        await c.waitLayout(`detail of ${name}`, (l) => Object.values(l.paneTitles).some((t) => t === `Detail: ConfigMap detail/${name}`));
        expect(paneCount()).toBe(2);
      }
      expect(titles().filter((t) => t.startsWith('Detail:'))).toEqual(['Detail: ConfigMap detail/gamma']);
      // y (YAML) likewise reuses its own pane: list + detail + one YAML pane.
      await c.request('pane/focus', { paneId });
      await c.request('client/key', { key: 'y' });
      await c.waitLayout('yaml of gamma', (l) => Object.values(l.paneTitles).includes('YAML: ConfigMap detail/gamma'));
      await c.request('pane/focus', { paneId });
      await c.request('client/key', { key: 'k' });
      await c.request('client/key', { key: 'y' });
      await c.waitLayout('yaml of beta', (l) => Object.values(l.paneTitles).includes('YAML: ConfigMap detail/beta'));
      expect(paneCount()).toBe(3);
    } finally {
      c.close();
    }
  });
});

describe('esc on a detail pane', () => {
  it('closes it beside its list; the only pane of a tab stays (esc never takes a tab with it) and says how to close it', async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'alone' } });
    sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'alone' }, data: { k: 'v' } });
    const c = await RawClient.connect(env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 }, 'esc-alone');
      const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'configmaps' } }, newTab: true });
      await c.request('kube/use', { tabId, namespace: 'alone' });
      await c.request('pane/focus', { paneId });
      await c.waitView('the configmap listed', paneId, (v) => v.type === 'table' && v.rows.length === 1);
      const detailOf = (l: SessionLayout): number | null => Number(Object.entries(l.paneTitles).find(([, t]) => t === 'Detail: ConfigMap alone/cm')?.[0] ?? NaN) || null;
      await c.request('client/key', { key: 'enter' });
      const detail = detailOf(await c.waitLayout('the detail', (l) => detailOf(l) !== null))!;
      await c.request('client/key', { key: 'esc' });
      await c.waitLayout('the detail closed, the list left', (l) => detailOf(l) === null && l.tabs.some((t) => t.id === tabId));
      // Alone in its tab (its list closed), esc keeps it and the tab.
      await c.request('client/key', { key: 'enter' });
      const again = detailOf(await c.waitLayout('the detail again', (l) => detailOf(l) !== null))!;
      expect(again).not.toBe(detail);
      await c.request('pane/close', { paneId });
      await c.request('pane/focus', { paneId: again });
      const before = c.toasts().length;
      await c.request('client/key', { key: 'esc' });
      await waitFor('the hint', () => c.toasts().slice(before).find((t) => t.includes('nothing to go back to')) ?? null);
      expect(c.layout!.tabs.some((t) => t.id === tabId)).toBe(true);
      expect(detailOf(c.layout!)).toBe(again);
    } finally {
      c.close();
    }
  });
});

describe('fullscreen belongs to the client', () => {
  it('enter in a fullscreen list shows the detail it opens (it opened behind the zoom), and the tab bar names this client\'s pane', async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'zoomed' } });
    sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'only', namespace: 'zoomed' }, data: { k: 'v' } });
    const a = await RawClient.connect(env.socket);
    const b = await RawClient.connect(env.socket);
    try {
      await a.attach({ cols: 160, rows: 40 }, 'zoom-enter');
      await b.attach({ cols: 160, rows: 40 }, 'zoom-enter');
      const { paneId, tabId } = await a.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'configmaps' } }, newTab: true });
      await a.request('kube/use', { tabId, namespace: 'zoomed' });
      await a.request('pane/focus', { paneId });
      await a.waitView('the configmap listed', paneId, (v) => v.type === 'table' && v.rows.length === 1);
      await a.request('client/key', { key: 'alt+f' });
      await a.waitLayout('A zoomed on the list', (l) => l.tabs.find((t) => t.id === tabId)?.fullscreenPaneId === paneId);
      await a.request('client/key', { key: 'enter' });
      const l = await a.waitLayout('the detail opened', (x) => Object.values(x.paneTitles).includes('Detail: ConfigMap zoomed/only'));
      const tab = l.tabs.find((t) => t.id === tabId)!;
      const detail = Number(Object.entries(l.paneTitles).find(([, t]) => t === 'Detail: ConfigMap zoomed/only')![0]);
      expect(tab.focusedPaneId).toBe(detail);
      // What A sees: the detail (the zoom left, as when any other pane takes the focus), not the list alone.
      expect(tab.fullscreenPaneId === null || tab.fullscreenPaneId === detail).toBe(true);
      expect(tab.title).toBe('zoomed|DTL');
      // B, focused on the list there, keeps its own label (it showed A's focused pane).
      await b.request('tab/select', { tabId });
      await b.request('pane/focus', { paneId });
      const lb = await b.waitLayout("B's tab bar", (x) => x.activeTabId === tabId && x.tabs.find((t) => t.id === tabId)?.focusedPaneId === paneId);
      expect(lb.tabs.find((t) => t.id === tabId)!.title).toBe('zoomed|CFG');
      expect(a.layout!.tabs.find((t) => t.id === tabId)!.title).toBe('zoomed|DTL');
    } finally {
      a.close();
      b.close();
    }
  });

  it("one client's fullscreen leaves another client's screen and keys alone", async () => {
    const a = await RawClient.connect(env.socket);
    const b = await RawClient.connect(env.socket);
    try {
      await a.attach({ cols: 120, rows: 40 }, 'zoom');
      await b.attach({ cols: 100, rows: 30 }, 'zoom');
      const first = a.activeTab().focusedPaneId;
      const { paneId: second } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'help' }, split: { paneId: first, direction: 'vertical' } });
      await b.request('pane/focus', { paneId: first });
      await a.request('pane/focus', { paneId: second });
      await a.request('client/key', { key: 'alt+f' });
      await a.waitLayout('A fullscreen on the help pane', (l) => l.tabs.find((t) => t.id === l.activeTabId)!.fullscreenPaneId === second);
      // B still sees both panes, its own focus, and no fullscreen.
      await b.request('client/key', { key: 'ctrl+t' }); // any key: B's layout is re-sent
      await b.waitLayout('B on its new tab', (l) => l.tabs.length >= 2);
      await b.request('client/key', { key: 'ctrl+pageup' });
      const lb = await b.waitLayout('B back on the first tab', (l) => l.activeTabId === a.layout!.activeTabId);
      const tb = lb.tabs.find((t) => t.id === lb.activeTabId)!;
      expect(tb.fullscreenPaneId).toBeNull();
      expect(tb.focusedPaneId).toBe(first);
      // A's fullscreen is unchanged by B.
      const ta = a.layout!.tabs.find((t) => t.id === a.layout!.activeTabId)!;
      expect(ta.fullscreenPaneId).toBe(second);
      // A focusing another pane unzooms (keys always go to what is shown).
      await a.request('pane/focus', { paneId: first });
      await a.waitLayout('A unzoomed', (l) => l.tabs.find((t) => t.id === l.activeTabId)!.fullscreenPaneId === null);
    } finally {
      a.close();
      b.close();
    }
  });
});
