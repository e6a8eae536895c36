import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/daemon-process.js';
import { useDaemonPerTest } from '../helpers/daemon-per-test.js';
import { FrameSocket, RawClient } from '../helpers/rpc-client.js';

const d = useDaemonPerTest();
// Runs before the fixture's teardown (after-each hooks run last-registered first).
afterEach(async () => {
  // The daemon still answers an innocent client.
  const c = await RawClient.connect(d.env.socket);
  await expect(c.request('daemon/status')).resolves.toMatchObject({ pid: d.daemon.child.pid });
  c.close();
});

const logText = (): string => {
  const f = join(d.env.dir, 'state', 'kubetile', 'kubetiled.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
};

describe('connections that never finish a frame', () => {
  it('half a header, then nothing: closed after the frame timeout, with an error saying why', async () => {
    await d.start({ KUBETILE_FRAME_TIMEOUT_MS: '1500' });
    const s = await FrameSocket.open(d.env.socket);
    s.hello();
    await s.next((m) => m.id === 'hello');
    const before = Date.now();
    s.socket.write('Content-Len');
    await waitFor('connection closed', () => s.closed, 20_000);
    expect(Date.now() - before).toBeGreaterThanOrEqual(1400);
    const err = s.messages.find((m) => m.error) as { id: unknown; error: { code: number; message: string } };
    expect(err.id).toBeNull();
    expect(err.error).toMatchObject({ code: -32600, message: expect.stringMatching(/incomplete frame: its header did not arrive within 1500 ms/) });
  });

  it('a body that stops halfway is closed the same way; a frame trickled in under the limit is fine', async () => {
    await d.start({ KUBETILE_FRAME_TIMEOUT_MS: '1500' });
    const ok = await FrameSocket.open(d.env.socket);
    const hello = FrameSocket.frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'daemon/hello', params: { client: { name: 'slow', version: '0' }, apiLevel: 1 } }));
    // Three pieces, well within the limit: answered.
    ok.socket.write(hello.subarray(0, 10));
    await new Promise((r) => setTimeout(r, 300));
    ok.socket.write(hello.subarray(10, 40));
    await new Promise((r) => setTimeout(r, 300));
    ok.socket.write(hello.subarray(40));
    expect((await ok.next((m) => m.id === 1)).result).toMatchObject({ apiLevel: 1 });

    const s = await FrameSocket.open(d.env.socket);
    s.socket.write('Content-Length: 100\r\n\r\n{"jsonrpc":');
    await waitFor('connection closed', () => s.closed, 20_000);
    expect(s.messages.find((m) => m.error)).toMatchObject({ error: { message: expect.stringMatching(/a 100-byte body did not arrive/) } });
    // The patient one is still connected: an idle connection between frames is not timed out.
    await new Promise((r) => setTimeout(r, 2000));
    expect(ok.closed).toBe(false);
    ok.send({ jsonrpc: '2.0', id: 2, method: 'session/list' });
    await ok.next((m) => m.id === 2);
    ok.destroy();
  });

  it('a connection that never says daemon/hello is closed after the hello timeout', async () => {
    await d.start({ KUBETILE_HELLO_TIMEOUT_MS: '1500' });
    const s = await FrameSocket.open(d.env.socket);
    await waitFor('connection closed', () => s.closed, 20_000);
    await waitFor('logged', () => logText().includes('did not complete daemon/hello in time'));
  });
});

describe('after a fatal framing error', () => {
  it('the socket is destroyed, not drained: a peer that keeps writing and never reads sees it close', async () => {
    await d.start();
    const s = await FrameSocket.open(d.env.socket);
    s.socket.pause(); // never reads
    s.socket.write(`Content-Length: ${64 * 1024 * 1024}\r\n\r\n`);
    // Keep sending the body, as fast as the daemon takes it: a draining daemon would take all 64 MiB.
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    let sent = 0;
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (!s.closed && sent < 64 * 1024 * 1024) {
          sent += chunk.length;
          if (!s.socket.write(chunk)) {
            s.socket.once('drain', pump);
            return;
          }
        }
        resolve();
      };
      s.socket.once('close', () => resolve());
      pump();
    });
    await waitFor('the peer sees the connection gone', () => s.closed, 20_000);
    expect(s.error).toMatch(/EPIPE|ECONNRESET/);
    expect(sent).toBeLessThan(32 * 1024 * 1024);
  });
});
