import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLIENT_MAIN, makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { FrameSocket } from '../helpers/rpc-client.js';

const execFileP = promisify(execFile);
let env: TestEnv;
let daemon: DaemonProcess;

beforeAll(async () => {
  env = makeTestEnv();
  env.env.KUBETILE_SOCKET = env.socket;
  daemon = await startDaemon(env);
});
afterAll(async () => {
  await daemon?.stop();
  env?.cleanup();
});

async function kt(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await execFileP(process.execPath, [CLIENT_MAIN, ...args], { env: env.env, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

describe('numbers JSON can write but not hold (1e400 reads as Infinity)', () => {
  it('as a request id: refused with -32600 naming "id", never answered as a result with id null', async () => {
    const s = await FrameSocket.open(env.socket);
    s.hello();
    await s.next((m) => m.id === 'hello');
    s.frame('{"jsonrpc":"2.0","id":1e400,"method":"pane/list","params":{}}');
    s.send({ jsonrpc: '2.0', id: 'next', method: 'pane/list', params: {} });
    await s.next((m) => m.id === 'next');
    const forTheHugeId = s.messages.filter((m) => m.id === null);
    expect(forTheHugeId).toHaveLength(1);
    expect(forTheHugeId[0]!.result).toBeUndefined();
    expect(forTheHugeId[0]!.error).toMatchObject({ code: -32600, message: expect.stringMatching(/"id" must be a string or a number that JSON can carry back \(not Infinity\)/) });
    s.destroy();
  });

  it('in `kubetile rpc` json-params: a usage error naming the field, not the daemon saying it got null', async () => {
    const r = await kt('rpc', 'pane/close', '{"paneId":1e400}');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kubetile: json-params: paneId is too large a number for JSON to carry \(it reads as Infinity/);
    const nested = await kt('rpc', 'rpc/echo', '{"value":{"list":[1,-1e999]}}');
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain('json-params: value.list[1] is too large a number');
    // Large but finite numbers go to the daemon, which names its own limit.
    const big = await kt('rpc', 'pane/close', '{"paneId":1e308}');
    expect(big.code).toBe(1);
    expect(big.stderr).toMatch(/paneId: Too big/);
  });
});
