import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { FrameSocket, RawClient } from '../helpers/rpc-client.js';

let env: TestEnv;
let daemon: DaemonProcess;
let bystander: RawClient;

beforeEach(async () => {
  env = makeTestEnv();
  daemon = await startDaemon(env);
  bystander = await RawClient.connect(env.socket);
  await bystander.attach();
});
afterEach(async () => {
  // Whatever was refused, everyone can still list the panes and the daemon lives.
  await expect(bystander.request('pane/list')).resolves.toMatchObject({ panes: expect.any(Array) });
  await expect(bystander.request('daemon/status')).resolves.toMatchObject({ pid: daemon.child.pid });
  bystander.close();
  await daemon.stop();
  expect(daemon.child.exitCode).toBe(0);
  env.cleanup();
});

const errorOf = (m: Record<string, unknown>) => m.error as { code: number; message: string };
/** JSON text nested `depth` levels deep (built as text: the test's own JSON.stringify could not). */
const deepJson = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

async function helloSocket(): Promise<FrameSocket> {
  const s = await FrameSocket.open(env.socket);
  s.hello();
  await s.next((m) => m.id === 'hello');
  return s;
}

describe('pane args are bounded', () => {
  it('a 20,000-deep args in pane/open is refused with -32602 naming view.args; pane/list keeps working for everyone', async () => {
    const s = await helloSocket();
    s.frame(`{"jsonrpc":"2.0","id":1,"method":"pane/open","params":{"session":"main","view":{"key":"help","args":${deepJson(20_000)}}}}`);
    const e = errorOf(await s.next((m) => m.id === 1));
    expect(e.code).toBe(-32602);
    expect(e.message).toMatch(/^pane\/open: invalid params: view\.args\b.*nested more than \d+ levels deep/);
    expect(e.message.length).toBeLessThan(300);
    // Deep, but not absurdly: the ViewSpec's own limit, still naming the field.
    s.frame(`{"jsonrpc":"2.0","id":2,"method":"tab/new","params":{"session":"main","view":{"key":"help","args":${deepJson(20)}}}}`);
    const e2 = errorOf(await s.next((m) => m.id === 2));
    expect(e2.code).toBe(-32602);
    expect(e2.message).toMatch(/view\.args: nested more than 16 levels deep/);
    s.send({ jsonrpc: '2.0', id: 3, method: 'pane/list', params: {} });
    expect((await s.next((m) => m.id === 3)).result).toMatchObject({ panes: expect.any(Array) });
    s.destroy();
  });

  it('a huge args (a 1 MiB string) is refused with -32602 naming view.args and its size', async () => {
    const c = await RawClient.connect(env.socket);
    await expect(c.request('pane/open', { session: 'main', view: { key: 'help', args: { note: 'x'.repeat(1024 * 1024) } } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/view\.args: \d+ bytes of JSON, more than the 65536 allowed/),
    });
    // Ordinary args still open panes, and pane/list shows them.
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { session: 'main', view: { key: 'help', args: { note: 'small' } } });
    const list = await c.request<{ panes: Array<{ paneId: number; args: unknown }> }>('pane/list');
    expect(list.panes.find((p) => p.paneId === paneId)?.args).toEqual({ note: 'small' });
    c.close();
  });

  it('any deeply nested params (rpc/echo) are refused before they can break a reply', async () => {
    const s = await helloSocket();
    s.frame(`{"jsonrpc":"2.0","id":1,"method":"rpc/echo","params":{"value":${deepJson(20_000)}}}`);
    const e = errorOf(await s.next((m) => m.id === 1));
    expect(e).toMatchObject({ code: -32602, message: expect.stringMatching(/^rpc\/echo: invalid params: value\.a\.a.*nested more than 64 levels deep/) });
    s.frame(`{"jsonrpc":"2.0","id":2,"method":"rpc/echo","params":{"value":${deepJson(10)}}}`);
    expect((await s.next((m) => m.id === 2)).result).toEqual({ value: JSON.parse(deepJson(10)) });
    s.destroy();
  });
});

describe('request ids', () => {
  it('a second request with the id of one still in flight gets an error; the id is free again once answered', async () => {
    const s = await helloSocket();
    const status = (id: number): Buffer => FrameSocket.frame(JSON.stringify({ jsonrpc: '2.0', id, method: 'daemon/status' }));
    s.socket.write(Buffer.concat([status(7), status(7)]));
    await waitFor('two answers for id 7', () => s.messages.filter((m) => m.id === 7).length === 2);
    const answers = s.messages.filter((m) => m.id === 7);
    expect(answers.filter((m) => m.result)).toHaveLength(1);
    const dup = answers.find((m) => m.error)!;
    expect(errorOf(dup)).toMatchObject({ code: -32600, message: expect.stringMatching(/duplicate request id 7/) });
    // Nothing more comes for id 7 (no second result).
    s.send({ jsonrpc: '2.0', id: 8, method: 'daemon/status' });
    await s.next((m) => m.id === 8);
    expect(s.messages.filter((m) => m.id === 7)).toHaveLength(2);
    // Answered, so 7 may be used again. "7" alongside it counts as the same id (the JSON-RPC
    // library queues requests by id text and would silently drop one of them).
    s.socket.write(Buffer.concat([status(7), FrameSocket.frame(JSON.stringify({ jsonrpc: '2.0', id: '7', method: 'daemon/status' }))]));
    await waitFor('both answered', () => s.messages.filter((m) => m.id === 7 || m.id === '7').length === 4);
    expect(s.messages.filter((m) => m.id === 7 && m.result)).toHaveLength(2);
    expect(errorOf(s.messages.find((m) => m.id === '7')!)).toMatchObject({ code: -32600, message: expect.stringMatching(/duplicate request id "7"/) });
    s.destroy();
  });
});
