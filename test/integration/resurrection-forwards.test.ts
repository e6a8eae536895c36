import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request, type Server as HttpServer } from 'node:http';
import { connect as connectTcp, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { AttachedClient, Store } from '@kubetile/client-tui';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * A kill -9 of the daemon with two tabs, three panes (a filtered list, help, a pod's logs) and a
 * port-forward: the next daemon brings them back. An attached client (the TUI's own AttachedClient)
 * reconnects by itself to the same layout, the list keeps its filter, and the forward carries
 * traffic again on the same local port — or, when that port was taken meanwhile, on a new one,
 * said in a toast.
 */

let sim: KubeSim;
let simEnv: TestEnv;
let env: TestEnv;
let daemon: DaemonProcess | null = null;
let backend: HttpServer;
const cleanups: Array<() => void | Promise<void>> = [];

const runningPod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: name.replace(/-\d+$/, '') } },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 80 }] }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }],
  },
});

beforeAll(async () => {
  simEnv = makeTestEnv();
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: join(simEnv.dir, 'kubeconfig'), stateDir: join(simEnv.dir, 'sim') });
  for (const n of ['web-1', 'web-2', 'api-1']) sim.createObject(runningPod(n));
  backend = createHttpServer((req, res) => res.end(`web-1 says ${req.url}`));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  sim.setPortTarget('default', 'web-1', 80, { host: '127.0.0.1', port: (backend.address() as AddressInfo).port });
});
afterAll(async () => {
  backend?.close();
  await sim?.stop();
  simEnv?.cleanup();
});
beforeEach(() => {
  env = makeTestEnv();
  env.env.KUBECONFIG = join(simEnv.dir, 'kubeconfig');
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

async function script(): Promise<RawClient> {
  const c = await RawClient.connect(env.socket);
  cleanups.push(() => c.close());
  return c;
}

async function rows(c: RawClient, paneId: number): Promise<string[]> {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 120 })).view;
  return v.type === 'table' ? v.rows.map((r) => r.cells.name!).sort() : [];
}

/** What must come back: each tab's id, tree (ids, directions, ratios) and scope. */
const shape = (l: SessionLayout): unknown => l.tabs.map((t) => ({ id: t.id, tree: t.tree, context: t.context, namespace: t.namespace }));

const stateFile = (): string => join(env.dir, 'state', 'kubetile', 'sessions.json');

/** Two tabs, three panes (a filtered list over a pod's logs; help) and a forward to web-1:80. */
async function build(c: RawClient): Promise<{ listId: number; logsId: number; forward: { id: string; localPort: number } }> {
  const { paneId: listId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', {
    session: 'main',
    view: { key: 'resource-list', args: { kind: 'pods' } },
    newTab: true,
  });
  // The session's first tab (an empty pane) goes: only what we build is left.
  for (const p of (await c.request<{ panes: Array<{ tabId: number }> }>('pane/list', { session: 'main' })).panes) {
    if (p.tabId !== tabId) await c.request('tab/close', { session: 'main', tabId: p.tabId });
  }
  await c.request('pane/command', { paneId: listId, command: { type: 'filter', query: 'web' } });
  await waitFor('the filtered list', async () => JSON.stringify(await rows(c, listId)) === '["web-1","web-2"]');
  const logs = await c.request<{ paneId?: number }>('resource/action', { paneId: listId, action: 'logs', target: { namespace: 'default', name: 'web-1' } });
  const logsId = logs.paneId!;
  await c.request('pane/open', { session: 'main', view: { key: 'help' }, newTab: true });
  const forward = await c.request<{ id: string; localPort: number }>('portForward/start', { namespace: 'default', pod: 'web-1', remotePort: 80 });
  expect(await get(forward.localPort, '/before')).toBe('web-1 says /before');
  return { listId, logsId, forward };
}

