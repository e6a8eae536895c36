import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * Sessions survive the daemon: after a kill -9 or a kill-server the next daemon brings back every
 * session's tabs, pane trees and ratios, each pane's view and state (a list's filter and sort), with
 * the same pane ids; a corrupt or future state file is moved aside with a warning, never fatal.
 */

let sim: KubeSim;
let simDir: TestEnv;
let env: TestEnv;
let daemon: DaemonProcess | null = null;
const clients: RawClient[] = [];

beforeAll(async () => {
  simDir = makeTestEnv();
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: join(simDir.dir, 'kubeconfig'), stateDir: join(simDir.dir, 'sim') });
  for (const n of ['web-1', 'web-2', 'api-1', 'db-1']) {
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } });
  }
});
afterAll(async () => {
  await sim?.stop();
  simDir?.cleanup();
});
beforeEach(() => {
  env = makeTestEnv();
  env.env.KUBECONFIG = join(simDir.dir, 'kubeconfig');
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

const stateFile = (): string => join(env.dir, 'state', 'kubetile', 'sessions.json');

async function attach(session: string): Promise<RawClient> {
  const c = await RawClient.connect(env.socket);
  clients.push(c);
  await c.attach({ cols: 140, rows: 40 }, session);
  return c;
}

/** What must come back: tabs with their trees (ids, directions, ratios) and each pane's title. */
function shape(l: SessionLayout): unknown {
  return { tabs: l.tabs.map((t) => ({ id: t.id, tree: t.tree, context: t.context, namespace: t.namespace })) };
}

async function rows(c: RawClient, paneId: number): Promise<string[]> {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 120 })).view;
  return v.type === 'table' ? v.rows.map((r) => r.cells.name!) : [];
}

async function buildLayout(c: RawClient): Promise<{ listId: number; deployId: number }> {
  const first = c.activeTab().focusedPaneId;
  const { paneId: listId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, split: { paneId: first, direction: 'vertical' } });
  await c.request('pane/command', { paneId: listId, command: { type: 'filter', query: 'web' } });
  await c.request('pane/command', { paneId: listId, command: { type: 'sort_by_column', column: 0 } });
  await c.request('pane/command', { paneId: listId, command: { type: 'toggle_sort_order' } });
  await c.request('pane/focus', { paneId: listId });
  await c.request('client/key', { key: 'alt+shift+up' }); // grow: a ratio that is not 0.5
  await c.request('pane/open', { view: { key: 'help' }, split: { paneId: listId, direction: 'horizontal' } });
  const { paneId: deployId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'deployments' } }, newTab: true });
  await waitFor('filtered, sorted rows', async () => JSON.stringify(await rows(c, listId)) === JSON.stringify(['web-2', 'web-1']));
  return { listId, deployId };
}

async function waitSaved(pred: (text: string) => boolean): Promise<void> {
  await waitFor('the state file written', () => existsSync(stateFile()) && pred(readFileSync(stateFile(), 'utf8')));
}

