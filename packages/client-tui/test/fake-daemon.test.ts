import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { API_LEVEL, ErrorCodes, PRODUCT_VERSION } from '@kubetile/rpc-schema';
import { AttachedClient } from '../src/connection/attached-client.js';
import type { Contract } from '../src/connection/contract.js';
import { ApiMismatchError, DaemonClient } from '../src/connection/daemon-client.js';
import { LIGHT_CONTRACT } from '../src/connection/light-contract.js';
import { Store } from '../src/tui/store.js';
import { splitLayout } from './fixtures.js';
import { until } from './harness.js';

/** A scripted daemon: answers hello/attach/key/detach and lets the test push notifications. */
class FakeDaemon {
  server: Server;
  conns: MessageConnection[] = [];
  /** The accepted sockets, for bytes written as they are. */
  socks: Socket[] = [];
  keys: string[] = [];
  /** What each session/attach asked for. */
  attaches: unknown[] = [];
  /** As a daemon from before session/attach took `sameRows` (it refuses a field it does not know). */
  refuseSameRows = false;
  detached = 0;
  apiLevel = API_LEVEL;
  keyDelayMs = 0;

  constructor(readonly socket: string) {
    this.server = createServer((sock) => {
      this.socks.push(sock);
      const conn = createMessageConnection(new StreamMessageReader(sock), new StreamMessageWriter(sock));
      this.conns.push(conn);
      conn.onClose(() => conn.dispose());
      conn.onRequest('daemon/hello', (p: { apiLevel: number }) => {
        if (p.apiLevel !== this.apiLevel) throw new ResponseError(ErrorCodes.IncompatibleApiLevel, `client API level ${p.apiLevel} is not supported (daemon speaks ${this.apiLevel})`);
        return { server: { name: 'kubetiled', version: '0.0.0', pid: process.pid }, apiLevel: this.apiLevel };
      });
      conn.onRequest('session/attach', (p: { sameRows?: boolean }) => {
        this.attaches.push(p);
        if (this.refuseSameRows && 'sameRows' in p) throw new ResponseError(ErrorCodes.InvalidParams, 'sameRows: unknown field');
        return { clientId: 'c1', layout: splitLayout() };
      });
      conn.onRequest('client/key', async (p: { key: string }) => {
        // Later keys answer sooner: the client must still send them in order.
        const delay = Math.max(0, this.keyDelayMs - this.keys.length * 5);
        this.keys.push(p.key);
        if (p.key === 'hang') await new Promise(() => {});
        if (delay) await new Promise((r) => setTimeout(r, delay));
        return p.key === 'ctrl+q' ? { handled: true, command: 'detach' } : { handled: true };
      });
      conn.onRequest('client/resize', () => ({ ok: true }));
      conn.onRequest('session/detach', () => {
        this.detached++;
        return { ok: true };
      });
      conn.listen();
    });
  }

  listen(): Promise<void> {
    return new Promise((r) => this.server.listen(this.socket, () => r()));
  }

  notify(method: string, params: unknown): void {
    for (const c of this.conns) void c.sendNotification(method, params);
  }

