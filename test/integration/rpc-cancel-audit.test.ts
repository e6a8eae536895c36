import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/daemon-process.js';
import { useDaemonPerTest } from '../helpers/daemon-per-test.js';
import { FrameSocket, RawClient } from '../helpers/rpc-client.js';

const d = useDaemonPerTest();

const logText = (): string => {
  const f = join(d.env.dir, 'state', 'kubetile', 'kubetiled.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
};

async function helloSocket(): Promise<FrameSocket> {
  const s = await FrameSocket.open(d.env.socket);
  s.hello();
  await s.next((m) => m.id === 'hello');
  return s;
}

describe('$/cancelRequest that names no request', () => {
  it('is answered with -32602 naming params.id; the request sent right behind it (same write) is answered', async () => {
    await d.start();
    const s = await helloSocket();
    const malformed: Array<Record<string, unknown>> = [
      { jsonrpc: '2.0', method: '$/cancelRequest' },
      { jsonrpc: '2.0', method: '$/cancelRequest', params: {} },
      { jsonrpc: '2.0', method: '$/cancelRequest', params: null },
      { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: true } },
    ];
    for (const [i, cancel] of malformed.entries()) {
      const id = `after-${i}`;
      // One write: the cancel and a request in the same chunk the daemon reads.
      s.socket.write(Buffer.concat([FrameSocket.frame(JSON.stringify(cancel)), FrameSocket.frame(JSON.stringify({ jsonrpc: '2.0', id, method: 'pane/list', params: {} }))]));
      const answer = await s.next((m) => m.id === id, 10_000);
      expect(answer.result).toMatchObject({ panes: expect.any(Array) });
    }
    const refusals = s.messages.filter((m) => m.id === null && (m.error as { code: number } | undefined)?.code === -32602);
    expect(refusals).toHaveLength(malformed.length);
    expect((refusals[0]!.error as { message: string }).message).toMatch(/^invalid \$\/cancelRequest: params\.id must be the id/);
    s.destroy();
    // None of them reached the process's last-resort handler.
    expect(logText()).not.toMatch(/uncaught exception/);
  });

  it('a flood of them costs a few log lines, and other clients are served throughout', async () => {
    await d.start();
    const s = await helloSocket();
    const bad = FrameSocket.frame('{"jsonrpc":"2.0","method":"$/cancelRequest","params":{}}');
    s.socket.write(Buffer.concat(Array.from({ length: 2000 }, () => bad)));
    s.send({ jsonrpc: '2.0', id: 'last', method: 'pane/list', params: {} });
    await waitFor('the request behind the flood answered', () => s.messages.some((m) => m.id === 'last'), 60_000);
    const other = await RawClient.connect(d.env.socket);
    await expect(other.request('daemon/status')).resolves.toMatchObject({ pid: d.daemon.child.pid });
    other.close();
    s.destroy();
    const text = logText();
    expect(text).not.toMatch(/uncaught exception/);
    expect(text.split('\n').length).toBeLessThan(200);
  });

  it('one naming an id that was never sent, or one already answered, changes nothing', async () => {
    await d.start();
    const s = await helloSocket();
    s.send({ jsonrpc: '2.0', id: 1, method: 'pane/list', params: {} });
    await s.next((m) => m.id === 1);
    s.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } });
    s.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 'never' } });
    // The answered id can be used again, and is answered (not taken as cancelled).
    s.send({ jsonrpc: '2.0', id: 1, method: 'rpc/echo', params: { value: 'again' } });
    const again = await s.next((m) => m.id === 1 && m.result !== undefined && (m.result as { value?: string }).value === 'again');
    expect(again.error).toBeUndefined();
    expect(s.messages.filter((m) => m.error !== undefined)).toEqual([]);
    s.destroy();
  });
});