describe('session resurrection', () => {
  it.each([
    ['kill -9', async (d: DaemonProcess) => {
      d.child.kill('SIGKILL');
      await d.exited;
    }],
    ['kill-server', async (d: DaemonProcess) => {
      const c = await RawClient.connect(env.socket);
      await c.request('daemon/shutdown').catch(() => undefined);
      c.close();
      await d.exited;
    }],
  ])('after %s the next daemon restores the layout, pane ids, the filter and the sort', async (_how, stop) => {
    daemon = await startDaemon(env);
    const a = await attach('work');
    const { listId, deployId } = await buildLayout(a);
    const before = await a.waitLayout('layout settled', (l) => l.tabs.length === 2);
    await waitSaved((t) => t.includes('"filter":"web"') && t.includes('"deployments"'));
    await stop(daemon);
    for (const c of clients.splice(0)) c.close();

    daemon = await startDaemon(env);
    const b = await attach('work');
    const after = b.layout!;
    expect(shape(after)).toEqual(shape(before));
    const panes = await b.request<{ panes: Array<{ paneId: number; key: string; args?: Record<string, unknown> }> }>('pane/list');
    const ids = panes.panes.map((p) => p.paneId).sort((x, y) => x - y);
    expect(ids).toContain(listId);
    expect(ids).toContain(deployId);
    // The list came back with its filter and its descending sort, and its watch is live again.
    await waitFor('the restored list shows the filtered, sorted rows', async () => JSON.stringify(await rows(b, listId)) === JSON.stringify(['web-2', 'web-1']));
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-3', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } });
    await waitFor('the restored watch follows changes', async () => JSON.stringify(await rows(b, listId)) === JSON.stringify(['web-3', 'web-2', 'web-1']));
    sim.deleteObject('v1', 'Pod', 'web-3', 'default');
    // New panes get new ids, never a restored one's.
    const { paneId: fresh } = await b.request<{ paneId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    expect(ids).not.toContain(fresh);
  }, 120_000);

  it('a corrupt state file is moved aside with a warning to the first client; the daemon starts fresh', async () => {
    const dir = join(env.dir, 'state', 'kubetile');
    await import('node:fs').then((fs) => fs.mkdirSync(dir, { recursive: true }));
    writeFileSync(stateFile(), '{"version":1,"sessions":[{"name":');
    daemon = await startDaemon(env);
    const c = await attach('main');
    const toast = await waitFor('a warning toast', () =>
      c.notifications.find((n) => n.method === 'toast' && /saved sessions could not be read \(not JSON/.test((n.params as { text: string }).text)),
    );
    expect((toast.params as { level: string }).level).toBe('warn');
    expect(readdirSync(dir).some((f) => f.startsWith('sessions.json.corrupt-'))).toBe(true);
    expect(c.layout!.tabs).toHaveLength(1);
  });

  it('a state file with one bad tab, pane or session brings back everything else, says what was left out, and keeps the file as it was', async () => {
    const dir = join(env.dir, 'state', 'kubetile');
    await import('node:fs').then((fs) => fs.mkdirSync(dir, { recursive: true }));
    const leaf = (paneId: number) => ({ type: 'leaf', paneId });
    const tab = (id: number, tree: unknown, lastFocusedPaneId: number) => ({ id, context: 'kube-sim', namespace: 'default', tree, lastFocusedPaneId });
    const written = JSON.stringify({
      version: 1,
      savedAt: '2026-12-05T00:00:00Z',
      sessions: [
        {
          name: 'work',
          tabs: [
            tab(1, leaf(1), 1),
            tab(2, { type: 'split', direction: 'vertical', ratio: 5, first: leaf(2), second: leaf(4) }, 2), // a ratio past 1
            tab(3, leaf(1), 1), // pane 1 again: two tabs cannot show one pane
          ],
          panes: [
            { id: 1, view: { key: 'resource-list', args: { kind: 'pods' } } },
            { id: 2, view: { key: 'help' } },
            { id: 3, view: { key: 42 } },
            { id: 4, view: { key: 'help' } },
          ],
          lastActiveTabId: 2,
        },
        { name: '', tabs: [], panes: [], lastActiveTabId: null },
        { name: 'solo', tabs: [tab(5, leaf(6), 6)], panes: [{ id: 6, view: { key: 'help' } }], lastActiveTabId: 5 },
        // A name the socket refuses: restored, it could never be attached or killed.
        { name: 'evil/../x', tabs: [tab(7, leaf(8), 8)], panes: [{ id: 8, view: { key: 'help' } }], lastActiveTabId: 7 },
        // A second 'solo': left out, said, and kept in the copy of the file.
        { name: 'solo', tabs: [tab(9, leaf(10), 10)], panes: [{ id: 10, view: { key: 'help' } }], lastActiveTabId: 9 },
      ],
      features: {},
    });
    writeFileSync(stateFile(), written);
    daemon = await startDaemon(env);
    const c = await attach('work');
    const partial = await waitFor('the warning', () => c.toasts().find((t) => t.startsWith('the saved sessions came back in part')));
    expect(partial).toContain("tab 2 of session 'work' (tree.ratio: Too big");
    expect(partial).toContain("pane 3 of session 'work' (view.key:");
    expect(partial).toContain('session #2 (name:');
    expect(partial).toContain("session 'evil/../x' (name: letters, digits, _ . - (1 to 64))");
    expect(partial).toContain("session 'solo' #5 (a second session of that name: the first is kept)");
    expect(c.toasts()).toContain("tab 3 of session 'work' was not restored: its pane 1 is missing or already shown");
    // What came back: tab 1 with its pods list (live), and the other good session.
    expect(c.layout!.tabs.map((t) => t.id)).toEqual([1]);
    await waitFor('the restored list', async () => JSON.stringify((await rows(c, 1)).sort()) === JSON.stringify(['api-1', 'db-1', 'web-1', 'web-2']));
    const solo = await attach('solo');
    expect(solo.layout!.tabs.map((t) => t.id)).toEqual([5]);
    expect((await c.request<{ sessions: Array<{ name: string }> }>('session/list')).sessions.map((s) => s.name).sort()).toEqual(['solo', 'work']);
    // Nothing is lost: the file as it was is kept beside the one the daemon now writes.
    const copy = readdirSync(dir).find((f) => f.startsWith('sessions.json.corrupt-'));
    expect(copy && readFileSync(join(dir, copy), 'utf8')).toBe(written);
    expect(partial).toContain(`the file as it was is kept at ${join(dir, copy!)}`);
  });

  it('a tab nested 1,000 splits deep in the file is left out with the reason; the daemon starts and the rest comes back', async () => {
    const dir = join(env.dir, 'state', 'kubetile');
    await import('node:fs').then((fs) => fs.mkdirSync(dir, { recursive: true }));
    let tree: unknown = { type: 'leaf', paneId: 2 };
    const panes = [{ id: 1, view: { key: 'help' } }, { id: 2, view: { key: 'help' } }];
    for (let id = 3; id < 1003; id++) {
      tree = { type: 'split', direction: 'vertical', ratio: 0.5, first: tree, second: { type: 'leaf', paneId: id } };
      panes.push({ id, view: { key: 'help' } });
    }
    const tab = (id: number, t: unknown, focused: number) => ({ id, context: 'kube-sim', namespace: 'default', tree: t, lastFocusedPaneId: focused });
    writeFileSync(stateFile(), JSON.stringify({
      version: 1,
      savedAt: '2026-12-05T00:00:00Z',
      sessions: [{ name: 'work', tabs: [tab(1, { type: 'leaf', paneId: 1 }, 1), tab(2, tree, 2)], panes, lastActiveTabId: 2 }],
      features: {},
    }));
    daemon = await startDaemon(env);
    const c = await attach('work');
    const partial = await waitFor('the warning', () => c.toasts().find((t) => t.startsWith('the saved sessions came back in part')));
    expect(partial).toContain("tab 2 of session 'work' (tree: the layout is nested more than 32 splits deep)");
    expect(c.layout!.tabs.map((t) => t.id)).toEqual([1]);
  });

  it('a split deeper than 32 levels, a 257th tab and a 65th session are refused with the reason; what is held comes back after a restart', async () => {
    daemon = await startDaemon(env);
    const c = await attach('work');
    let last = c.activeTab().focusedPaneId;
    for (let i = 0; i < 32; i++) {
      last = (await c.request<{ paneId: number }>('pane/open', { view: { key: 'empty' }, split: { paneId: last, direction: i % 2 ? 'vertical' : 'horizontal' } })).paneId;
    }
    await expect(c.request('pane/open', { view: { key: 'empty' }, split: { paneId: last, direction: 'vertical' } })).rejects.toThrow(
      `pane ${last} is already 32 splits deep, the most a tab nests: split a pane higher up, or open a new tab`,
    );
    // The same from the keyboard: alt+v on that pane says so, and nothing changes.
    await c.request('pane/focus', { paneId: last });
    await expect(c.request('client/key', { key: 'alt+v' })).rejects.toThrow('32 splits deep');
    const deep = await c.waitLayout('33 panes in the tab', (l) => l.tabs[0]!.tree !== undefined && JSON.stringify(l.tabs[0]!.tree).split('"leaf"').length - 1 === 33);
    for (let i = 1; i < 256; i++) await c.request('tab/new', { session: 'work' });
    await expect(c.request('tab/new', { session: 'work' })).rejects.toThrow("session 'work' has 256 tabs, the most one keeps: close one first");
    for (let i = 1; i < 64; i++) {
      const o = await RawClient.connect(env.socket);
      clients.push(o);
      await o.attach({ cols: 80, rows: 24 }, `s${i}`);
      o.close();
    }
    const extra = await RawClient.connect(env.socket);
    clients.push(extra);
    await expect(extra.attach({ cols: 80, rows: 24 }, 's64')).rejects.toThrow('there are 64 sessions, the most kubetile keeps');
    // Ending one makes room.
    await extra.request('session/kill', { session: 's63' });
    await extra.attach({ cols: 80, rows: 24 }, 's64');
    await extra.request('session/kill', { session: 's64' });
    await extra.attach({ cols: 80, rows: 24 }, 's63');
    await waitSaved((t) => t.includes('"name":"s63"') && (t.match(/"lastFocusedPaneId"/g) ?? []).length >= 256 + 63);
    await daemon.stop();
    for (const x of clients.splice(0)) x.close();
    daemon = await startDaemon(env);
    const b = await attach('work');
    expect(b.layout!.tabs.length).toBe(256);
    expect(b.layout!.tabs.find((t) => t.id === deep.tabs[0]!.id)!.tree).toEqual(deep.tabs[0]!.tree);
    expect(b.notifications.filter((n) => n.method === 'toast')).toEqual([]);
    const list = await b.request<{ sessions: unknown[] }>('session/list');
    expect(list.sessions.length).toBe(64);
  }, 120_000);

  it('session/kill ends a session: its clients are told and detached, its panes close, and it does not come back after a restart', async () => {
    daemon = await startDaemon(env);
    const a = await attach('work');
    const b = await attach('work');
    const keep = await attach('keep');
    const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    await waitSaved((t) => t.includes('"name":"work"') && t.includes('"name":"keep"'));
    const script = await RawClient.connect(env.socket);
    clients.push(script);
    await script.request('session/kill', { session: 'work' });
    for (const c of [a, b]) {
      await waitFor('session/ended', () => c.notifications.find((n) => n.method === 'session/ended') ?? null);
      expect(c.notifications.find((n) => n.method === 'session/ended')!.params).toEqual({ session: 'work', reason: 'session work was killed' });
      await expect(c.request('client/key', { key: 'j' })).rejects.toThrow('client/key needs an attached client');
    }
    await expect(script.request('pane/snapshot', { paneId })).rejects.toThrow(`${paneId}`);
    await expect(script.request('session/kill', { session: 'work' })).rejects.toThrow("no session 'work'");
    await expect(script.request('session/kill', { session: 'no such' })).rejects.toThrow('session/kill: invalid params: session');
    expect((await script.request<{ sessions: Array<{ name: string }> }>('session/list')).sessions.map((x) => x.name)).toEqual(['keep']);
    expect(keep.notifications.some((n) => n.method === 'session/ended')).toBe(false);
    await waitSaved((t) => !t.includes('"name":"work"'));
    await daemon.stop();
    for (const c of clients.splice(0)) c.close();
    daemon = await startDaemon(env);
    const s2 = await RawClient.connect(env.socket);
    clients.push(s2);
    expect((await s2.request<{ sessions: Array<{ name: string }> }>('session/list')).sessions.map((x) => x.name)).toEqual(['keep']);
  });

  it('sessions holding 12 MB of pane args (past the old 8 MiB reader limit) all come back after a restart', async () => {
    daemon = await startDaemon(env);
    const precious = await attach('precious');
    const { paneId: kept } = await precious.request<{ paneId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    const script = await attach('scratch');
    const note = 'x'.repeat(60_000);
    for (let i = 0; i < 200; i++) await script.request('pane/open', { view: { key: 'resource-list', args: { kind: 'pods', note } }, newTab: true });
    await waitSaved((t) => t.length > 12_000_000 && t.includes('"name":"precious"'));
    await daemon.stop();
    for (const c of clients.splice(0)) c.close();
    daemon = await startDaemon(env);
    const s2 = await RawClient.connect(env.socket);
    clients.push(s2);
    expect((await s2.request<{ sessions: Array<{ name: string }> }>('session/list')).sessions.map((x) => x.name).sort()).toEqual(['precious', 'scratch']);
    expect((await s2.request<{ view: { type: string } }>('pane/snapshot', { paneId: kept })).view.type).not.toBe('message');
    const panes = (await s2.request<{ panes: Array<{ key: string; args?: { note?: string } }> }>('pane/list')).panes;
    expect(panes.filter((p) => p.args?.note === note)).toHaveLength(200);
  }, 120_000);

  it('a second daemon on another socket refuses the state directory the first uses (their saves would overwrite each other); once the first is gone it takes over', async () => {
    // A lock left by a daemon that is gone, whose pid now belongs to another program (this one): taken over.
    const dir = join(env.dir, 'state', 'kubetile');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'daemon.lock'), JSON.stringify({ pid: process.pid, socket: join(env.dir, 'gone.sock') }));
    daemon = await startDaemon(env);
    const a = await attach('work-a');
    await waitSaved((t) => t.includes('"name":"work-a"'));
    const other: TestEnv = { ...env, socket: join(env.dir, 'run', 'kubetile', 'b.sock') };
    const second = await startDaemon(other, [], { wait: false });
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`another kubetile daemon (pid ${daemon.child.pid}, socket ${env.socket}) uses the state directory ${dir}`);
    expect(second.stderr()).toContain('--state-dir');
    expect(existsSync(other.socket)).toBe(false);
    expect(await a.request('rpc/echo', { value: 1 })).toEqual({ value: 1 });
    // The first daemon dies without a word (kill -9): its lock is stale, the next daemon takes the directory and its sessions.
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    for (const c of clients.splice(0)) c.close();
    daemon = await startDaemon(other);
    const s2 = await RawClient.connect(other.socket);
    clients.push(s2);
    expect((await s2.request<{ sessions: Array<{ name: string }> }>('session/list')).sessions.map((x) => x.name)).toContain('work-a');
    expect(JSON.parse(readFileSync(join(dir, 'daemon.lock'), 'utf8'))).toEqual({ pid: daemon.child.pid, socket: other.socket });
    await daemon.stop();
    daemon = null;
    expect(existsSync(join(dir, 'daemon.lock'))).toBe(false);
  }, 120_000);

  it('a state file from a newer kubetile is moved aside as such, not misread', async () => {
    const dir = join(env.dir, 'state', 'kubetile');
    await import('node:fs').then((fs) => fs.mkdirSync(dir, { recursive: true }));
    writeFileSync(stateFile(), JSON.stringify({ version: 99, sessions: [{ name: 'work', somethingNew: true }] }));
    daemon = await startDaemon(env);
    const c = await attach('work');
    await waitFor('a warning toast', () =>
      c.notifications.find((n) => n.method === 'toast' && /written by a newer kubetile \(state version 99/.test((n.params as { text: string }).text)),
    );
    expect(readdirSync(dir).some((f) => f.startsWith('sessions.json.future-'))).toBe(true);
  });
});
