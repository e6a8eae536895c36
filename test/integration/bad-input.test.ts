import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { API_LEVEL, type SessionLayout } from '@kubetile/rpc-schema';

let env: TestEnv;
let daemon: DaemonProcess;
let bystander: RawClient;

/** A socket speaking raw bytes, collecting framed responses. */
class RawSocket {
  readonly messages: Array<Record<string, unknown>> = [];
  private buf = Buffer.alloc(0);
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, end).toString())![1]);
        if (this.buf.length < end + 4 + len) return;
        this.messages.push(JSON.parse(this.buf.subarray(end + 4, end + 4 + len).toString()));
        this.buf = this.buf.subarray(end + 4 + len);
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }
  static async open(path: string): Promise<RawSocket> {
    const s = connect(path);
    await new Promise<void>((r, j) => {
      s.once('connect', () => r());
      s.once('error', j);
    });
    return new RawSocket(s);
  }
  frame(body: string | Buffer): void {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`), b]));
  }
  send(obj: unknown): void {
    this.frame(JSON.stringify(obj));
  }
  next(pred: (m: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
    return waitFor('a response', () => this.messages.find(pred) ?? null);
  }
}

const errorOf = (m: Record<string, unknown>) => m.error as { code: number; message: string };

beforeEach(async () => {
  env = makeTestEnv();
  daemon = await startDaemon(env);
  bystander = await RawClient.connect(env.socket);
  await bystander.attach();
});
afterEach(async () => {
  // After every bad input, the daemon still answers an innocent client.
  await expect(bystander.request('daemon/status')).resolves.toMatchObject({ pid: daemon.child.pid });
  bystander.close();
  await daemon.stop();
  expect(daemon.child.exitCode).toBe(0);
  env.cleanup();
});

describe('bad input never crashes or hangs the daemon', () => {
  it('an unknown method gets -32601 naming it', async () => {
    const c = await RawClient.connect(env.socket);
    await expect(c.request('pane/explode', {})).rejects.toMatchObject({ code: -32601, message: expect.stringMatching(/unknown method 'pane\/explode'/) });
    c.close();
  });
  it('invalid params get -32602 naming the field', async () => {
    const c = await RawClient.connect(env.socket);
    await expect(c.request('session/attach', { size: { cols: 'wide', rows: 24 } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/size\.cols/),
    });
    await expect(c.request('pane/command', { paneId: 1, command: { type: 'filter' } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/command/),
    });
    await expect(c.request('pane/open', { view: { key: 'help' }, split: { paneId: 1, direction: 'diagonal' } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/split\.direction/),
    });
    // A full collection is only possible under node --expose-gc: refused, saying how.
    await expect(c.request('daemon/status', { collect: true })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/--expose-gc/) });
    await expect(c.request('daemon/status', { collect: 'yes' })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/collect/) });
    c.close();
  });
  it('a field a method does not take is refused by name, and nothing is done', async () => {
    const c = await RawClient.connect(env.socket);
    await c.attach();
    const tabs = async () => ((await c.request('session/list')) as { sessions: Array<{ tabs: number }> }).sessions[0]!.tabs;
    const before = await tabs();
    // A tab "in context nope" would otherwise open in the current context.
    await expect(c.request('tab/new', { context: 'nope' })).rejects.toMatchObject({ code: -32602, message: 'tab/new: invalid params: context: unknown field' });
    // A misspelt `args` would otherwise open a list with no kind.
    await expect(c.request('pane/open', { view: { key: 'resource-list', arg: { kind: 'pods' } } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/view\.arg: unknown field/),
    });
    // A flag this daemon does not have (a dry run, say) must not be dropped on the way to a delete.
    await expect(c.request('resource/action', { paneId: 1, action: 'delete', dryRun: true })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/dryRun: unknown field/),
    });
    await expect(c.request('pane/open', { view: { key: 'help' }, split: { paneId: 1, direction: 'right', ratio: 0.5, size: 3 } })).rejects.toThrow(/split\.size: unknown field/);
    expect(await tabs()).toBe(before);
    // Only the handshake takes what it does not know, so any client can say who it is.
    const h = await RawClient.connect(env.socket, { hello: false });
    await h.request('daemon/hello', { client: { name: 'future', version: '9', terminal: 'kitty' }, apiLevel: API_LEVEL, features: ['x'] });
    await expect(h.request('session/list')).resolves.toMatchObject({ sessions: [{ name: 'main' }] });
    h.close();
    c.close();
  });
  it('malformed JSON gets -32700 and the connection stays usable', async () => {
    const s = await RawSocket.open(env.socket);
    s.frame('{"jsonrpc":"2.0","id":1,"method":"daemon/hello",');
    const e = await s.next();
    expect(errorOf(e).code).toBe(-32700);
    expect(e.id).toBeNull();
    s.send({ jsonrpc: '2.0', id: 2, method: 'daemon/hello', params: { client: { name: 'raw', version: '0' }, apiLevel: 1 } });
    const ok = await s.next((m) => m.id === 2);
    expect(ok.result).toMatchObject({ apiLevel: 1 });
    s.socket.destroy();
  });
  it('non-JSON-RPC messages get -32600, not silence', async () => {
    const s = await RawSocket.open(env.socket);
    s.send({ hello: 'world' });
    expect(errorOf(await s.next()).code).toBe(-32600);
    s.send({ jsonrpc: '2.0', id: 7, method: 42 });
    const m = await s.next((x) => x.id === 7);
    expect(errorOf(m)).toMatchObject({ code: -32600, message: expect.stringMatching(/method/) });
    s.send([{ jsonrpc: '2.0', id: 8, method: 'daemon/status' }]);
    await waitFor('batch refusal', () => s.messages.find((x) => errorOf(x)?.message?.includes('batch')));
    s.frame('42');
    await waitFor('scalar refusal', () => s.messages.filter((x) => errorOf(x)?.code === -32600).length >= 4);
    s.socket.destroy();
  });
  it('an oversized message is refused before it is buffered, and that connection closed', async () => {
    const s = await RawSocket.open(env.socket);
    s.socket.write(`Content-Length: ${64 * 1024 * 1024}\r\n\r\n`);
    s.socket.write(Buffer.alloc(1024 * 1024, 0x20));
    const e = await s.next();
    expect(errorOf(e)).toMatchObject({ code: -32600, message: expect.stringMatching(/exceeds the 4194304-byte limit/) });
    await waitFor('connection closed', () => s.closed);
  });
  it('a frame without Content-Length is refused and the connection closed', async () => {
    const s = await RawSocket.open(env.socket);
    s.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(errorOf(await s.next()).message).toMatch(/Content-Length/);
    await waitFor('connection closed', () => s.closed);
  });
  it('a client that vanishes mid-message does not disturb others', async () => {
    const s = await RawSocket.open(env.socket);
    s.socket.write('Content-Length: 100\r\n\r\n{"jsonrpc":');
    s.socket.destroy();
    const c = await RawClient.connect(env.socket);
    await expect(c.request('session/list')).resolves.toMatchObject({ sessions: [{ name: 'main', clients: 1 }] });
    c.close();
  });
  it('requests naming things that do not exist get clear errors', async () => {
    const c = await RawClient.connect(env.socket);
    await c.attach();
    await expect(c.request('tab/select', { tabId: 42 })).rejects.toThrow(/no tab 42/);
    await expect(c.request('pane/close', { paneId: 42 })).rejects.toThrow(/no pane 42/);
    await expect(c.request('session/attach', { size: { cols: 80, rows: 24 } })).rejects.toThrow(/already attached/);
    await expect(c.request('client/key', { key: 'hyper+nothing' })).resolves.toEqual({ handled: false });
    c.close();
  });
  it('kube/use refuses a namespace no request could name, and the tab keeps its own', async () => {
    const c = await RawClient.connect(env.socket);
    const { layout } = await c.attach();
    const tabId = layout.activeTabId;
    const nsOf = (l: SessionLayout): string | undefined => l.tabs.find((t) => t.id === tabId)?.namespace;
    const bad = ['Bad_NS', 'a'.repeat(64), 'x\x1b[2Jy', '../kube-system', ''];
    for (const namespace of bad) {
      await expect(c.request('kube/use', { tabId, namespace }), namespace).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/is not a namespace name/) });
    }
    // One that does not exist yet is a name: taken, as kubectl -n takes it; '*' is all namespaces.
    await c.request('kube/use', { tabId, namespace: 'not-made-yet' });
    await c.waitLayout('the tab on not-made-yet', (l) => nsOf(l) === 'not-made-yet');
    await c.request('kube/use', { tabId, namespace: '*' });
    await c.waitLayout('the tab on all namespaces', (l) => nsOf(l) === '*');
    // Every layout the tab had meanwhile (pushed after the answers, in order): none of the refused names.
    const had = c.notifications.filter((n) => n.method === 'session/layout').map((n) => nsOf(n.params as SessionLayout));
    expect(had).toContain('not-made-yet');
    expect(had.filter((ns) => ns !== undefined && bad.includes(ns))).toEqual([]);
    c.close();
  });
});
