import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leafIds, Requests } from '@kubetile/rpc-schema';
import { AttachedClient } from '../src/connection/attached-client.js';
import { DaemonClient } from '../src/connection/daemon-client.js';
import { startDetached } from '../src/connection/launcher.js';
import { Store } from '../src/tui/store.js';
import { BUILT, kubetile, makeHome, stopDaemon, until, type Home } from './harness.js';

describe.skipIf(!BUILT)('an attached client against a real daemon', () => {
  let home: Home;
  const clients: AttachedClient[] = [];
  beforeEach(() => {
    home = makeHome();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.dispose();
    await stopDaemon(home);
    home.cleanup();
  });

  const start = () => startDetached({ socket: home.socket }, { env: home.env });
  function attachClient(store: Store, session?: string): AttachedClient {
    const c = new AttachedClient({ socket: home.socket, store, retryMs: 100, ...(session ? { session } : {}) });
    clients.push(c);
    return c;
  }
  /** A started daemon and an attached client whose every toast is kept, however briefly shown (they expire). */
  async function attachedWithToasts(): Promise<{ client: AttachedClient; store: Store; shown: Set<string> }> {
    await start();
    const store = new Store({ cols: 100, rows: 30 });
    const client = attachClient(store);
    await client.start();
    const shown = new Set<string>();
    store.subscribe(() => store.getState().toasts.forEach((t) => shown.add(t.text)));
    return { client, store, shown };
  }
  const activeLeaves = (store: Store): number[] => {
    const l = store.getState().layout!;
    return leafIds(l.tabs.find((t) => t.id === l.activeTabId)!.tree);
  };

  it('attaches, draws the views it is sent, maps keys in order through the daemon, and detaches with ctrl+q', async () => {
    await start();
    const store = new Store({ cols: 100, rows: 30 });
    const client = attachClient(store);
    const layout = await client.start();
    expect(layout.session).toBe('main');
    expect(store.getState().conn.state).toBe('connected');
    const [first] = activeLeaves(store);
    await until('a view of the first pane', () => store.getState().views.get(first!));

    // alt+v splits; the new pane gets a view cut for its rectangle.
    client.key('alt+v');
    await until('a split', () => activeLeaves(store).length === 2);
    const second = activeLeaves(store)[1]!;
    await until('a view of the new pane', () => store.getState().views.get(second));

    // Fast typing: ':' opens the view switcher, the query is typed, enter picks it.
    for (const k of [':', 'h', 'e', 'l', 'p']) client.key(k);
    await until('the selector with the query', () => {
      const o = store.getState().layout?.overlay;
      return o?.type === 'selector' && o.query === 'help';
    });
    client.key('enter');
    await until('a help pane', () => [...store.getState().views.values()].some((v) => v.view.title === 'Help'));
    expect(store.getState().layout!.overlay).toBeNull();

    client.key('ctrl+q');
    const end = await client.done;
    expect(end).toEqual({ kind: 'detached', session: 'main' });
    // The session and its panes live on without clients.
    const list = JSON.parse((await kubetile(['rpc', 'session/list'], home.env)).stdout) as { sessions: Array<{ name: string; panes: number; clients: number }> };
    expect(list.sessions).toEqual([expect.objectContaining({ name: 'main', clients: 0 })]);
    expect(list.sessions[0]!.panes).toBeGreaterThanOrEqual(2);
  });

  it('a burst of 10,000 keys (a paste the terminal did not mark): 4,096 wait, the rest are dropped, the search stops at 1,000 characters, and Esc answers at once', async () => {
    const { client, store, shown } = await attachedWithToasts();
    const texts = () => [...shown];
    client.key(':');
    await until('the selector', () => store.getState().layout?.overlay?.type === 'selector');
    for (let i = 0; i < 10_000; i++) client.key('x');
    client.key('esc'); // dropped with the rest of the burst
    // The first 16 went out at once (the window of keys in flight), 4,096 wait: the rest of the 10,001.
    await until('the drop said', () => texts().includes('5,889 keys dropped: more came at once than 4,096 can wait (a paste the terminal did not mark as one?)'));
    await until('the search full', () => texts().includes('the search is full (at most 1000 characters): more is not taken'));
    await until('the queued keys done', () => {
      const o = store.getState().layout?.overlay;
      return o?.type === 'selector' && o.query === 'x'.repeat(1000);
    });
    client.key('esc');
    await until('the selector closed', () => store.getState().layout?.overlay === null);
    // ctrl+q behind a full queue is not dropped: it detaches once the keys ahead of it are done.
    for (let i = 0; i < 5_000; i++) client.key('j');
    client.key('ctrl+q');
    expect(await client.done).toEqual({ kind: 'detached', session: 'main' });
  });

  it('a paste goes in order with the keys around it, as one request; one too long is not sent, and a toast says so', async () => {
    const { client, store, shown } = await attachedWithToasts();
    client.key(':');
    client.key('h');
    client.paste({ text: 'el\n' });
    client.key('p');
    await until('the search typed and pasted in order', () => {
      const o = store.getState().layout?.overlay;
      return o?.type === 'selector' && o.query === 'help';
    });
    client.paste({ tooLong: 600_000 });
    await until('the too-long paste said', () => shown.has('paste not sent: 600,000 characters, more than the 524,288 one paste may carry'));
    client.key('esc');
    await until('the selector closed', () => store.getState().layout?.overlay === null);
    // In normal mode the daemon refuses it and says why.
    client.paste({ text: 'dd' });
    await until('the refusal', () => [...shown].some((t) => t.startsWith('paste not taken: in normal mode')));
  });

  it('kubetile kill-session ends the session: its attached client leaves with the reason, the session is gone, the others live on', async () => {
    await start();
    const store = new Store({ cols: 100, rows: 30 });
    const client = attachClient(store, 'doomed');
    await client.start();
    const other = attachClient(new Store({ cols: 100, rows: 30 }), 'kept');
    await other.start();
    const r = await kubetile(['kill-session', 'doomed'], home.env);
    expect(r.stdout).toBe('session doomed ended\n');
    expect(r.code).toBe(0);
    expect(await client.done).toEqual({ kind: 'session-ended', session: 'doomed', reason: 'session doomed was killed' });
    const list = JSON.parse((await kubetile(['rpc', 'session/list'], home.env)).stdout) as { sessions: Array<{ name: string; clients: number }> };
    expect(list.sessions.map((s) => s.name)).toEqual(['kept']);
    expect(other.connected).toBe(true);
    const missing = await kubetile(['kill-session', 'doomed'], home.env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("no session 'doomed'");
    const usage = await kubetile(['kill-session'], home.env);
    expect(usage.stderr).toContain("'kubetile kill-session' needs a session name");
  });

  it('sends resizes; the daemon answers with views cut to the new rectangles', async () => {
    await start();
    const store = new Store({ cols: 80, rows: 24 });
    const client = attachClient(store);
    await client.start();
    const [id] = activeLeaves(store);
    await until('first view', () => store.getState().views.get(id!));
    const c = await DaemonClient.connect(home.socket);
    const before = await c.request(Requests.status, {});
    expect(before.clients).toBe(1);
    // A call with no AbortSignal sends its params as an object (it went as `[params, undefined]`: refused).
    expect(await c.call('rpc/echo', { value: 'no signal' })).toEqual({ value: 'no signal' });
    c.close();
    // A help pane's lines follow its size (a message view does not, and unchanged views are not re-sent).
    client.key('f1');
    await until('a help pane', () => activeLeaves(store).length === 2);
    const help = activeLeaves(store).find((p) => p !== id)!;
    await until('help view', () => store.getState().views.get(help));
    client.resize({ cols: 60, rows: 12 });
    expect(store.getState().size).toEqual({ cols: 60, rows: 12 });
    const seqBefore = store.getState().views.get(help)!.seq;
    await until('a view after the resize', () => store.getState().views.get(help)!.seq > seqBefore);
    const v = store.getState().views.get(help)!.view;
    expect(v.type === 'lines' && v.lines.length).toBeLessThanOrEqual(12 - 2 - 2);
  });

  it('says the daemon is gone after an unexpected drop and reconnects when it is back', async () => {
    const first = await start();
    const store = new Store({ cols: 80, rows: 24 });
    const client = attachClient(store);
    await client.start();
    client.key('alt+v');
    await until('a split', () => activeLeaves(store).length === 2);

    process.kill(first.pid, 'SIGKILL');
    await until('reconnecting', () => store.getState().conn.state === 'reconnecting');
    const conn = store.getState().conn;
    expect(conn.state === 'reconnecting' && conn.reason).toBeTruthy();
    // Keys are not sent while offline (and do not throw).
    client.key('j');

    await start();
    await until('connected again', () => store.getState().conn.state === 'connected');
    // A new daemon: a fresh session, and fresh views for it.
    expect(activeLeaves(store)).toHaveLength(1);
    await until('a view from the new daemon', () => store.getState().views.get(activeLeaves(store)[0]!));
    client.key('ctrl+q');
    expect((await client.done).kind).toBe('detached');
  });

  it('leaves when the daemon exits (kill-server), like tmux', async () => {
    await start();
    const store = new Store({ cols: 80, rows: 24 });
    const client = attachClient(store);
    await client.start();
    const kill = await kubetile(['kill-server'], home.env);
    expect(kill.code).toBe(0);
    const end = await client.done;
    expect(end.kind).toBe('server-exited');
    expect(store.getState().conn.state).toBe('exited');
  });

  it('ctrl+q quits while the daemon is away', async () => {
    const d = await start();
    const store = new Store({ cols: 80, rows: 24 });
    const client = attachClient(store);
    await client.start();
    process.kill(d.pid, 'SIGKILL');
    await until('reconnecting', () => store.getState().conn.state === 'reconnecting');
    client.key('ctrl+q');
    expect(await client.done).toEqual({ kind: 'quit', session: 'main' });
  });

  it('two clients on one session share panes but not focus', async () => {
    await start();
    const a = new Store({ cols: 100, rows: 30 });
    const b = new Store({ cols: 100, rows: 30 });
    const ca = attachClient(a);
    const cb = attachClient(b);
    await ca.start();
    await cb.start();
    ca.key('alt+v');
    await until('b sees the split', () => activeLeaves(b).length === 2);
    // a's own layout (its focus on the new pane) may arrive after b's.
    await until('a sees the split', () => activeLeaves(a).length === 2);
    const ta = a.getState().layout!.tabs[0]!;
    const tb = b.getState().layout!.tabs[0]!;
    expect(ta.focusedPaneId).not.toBe(tb.focusedPaneId);
  });
});