describe('port-forwards and sessions survive a kill -9', () => {
  it('the attached client reconnects to the same layout, the list keeps its filter, the forward carries traffic on its port', async () => {
    daemon = await startDaemon(env);
    const s = await script();
    const { listId, logsId, forward } = await build(s);

    // The TUI's client, attached all along: it must come back by itself.
    const store = new Store({ cols: 140, rows: 40 });
    const tui = new AttachedClient({ socket: env.socket, session: 'main', store, retryMs: 100 });
    cleanups.push(() => tui.dispose());
    await tui.start();
    const before = await waitFor('the layout with two tabs', () => {
      const l = store.getState().layout;
      return l && l.tabs.length === 2 ? l : null;
    });
    await waitFor('the forward saved', () => existsSync(stateFile()) && readFileSync(stateFile(), 'utf8').includes(`"localPort":${forward.localPort}`) && readFileSync(stateFile(), 'utf8').includes('"filter":"web"'));

    daemon.child.kill('SIGKILL');
    await daemon.exited;
    await waitFor('the client noticed', () => store.getState().conn.state === 'reconnecting');
    await expect(get(forward.localPort, '/')).rejects.toThrow();

    daemon = await startDaemon(env);
    await waitFor('the client reconnected by itself', () => store.getState().conn.state === 'connected');
    const after = store.getState().layout!;
    expect(shape(after)).toEqual(shape(before));
    const c = await script();
    const panes = (await c.request<{ panes: Array<{ paneId: number; key: string }> }>('pane/list')).panes;
    expect(panes.map((p) => [p.paneId, p.key])).toEqual(expect.arrayContaining([[listId, 'resource-list'], [logsId, 'logs']]));
    expect(panes).toHaveLength(3);
    await waitFor('the list keeps its filter (its watch live again)', async () => JSON.stringify(await rows(c, listId)) === '["web-1","web-2"]');

    const forwards = await waitFor('the forward restarted', async () => {
      const f = (await c.request<{ forwards: Array<{ localPort: number; target: string; state: string }> }>('portForward/list')).forwards;
      return f.length === 1 && f[0]!.state === 'active' ? f : null;
    });
    expect(forwards[0]).toMatchObject({ target: 'pod/web-1', localPort: forward.localPort, remotePort: 80 });
    expect(await get(forward.localPort, '/after')).toBe('web-1 says /after');
    // The views the reconnected client shows are the restored panes'.
    await waitFor('views for the restored tab', () => store.getState().views.size > 0);
  }, 120_000);

  it('forwards keep their ids across the restart, and an id given before it is not given again: a script\'s `pf stop` still stops what it meant', async () => {
    daemon = await startDaemon(env);
    const s = await script();
    const first = await s.request<{ id: string }>('portForward/start', { namespace: 'default', pod: 'web-1', remotePort: 80 });
    const second = await s.request<{ id: string }>('portForward/start', { namespace: 'default', pod: 'api-1', remotePort: 80 });
    await s.request('portForward/stop', { id: first.id });
    await waitFor('one forward saved', () => existsSync(stateFile()) && !readFileSync(stateFile(), 'utf8').includes('"web-1"') && readFileSync(stateFile(), 'utf8').includes('"api-1"'));
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    s.close();

    daemon = await startDaemon(env);
    const c = await script();
    const listed = await waitFor('the forward back', async () => {
      const f = (await c.request<{ forwards: Array<{ id: string; target: string }> }>('portForward/list')).forwards;
      return f.length === 1 ? f : null;
    });
    // Before: it came back as pf-1 — the id of the forward stopped before the restart.
    expect(listed.map((f) => f.id)).toEqual([second.id]);
    const third = await c.request<{ id: string }>('portForward/start', { namespace: 'default', pod: 'web-2', remotePort: 80 });
    expect([first.id, second.id]).not.toContain(third.id);
    // The old script's `pf stop` of the second forward stops it, not the new one.
    await c.request('portForward/stop', { id: second.id });
    const left = (await c.request<{ forwards: Array<{ id: string }> }>('portForward/list')).forwards;
    expect(left.map((f) => f.id)).toEqual([third.id]);
  }, 120_000);

  it('a local port taken meanwhile: the forward comes back on a new port, said in a toast', async () => {
    daemon = await startDaemon(env);
    const s = await script();
    const { forward } = await s.request<{ id: string; localPort: number }>('portForward/start', { namespace: 'default', pod: 'web-1', remotePort: 80 }).then((f) => ({ forward: f }));
    await waitFor('the forward saved', () => existsSync(stateFile()) && readFileSync(stateFile(), 'utf8').includes(`"localPort":${forward.localPort}`));
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    s.close();

    const squatter: Server = createServer((sock) => sock.end('not kubetile'));
    await new Promise<void>((r) => squatter.listen(forward.localPort, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => squatter.close(() => r())));

    daemon = await startDaemon(env);
    const c = await script();
    await c.attach();
    const toast = await waitFor('the toast', () =>
      c.notifications.find((n) => n.method === 'toast' && (n.params as { text: string }).text.includes(`local port ${forward.localPort} is taken`)),
    );
    const text = (toast.params as { text: string }).text;
    const moved = Number(/now on 127\.0\.0\.1:(\d+)/.exec(text)![1]);
    expect(moved).not.toBe(forward.localPort);
    expect(text).toContain('port-forward pod/web-1 (default) :80');
    const f = (await c.request<{ forwards: Array<{ localPort: number }> }>('portForward/list')).forwards;
    expect(f.map((x) => x.localPort)).toEqual([moved]);
    expect(await get(moved, '/moved')).toBe('web-1 says /moved');
    // The new port is what is saved now.
    await waitFor('the new port saved', () => readFileSync(stateFile(), 'utf8').includes(`"localPort":${moved}`));
  }, 120_000);

  it('a saved forward whose pod is gone is dropped with a toast naming it; the sessions still come back', async () => {
    sim.createObject(runningPod('tmp-1'));
    daemon = await startDaemon(env);
    const s = await script();
    await s.request('portForward/start', { namespace: 'default', pod: 'tmp-1', remotePort: 80 });
    await waitFor('the forward saved', () => existsSync(stateFile()) && readFileSync(stateFile(), 'utf8').includes('"tmp-1"'));
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    s.close();
    sim.deleteObject('v1', 'Pod', 'tmp-1', 'default');
    await waitFor('the pod gone', () => !sim.getObject('v1', 'Pod', 'tmp-1', 'default'));

    daemon = await startDaemon(env);
    const c = await script();
    await c.attach();
    const toast = await waitFor('the toast', () =>
      c.notifications.find((n) => n.method === 'toast' && (n.params as { text: string }).text.includes('port-forward pod/tmp-1 (default) :80 could not be restarted')),
    );
    expect((toast.params as { level: string }).level).toBe('warn');
    expect((await c.request<{ forwards: unknown[] }>('portForward/list')).forwards).toEqual([]);
  }, 120_000);

  /**
   * The daemon reaches kube-sim through a TCP proxy on a fixed port (closed: the API server refuses
   * connections). A forward to web-1:80 is started and saved, the daemon killed and the proxy
   * closed: the next daemon finds the cluster not answering.
   */
  async function savedForwardBehindClosedProxy(): Promise<{ forward: { id: string; localPort: number }; reopen: () => Promise<void> }> {
    const simPort = Number(/server: "?https:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(join(simEnv.dir, 'kubeconfig'), 'utf8'))?.[1]);
    const sockets = new Set<Socket>();
    const proxy = (): Server =>
      createServer((c) => {
        const u = connectTcp(simPort, '127.0.0.1');
        for (const x of [c, u]) {
          sockets.add(x);
          x.on('error', () => undefined);
          x.on('close', () => sockets.delete(x));
        }
        c.pipe(u).pipe(c);
      });
    let server = proxy();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const closeProxy = async (): Promise<void> => {
      for (const x of sockets) x.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    };
    cleanups.push(() => (server.listening ? closeProxy() : undefined));
    const kubeconfig = join(env.dir, 'proxied-kubeconfig');
    writeFileSync(kubeconfig, readFileSync(join(simEnv.dir, 'kubeconfig'), 'utf8').replace(`127.0.0.1:${simPort}`, `127.0.0.1:${port}`));
    env.env.KUBECONFIG = kubeconfig;

    daemon = await startDaemon(env);
    const s = await script();
    const forward = await s.request<{ id: string; localPort: number }>('portForward/start', { namespace: 'default', pod: 'web-1', remotePort: 80 });
    await waitFor('the forward saved', () => existsSync(stateFile()) && readFileSync(stateFile(), 'utf8').includes(`"localPort":${forward.localPort}`));
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    s.close();
    await closeProxy();
    const reopen = async (): Promise<void> => {
      server = proxy();
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    };
    return { forward, reopen };
  }

  type Listed = { id: string; localPort: number; state: string; error: string | null; pod: string | null };
  const listed = async (c: RawClient): Promise<Listed[]> => (await c.request<{ forwards: Listed[] }>('portForward/list')).forwards;
  const toastWith = (c: RawClient, text: string): Promise<string> => waitFor(`a toast with "${text}"`, () => c.toasts().find((t) => t.includes(text)) ?? null);
  /** What a connection to the local port gets: the bytes it read before it ended, or the error it ended with. */
  const connectTo = (port: number): Promise<string> =>
    new Promise((resolve) => {
      const sock = connectTcp(port, '127.0.0.1');
      let got = '';
      sock.on('data', (d: Buffer) => (got += d.toString()));
      sock.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
      sock.on('close', () => resolve(`closed after ${JSON.stringify(got)}`));
      sock.write('GET / HTTP/1.0\r\n\r\n');
    });
  /** Whether another program can listen on the port now. */
  const canListen = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
    });

  it('the cluster not answering at the restart: the forward is listed as waiting, holds its port and is saved; it starts on that port once the cluster answers, said in toasts', async () => {
    const { forward, reopen } = await savedForwardBehindClosedProxy();
    daemon = await startDaemon(env);
    const first = await script();
    await first.attach();
    const waits = await toastWith(first, 'waits for the cluster');
    expect(waits).toMatch(/a saved port-forward waits for the cluster \(.*connection refused.*\); tried again until it answers/);
    // Listed while it waits, with why; its local port is held (nothing else takes it) and a connection to it is reset.
    const w = await listed(first);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ localPort: forward.localPort, state: 'waiting for the cluster', pod: null });
    expect(w[0]!.error).toMatch(/connection refused/);
    expect(await canListen(forward.localPort)).toBe(false);
    expect(await connectTo(forward.localPort)).toMatch(/^error ECONNRESET$|^closed after ""$/);
    // Still saved while it waits: a daemon stopped now (it writes its state on the way out) keeps it, once.
    first.close();
    await daemon.stop();
    const saved = readFileSync(stateFile(), 'utf8');
    expect(saved.split(`"localPort":${forward.localPort}`)).toHaveLength(2);
    daemon = await startDaemon(env);
    const c = await script();
    await c.attach();
    await toastWith(c, 'waits for the cluster');
    const held = (await listed(c))[0]!;
    expect(held.state).toBe('waiting for the cluster');

    await reopen();
    const back = await toastWith(c, 'is back: the cluster answered');
    expect(back).toContain('port-forward pod/web-1 (default) :80');
    const f = await waitFor('the forward listed', async () => {
      const l = await listed(c);
      return l.length === 1 && l[0]!.state === 'active' ? l : null;
    });
    // The same forward: its id and its port.
    expect(f[0]!).toMatchObject({ id: held.id, localPort: forward.localPort, error: null });
    expect(await get(forward.localPort, '/back')).toBe('web-1 says /back');
  }, 120_000);

  it('a forward waiting for the cluster, stopped: its port is let go of, it is not saved, and it does not start when the cluster answers', async () => {
    const { forward, reopen } = await savedForwardBehindClosedProxy();
    daemon = await startDaemon(env);
    const c = await script();
    await c.attach();
    await toastWith(c, 'waits for the cluster');
    const [w] = await listed(c);
    await expect(c.request('portForward/stop', { id: 'pf-999' })).rejects.toThrow(/no port-forward 'pf-999'/);
    await c.request('portForward/stop', { id: w!.id });
    expect(await listed(c)).toEqual([]);
    expect(await canListen(forward.localPort)).toBe(true);
    await waitFor('the state saved without it', () => !readFileSync(stateFile(), 'utf8').includes(`"localPort":${forward.localPort}`));
    // The cluster answers: the daemon's next retry (2 s after the restore) finds nothing to start.
    await reopen();
    const other = await c.request<{ id: string; localPort: number }>('portForward/start', { namespace: 'default', pod: 'web-1', remotePort: 80 });
    expect(await get(other.localPort, '/x')).toBe('web-1 says /x');
    const log = join(env.dir, 'state', 'kubetile', 'kubetiled.log');
    await waitFor('the retry after the stop', () => existsSync(log) && readFileSync(log, 'utf8').includes('"waiting":0,'), 30_000);
    expect((await listed(c)).map((x) => x.id)).toEqual([other.id]);
    expect(readFileSync(stateFile(), 'utf8')).not.toContain(`"localPort":${forward.localPort}`);
  }, 120_000);
});

