import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { bodyRect, contentViewport, layoutTab, type PaneView, type SessionLayout } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { FrameSocket, RawClient } from '../helpers/rpc-client.js';

/**
 * Many clients on one session: each gets the views cut to its own terminal size; a client that stops
 * reading (a suspended terminal) costs the others nothing — their key round trips stay quick, the
 * daemon's memory stays put — and when it reads again it gets the newest views, not a backlog.
 */

let sim: KubeSim;
let simEnv: TestEnv;
let env: TestEnv;
let daemon: DaemonProcess;
const closers: Array<() => void> = [];

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'x' }] },
  status: { phase: 'Running' },
});

beforeAll(async () => {
  simEnv = makeTestEnv();
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: join(simEnv.dir, 'kubeconfig'), stateDir: join(simEnv.dir, 'sim') });
  for (let i = 1; i <= 80; i++) sim.createObject(pod(`app-${String(i).padStart(3, '0')}`));
});
afterAll(async () => {
  await sim?.stop();
  simEnv?.cleanup();
});
beforeEach(async () => {
  env = makeTestEnv();
  env.env.KUBECONFIG = join(simEnv.dir, 'kubeconfig');
  daemon = await startDaemon(env);
});
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await daemon.stop();
  env.cleanup();
});

async function client(size: { cols: number; rows: number }): Promise<RawClient> {
  const c = await RawClient.connect(env.socket);
  closers.push(() => c.close());
  await c.attach(size, 'main');
  return c;
}

/** The content viewport each pane of the active tab has on a terminal of `size`. */
function viewports(l: SessionLayout, size: { cols: number; rows: number }): Map<number, { cols: number; rows: number }> {
  const tab = l.tabs.find((t) => t.id === l.activeTabId)!;
  const out = new Map<number, { cols: number; rows: number }>();
  for (const [id, rect] of layoutTab(tab.tree, tab.fullscreenPaneId, bodyRect(size))) out.set(id, contentViewport(rect));
  return out;
}

/** A session with a pods list beside help: one table, one lines pane. */
async function setUp(c: RawClient): Promise<{ listId: number; helpId: number }> {
  const first = c.activeTab().focusedPaneId;
  const { paneId: listId } = await c.request<{ paneId: number }>('pane/open', { session: 'main', view: { key: 'resource-list', args: { kind: 'pods' } }, split: { paneId: first, direction: 'vertical' } });
  await c.request('pane/close', { paneId: first });
  const { paneId: helpId } = await c.request<{ paneId: number }>('pane/open', { session: 'main', view: { key: 'help' }, split: { paneId: listId, direction: 'horizontal', ratio: 0.6 } });
  return { listId, helpId };
}

const rowsOf = (v: PaneView | undefined): number => (v?.type === 'table' ? v.rows.length : v?.type === 'lines' ? v.lines.length : -1);

describe('clients of different sizes on one session', () => {
  it('each gets every pane cut to its own rectangle: the view equals the snapshot at its viewport', async () => {
    const sizes = [{ cols: 60, rows: 20 }, { cols: 120, rows: 40 }, { cols: 200, rows: 70 }];
    const clients = [];
    for (const s of sizes) clients.push({ size: s, c: await client(s) });
    const { listId, helpId } = await setUp(clients[0]!.c);
    for (const { size, c } of clients) {
      const layout = await c.waitLayout('the two-pane layout', (l) => {
        const ids = [...viewports(l, size).keys()];
        return ids.includes(listId) && ids.includes(helpId);
      });
      for (const [paneId, vp] of viewports(layout, size)) {
        const want = (await c.request<{ view: PaneView }>('pane/snapshot', { paneId, ...vp })).view;
        await c.waitView(`pane ${paneId} cut to ${vp.cols}x${vp.rows}`, paneId, (v) => JSON.stringify(v) === JSON.stringify(want) && (v.type !== 'table' || v.rows.length > 0));
      }
    }
    // Three sizes, three different cuts: more rows for a taller terminal, never more than fit.
    const listRows = clients.map(({ c }) => rowsOf(c.views.get(listId)?.view));
    expect(listRows[0]).toBeLessThan(listRows[1]!);
    expect(listRows[1]).toBeLessThan(listRows[2]!);
    clients.forEach(({ size, c }, i) => expect(listRows[i]).toBeLessThanOrEqual(viewports(c.layout!, size).get(listId)!.rows));
    const helpRows = clients.map(({ c }) => rowsOf(c.views.get(helpId)?.view));
    expect(new Set(helpRows).size).toBe(3);
  });
});

