import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-jsonrpc/node';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

let env: TestEnv;
let daemon: DaemonProcess;
const clients: RawClient[] = [];
const client = async (hello = true) => {
  const c = await RawClient.connect(env.socket, { hello });
  clients.push(c);
  return c;
};

beforeEach(async () => {
  env = makeTestEnv();
  daemon = await startDaemon(env);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await daemon.stop();
  env.cleanup();
});

async function rpcError(p: Promise<unknown>): Promise<ResponseError<unknown>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ResponseError) return err;
    throw err;
  }
  throw new Error('expected an RPC error');
}

describe('handshake', () => {
  it('refuses any call before daemon/hello, then answers after it', async () => {
    const c = await client(false);
    const err = await rpcError(c.request('daemon/status'));
    expect(err.code).toBe(-32000);
    expect(err.message).toMatch(/call daemon\/hello first/);
    const hello = await c.request<{ server: { name: string; pid: number }; apiLevel: number }>('daemon/hello', {
      client: { name: 'test', version: '1' },
      apiLevel: 1,
    });
    expect(hello.server.name).toBe('kubetile');
    expect(hello.server.pid).toBe(daemon.child.pid);
    expect(hello.apiLevel).toBe(1);
    await expect(c.request('daemon/status')).resolves.toMatchObject({ sessions: 0, clients: 0 });
  });
  it('rejects an incompatible API level with a clear error, not a hang', async () => {
    const c = await client(false);
    const err = await rpcError(c.request('daemon/hello', { client: { name: 'future', version: '9' }, apiLevel: 99 }));
    expect(err.code).toBe(-32001);
    expect(err.message).toMatch(/future 9 \(API level 99\) and the daemon is kubetile \S+ \(API level 1, pid \d+\) share no API level; the daemon is older/);
  });
});

describe('two clients on one session', () => {
  it('share tabs and panes: a split by A appears in B, with focus kept per client', async () => {
    const a = await client();
    const b = await client();
    await a.attach({ cols: 120, rows: 40 });
    await b.attach({ cols: 100, rows: 30 });
    const r = await a.request<{ handled: boolean; command: string }>('client/key', { key: 'alt+v' });
    expect(r).toEqual({ handled: true, command: 'app:split_vertical' });
    const lb = await b.waitLayout('split in B', (l) => l.tabs[0]!.tree.type === 'split');
    expect(lb.tabs[0]!.tree).toMatchObject({ type: 'split', direction: 'vertical', first: { paneId: 1 }, second: { paneId: 2 } });
    // A moved to the new pane; B's focus stays where it was.
    const la = await a.waitLayout('A focus', (l) => l.tabs[0]!.focusedPaneId === 2);
    expect(la.tabs[0]!.focusedPaneId).toBe(2);
    expect(lb.tabs[0]!.focusedPaneId).toBe(1);
    // and B sees the new pane's view
    await b.waitView('view of pane 2 in B', 2, (v) => v.type === 'message');
  });

  it("a key in A changes B's pane/view", async () => {
    const a = await client();
    const b = await client();
    await a.attach({ cols: 120, rows: 40 });
    await b.attach({ cols: 120, rows: 16 });
    await a.request('client/key', { key: 'f1' });
    const l = await b.waitLayout('help pane', (x) => Object.values(x.paneTitles).includes('Help'));
    const helpId = Number(Object.entries(l.paneTitles).find(([, t]) => t === 'Help')![0]);
    const before = await b.waitView('help view in B', helpId, (v) => v.type === 'lines');
    expect(before.type === 'lines' && before.offset).toBe(0);
    await a.request('client/key', { key: 'shift+g' });
    const after = await b.waitView('help scrolled in B', helpId, (v) => v.type === 'lines' && v.offset > 0);
    expect(after.type === 'lines' && after.lines.length).toBeLessThanOrEqual(16);
  });

  it('keeps input mode per client', async () => {
    const a = await client();
    const b = await client();
    await a.attach();
    await b.attach();
    await a.request('client/key', { key: '/' });
    await a.waitLayout('A in filter mode', (l) => l.mode === 'filter');
    await a.request('client/key', { key: 'x' });
    await a.waitLayout('A typed', (l) => l.input === 'x');
    // B is still in normal mode: '/' and 'j' keep their normal meaning there.
    const r = await b.request<{ command: string }>('client/key', { key: 'j' });
    expect(r.command).toBe('pane:select_next');
    expect(b.layout!.mode).toBe('normal');
  });

  it('sends each client views cut to its own viewport', async () => {
    const a = await client();
    const b = await client();
    await a.attach({ cols: 100, rows: 50 });
    await b.attach({ cols: 60, rows: 12 });
    const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    await a.waitView('help in A', paneId, (v) => v.type === 'lines');
    // B's active tab is still tab 1: it gets no view of a pane it does not show.
    expect(b.views.has(paneId)).toBe(false);
    await b.request('tab/select', { tabId: 2 });
    const vb = await b.waitView('help in B', paneId, (v) => v.type === 'lines');
    const va = a.views.get(paneId)!.view;
    if (va.type !== 'lines' || vb.type !== 'lines') throw new Error('not lines');
    // content rows = rows - tab bar - status bar - 2 border rows - 1 footer
    expect(vb.lines.length).toBe(12 - 2 - 2 - 1);
    expect(va.lines.length).toBeGreaterThan(vb.lines.length);
    expect(Math.max(...vb.lines.map((x) => x.text.length))).toBeLessThanOrEqual(58);
  });
});

describe('scripting over the socket', () => {
  it('opens panes, lists them and snapshots what they show without attaching', async () => {
    const s = await client();
    const opened = await s.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'help' } });
    const list = await s.request<{ panes: Array<{ paneId: number; key: string }> }>('pane/list');
    expect(list.panes.map((p) => p.key)).toEqual(['resource-list', 'help']);
    const snap = await s.request<{ view: { type: string; lines: Array<{ text: string }> } }>('pane/snapshot', { paneId: opened.paneId, rows: 5, cols: 40 });
    expect(snap.view.type).toBe('lines');
    expect(snap.view.lines.length).toBeLessThanOrEqual(5);
    expect(snap.view.lines[0]!.text).toBe('Global');
    const unknown = await s.request<{ paneId: number }>('pane/open', { view: { key: 'x' } });
    const err = await s.request<{ view: { type: string; text: string } }>('pane/snapshot', { paneId: unknown.paneId });
    expect(err.view).toMatchObject({ type: 'message', text: "no pane type 'x'" });
    await expect(s.request('pane/command', { paneId: 999, command: { type: 'select_next' } })).rejects.toThrow(/no pane 999/);
    await expect(s.request('client/key', { key: 'j' })).rejects.toThrow(/needs an attached client/);
  });
  it('rpc/discover lists every method with schemas', async () => {
    const s = await client();
    const d = await s.request<{ methods: Array<{ name: string; params: unknown }> }>('rpc/discover');
    expect(d.methods.map((m) => m.name)).toContain('pane/snapshot');
    expect(d.methods.length).toBeGreaterThanOrEqual(34);
  });
});