  close(): Promise<void> {
    for (const c of this.conns) c.dispose();
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe('the client against a scripted daemon', () => {
  let dir: string;
  let daemon: FakeDaemon;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ktf-'));
    daemon = new FakeDaemon(join(dir, 's.sock'));
    await daemon.listen();
  });
  afterEach(async () => {
    await daemon.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // The schema (zod) by default; the light hand checks on the TUI's path to its first frame.
  const contracts: Array<[string, Contract | undefined]> = [
    ['the schema', undefined],
    ['the light checks', LIGHT_CONTRACT],
  ];
  for (const [checks, contract] of contracts) it(`validates notifications with ${checks}: invalid ones are dropped and logged, valid ones reach the store`, async () => {
    const logs: string[] = [];
    const store = new Store({ cols: 80, rows: 24 });
    const client = new AttachedClient({
      socket: daemon.socket,
      store,
      connect: (s) => DaemonClient.connect(s, { log: (m) => logs.push(m), ...(contract ? { contract } : {}) }),
    });
    await client.start();
    daemon.notify('pane/view', { paneId: 1, seq: 1, view: { type: 'table', title: 'x' } });
    daemon.notify('toast', { level: 'shout', text: 'nope' });
    daemon.notify('toast', { level: 'success', text: 'copied' });
    await until('the valid toast', () => store.getState().toasts.some((t) => t.text === 'copied'));
    // Dropped, and said on screen where it was meant to show: in the pane a view was for, else in a toast.
    const shown = store.getState().views.get(1)?.view;
    expect(shown).toMatchObject({ type: 'message', level: 'error' });
    expect(shown?.type === 'message' && shown.text).toContain('cannot read');
    expect(store.getState().toasts.map((t) => t.text)).toEqual([expect.stringContaining('sent a toast this kubetile'), 'copied']);
    expect(logs.some((l) => l.startsWith('dropped invalid pane/view notification') && l.includes('columns'))).toBe(true);
    expect(logs.some((l) => l.startsWith('dropped invalid toast notification'))).toBe(true);
    client.dispose();
  });

  for (const [checks, contract] of contracts) it(`asks for sameRows and puts a rowsOf view together from the rows it kept; one it cannot is said in the pane, never guessed (${checks})`, async () => {
    const store = new Store({ cols: 80, rows: 24 });
    const client = new AttachedClient({ socket: daemon.socket, store, ...(contract ? { contract } : {}) });
    await client.start();
    expect(daemon.attaches).toEqual([expect.objectContaining({ sameRows: true })]);
    const row = (name: string) => ({ id: `uid-${name}`, cells: { name } });
    const whole = { type: 'table', title: 'pods', columns: [{ id: 'name', title: 'NAME' }], rows: [row('a'), row('b'), row('c')], offset: 0, total: 3, unfiltered: 3, selected: 0 };
    const kept = (paneId: number) => store.getState().views.get(paneId);
    // Rows of a view this client never had: not drawn from anything; the pane says why.
    daemon.notify('pane/view', { paneId: 1, seq: 5, view: { ...whole, columns: [], rows: [], selected: 2, rowsOf: 4 } });
    await until('the pane says it', () => kept(1)?.view.type === 'message');
    const said = kept(1)!.view;
    expect(said.type === 'message' && said.text).toMatch(/cannot read .*rows of view number 4, but this client has no view of this pane/);
    // A whole table, then only its selection moved: drawn from the kept rows.
    daemon.notify('pane/view', { paneId: 2, seq: 6, view: whole });
    daemon.notify('pane/view', { paneId: 2, seq: 7, view: { ...whole, columns: [], rows: [], selected: 2, badge: '3/3', rowsOf: 6 } });
    await until('the selection moved', () => kept(2)?.seq === 7);
    const { rowsOf: _, ...expected } = { ...whole, selected: 2, badge: '3/3', rowsOf: 0 };
    expect(kept(2)!.view).toEqual(expected);
    // A hostile daemon's rows beside a rowsOf are not drawn: the kept ones are.
    daemon.notify('pane/view', { paneId: 2, seq: 8, view: { ...whole, rows: [row('evil')], selected: 1, rowsOf: 7 } });
    await until('the next move', () => kept(2)?.seq === 8);
    expect(kept(2)!.view).toEqual({ ...expected, selected: 1, badge: undefined });
    // The rows of an older view (not the last one kept), or of another pane's: said, not guessed.
    daemon.notify('pane/view', { paneId: 2, seq: 9, view: { ...whole, columns: [], rows: [], selected: 0, rowsOf: 6 } });
    await until('the pane says it', () => kept(2)?.view.type === 'message');
    expect((kept(2)!.view as { text: string }).text).toContain('rows of view number 6, but this client has table number 8');
    daemon.notify('pane/view', { paneId: 3, seq: 10, view: { type: 'lines', title: 'help', lines: [], offset: 0, total: 0 } });
    daemon.notify('pane/view', { paneId: 3, seq: 11, view: { ...whole, columns: [], rows: [], rowsOf: 10 } });
    await until('the pane says it', () => kept(3)?.view.type === 'message');
    expect((kept(3)!.view as { text: string }).text).toContain('this client has a lines view (number 10)');
    // A whole view mends the pane; a rowsOf that is not a view number is refused by the checks.
    daemon.notify('pane/view', { paneId: 2, seq: 12, view: whole });
    await until('the pane mended', () => kept(2)?.seq === 12 && kept(2)?.view.type === 'table');
    daemon.notify('pane/view', { paneId: 2, seq: 13, view: { ...whole, columns: [], rows: [], rowsOf: -1 } });
    await until('the pane says it', () => kept(2)?.view.type === 'message');
    expect((kept(2)!.view as { text: string }).text).toContain('rowsOf');
    client.dispose();
  });

  it('attaches to a daemon from before sameRows by asking again without it', async () => {
    daemon.refuseSameRows = true;
    const store = new Store({ cols: 80, rows: 24 });
    const client = new AttachedClient({ socket: daemon.socket, store });
    await client.start();
    expect(daemon.attaches).toEqual([expect.objectContaining({ sameRows: true }), { size: { cols: 80, rows: 24 } }]);
    expect(store.getState().conn.state).toBe('connected');
    client.dispose();
  });

  for (const [checks, contract] of contracts) it(`sends keys in order without waiting for each answer, and detaches on the detach command (${checks})`, async () => {
    daemon.keyDelayMs = 40;
    const store = new Store({ cols: 80, rows: 24 });
    const client = new AttachedClient({ socket: daemon.socket, store, ...(contract ? { contract } : {}) });
    await client.start();
    const typed = ['/', 'w', 'e', 'b', 'enter', 'j', 'j', 'k', 'ctrl+q', 'x'];
    for (const k of typed) client.key(k);
    // All sent before the first (slow) answer came back: pipelined, in order.
    await until('every key sent', () => daemon.keys.length === typed.length);
    expect(daemon.keys).toEqual(typed);
    expect(await client.done).toEqual({ kind: 'detached', session: 'main' });
    expect(daemon.detached).toBe(1);
    client.key('y'); // after the end: nothing
    expect(daemon.keys).toEqual(typed);
  });

  it('ctrl+q still leaves when the daemon stops answering keys', async () => {
    const store = new Store({ cols: 80, rows: 24 });
    const client = new AttachedClient({ socket: daemon.socket, store, stallMs: 100 });
    await client.start();
    client.key('hang');
    await until('the key sent', () => daemon.keys.includes('hang'));
    await new Promise((r) => setTimeout(r, 150));
    client.key('ctrl+q');
    expect(await client.done).toEqual({ kind: 'quit', session: 'main' });
  });

  it('writes clipboard notifications through the callback', async () => {
    const store = new Store({ cols: 80, rows: 24 });
    const clip: string[] = [];
    const client = new AttachedClient({ socket: daemon.socket, store, writeClipboard: (t) => clip.push(t) });
    await client.start();
    daemon.notify('clipboard/write', { text: 'kubectl get pods' });
    await until('clipboard', () => clip.length === 1);
    expect(clip).toEqual(['kubectl get pods']);
    client.dispose();
  });

  it('ignores a stale pane/view and applies newer ones', async () => {
    const store = new Store({ cols: 80, rows: 24 });
    const client = new AttachedClient({ socket: daemon.socket, store });
    await client.start();
    const view = (text: string) => ({ type: 'message', title: 't', level: 'info', text });
    daemon.notify('pane/view', { paneId: 2, seq: 7, view: view('seven') });
    daemon.notify('pane/view', { paneId: 2, seq: 6, view: view('six') });
    daemon.notify('pane/view', { paneId: 3, seq: 1, view: view('other') });
    await until('pane 3', () => store.getState().views.get(3));
    const v = store.getState().views.get(2)!;
    expect(v.seq).toBe(7);
    expect(v.view.type === 'message' && v.view.text).toBe('seven');
    client.dispose();
  });

  it('reports an incompatible API level with its own version and what to do, never a hang', async () => {
    daemon.apiLevel = 99;
    const err = await DaemonClient.connect(daemon.socket).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiMismatchError);
    // An older daemon that sends no data: its words, ours, and the way out.
    expect((err as ApiMismatchError).message).toContain(`kubetile ${PRODUCT_VERSION} (API level ${API_LEVEL})`);
    expect((err as ApiMismatchError).message).toContain('daemon speaks 99');
    expect((err as ApiMismatchError).message).toContain('kubetile daemon restart');
  });

  it('hears the daemon/exit that comes in the same read as the end of the stream, and what came before it, before it reports the close', async () => {
    const client = await DaemonClient.connect(daemon.socket);
    const heard: string[] = [];
    client.on('toast', (t) => heard.push(`toast ${t.text}`));
    client.on('exit', (e) => heard.push(`exit ${e.reason}`));
    client.onClose((reason) => heard.push(`closed: ${reason}`));
    const frame = (m: object): string => {
      const body = JSON.stringify(m);
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    const toasts = [1, 2, 3, 4, 5].map((i) => frame({ jsonrpc: '2.0', method: 'toast', params: { level: 'info', text: `t${i}` } }));
    // What a daemon stopping does: its last notifications, then the end, in one write.
    daemon.socks.at(-1)!.end(toasts.join('') + frame({ jsonrpc: '2.0', method: 'daemon/exit', params: { reason: 'signal SIGTERM' } }));
    await until('closed', () => heard.some((h) => h.startsWith('closed')));
    expect(heard).toEqual(['toast t1', 'toast t2', 'toast t3', 'toast t4', 'toast t5', 'exit signal SIGTERM', 'closed: connection closed']);
  });
});