describe("a kubeconfig without the saved forward's cluster at the restart", () => {
  it('keeps the forward waiting (listed, saved) instead of dropping it; when the kubeconfig appears it runs on its port, without a restart', async () => {
    daemon = await startDaemon(env);
    const s = await script();
    const forward = await s.request<{ id: string; localPort: number }>('portForward/start', { namespace: 'default', pod: 'web-1', remotePort: 80 });
    await waitFor('the forward saved', () => existsSync(stateFile()) && readFileSync(stateFile(), 'utf8').includes(`"localPort":${forward.localPort}`));
    s.close();
    await daemon.stop();

    // Started where KUBECONFIG names no file (another shell, a file being rewritten): no cluster at all.
    const good = env.env.KUBECONFIG;
    env.env.KUBECONFIG = join(env.dir, 'not-there', 'kubeconfig');
    daemon = await startDaemon(env);
    const c = await script();
    await c.attach();
    const waits = await waitFor('a toast saying it waits', () => c.toasts().find((t) => t.includes('waits for the cluster')) ?? null);
    expect(waits).toContain('no cluster: no kubeconfig file found in KUBECONFIG=');
    const [w] = (await c.request<{ forwards: Array<{ state: string; localPort: number; error: string }> }>('portForward/list')).forwards;
    expect(w).toMatchObject({ state: 'waiting for the cluster', localPort: forward.localPort });
    c.close();
    await daemon.stop();
    expect(readFileSync(stateFile(), 'utf8')).toContain(`"localPort":${forward.localPort}`);

    // Started again, still without it; then the kubeconfig appears there (read without a restart).
    daemon = await startDaemon(env);
    const back = await script();
    await waitFor('waiting again', async () => (await back.request<{ forwards: Array<{ state: string }> }>('portForward/list')).forwards[0]?.state === 'waiting for the cluster');
    mkdirSync(dirname(env.env.KUBECONFIG), { recursive: true });
    writeFileSync(env.env.KUBECONFIG, readFileSync(good!, 'utf8'), { mode: 0o600 });
    await waitFor('the forward running again', async () => {
      const l = (await back.request<{ forwards: Array<{ state: string; localPort: number }> }>('portForward/list')).forwards;
      return l.length === 1 && l[0]!.state === 'active' && l[0]!.localPort === forward.localPort;
    });
    expect(await get(forward.localPort, '/again')).toBe('web-1 says /again');
  }, 120_000);
});