describe('a client that stops reading (a suspended terminal)', () => {
  it('does not slow the others or grow the daemon, and gets the newest views when it reads again', async () => {
    const active = await client({ cols: 120, rows: 40 });
    const { listId } = await setUp(active);
    // The suspended one: a raw socket that attaches on a big terminal, then reads nothing.
    const size = { cols: 250, rows: 120 };
    const stalled = await FrameSocket.open(env.socket);
    closers.push(() => stalled.destroy());
    stalled.hello();
    stalled.send({ jsonrpc: '2.0', id: 'attach', method: 'session/attach', params: { session: 'main', size } });
    await stalled.next((m) => m.id === 'attach');
    stalled.socket.pause();
    await active.request('pane/focus', { paneId: listId });
    const rss = async (): Promise<number> => (await active.request<{ memory: { rss: number } }>('daemon/status')).memory.rss;
    const before = await rss();

    // Churn: pods come and go while the other client keeps pressing keys.
    let churn = 0;
    let stop = false;
    const churning = (async () => {
      while (!stop) {
        const n = `churn-${churn++}`;
        sim.createObject(pod(n));
        if (churn > 20) sim.deleteObject('v1', 'Pod', `churn-${churn - 20}`, 'default');
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const latencies: number[] = [];
    let peak = before;
    const deadline = Date.now() + 8000;
    for (let i = 0; Date.now() < deadline; i++) {
      const t = Date.now();
      await active.request('client/key', { key: i % 2 ? 'k' : 'j' });
      latencies.push(Date.now() - t);
      if (i % 20 === 0) peak = Math.max(peak, await rss());
    }
    stop = true;
    await churning;
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)]!;
    // Generous bounds for a loaded 2-core machine: stuck behind the stalled client, keys would wait seconds.
    expect(latencies.length).toBeGreaterThan(20);
    expect(p50).toBeLessThan(250);
    expect(latencies[latencies.length - 1]).toBeLessThan(3000);
    // The daemon kept no backlog for the stalled client: a few MiB of its own churn at most.
    expect(peak - before).toBeLessThan(96 * 1024 * 1024);
    expect(stalled.closed).toBe(false);

    // Resume: the newest view of the list arrives (what the pane shows now at its viewport).
    stalled.socket.resume();
    const lastLayout = await waitFor('the stalled client catching up on the layout', () =>
      [...stalled.messages].reverse().find((m) => m.method === 'session/layout')?.params as SessionLayout | undefined,
    );
    const vp = viewports(lastLayout, size).get(listId)!;
    // What the pane shows now, asked again on each look: its ages tick every second, so a view taken once
    // would not be the newest any more when a loaded machine takes more than a second to deliver it.
    await waitFor('the newest view of the list', async () => {
      const want = (await active.request<{ view: PaneView }>('pane/snapshot', { paneId: listId, ...vp })).view;
      const views = stalled.messages.filter((m) => m.method === 'pane/view' && (m.params as { paneId: number }).paneId === listId);
      const last = views[views.length - 1]?.params as { view: PaneView } | undefined;
      return last && JSON.stringify(last.view) === JSON.stringify(want);
    });
    const frames = stalled.messages.filter((m) => m.method === 'pane/view' && (m.params as { paneId: number }).paneId === listId).length;
    const activeFrames = active.notifications.filter((m) => m.method === 'pane/view' && (m.params as { paneId: number }).paneId === listId).length;
    // Not a backlog: the reading client got a frame per change (coalesced per 16 ms), the stalled one a few.
    expect(frames).toBeLessThan(activeFrames / 3);
  }, 60_000);
});
