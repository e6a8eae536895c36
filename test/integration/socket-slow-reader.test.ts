import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/daemon-process.js';
import { useDaemonPerTest } from '../helpers/daemon-per-test.js';
import { FrameSocket, RawClient } from '../helpers/rpc-client.js';

const d = useDaemonPerTest();

const MiB = 1024 * 1024;
interface Disconnect {
  level: number;
  conn: number;
  reason: string;
  queuedBytes: number;
  limitBytes: number;
}
const disconnects = (): Disconnect[] => {
  const f = join(d.env.dir, 'state', 'kubetile', 'kubetiled.log');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"msg":"disconnecting a client that does not read its replies"'))
    .map((l) => JSON.parse(l) as Disconnect);
};

/** `n` rpc/discover requests (about 80 KiB of answer each) in one buffer. */
const discoverBurst = (n: number): Buffer =>
  Buffer.concat(Array.from({ length: n }, (_, i) => FrameSocket.frame(JSON.stringify({ jsonrpc: '2.0', id: i + 1, method: 'rpc/discover' }))));

/** A raw client that says hello, asks for `n` big answers and never reads a byte. */
async function nonReader(n: number): Promise<FrameSocket> {
  const s = await FrameSocket.open(d.env.socket);
  s.socket.pause();
  s.hello();
  s.socket.write(discoverBurst(n));
  return s;
}

describe('clients that never read what they asked for', () => {
  it('eight of them: each is disconnected with the reason logged, memory stays bounded, and others are served throughout', async () => {
    await d.start({ KUBETILE_STALL_TIMEOUT_MS: '2000' });
    const bystander = await RawClient.connect(d.env.socket);
    const rss = async (): Promise<number> => (await bystander.request<{ memory: { rss: number } }>('daemon/status')).memory.rss;
    const baseline = await rss();
    // 400 answers of ~80 KiB each: 32 MiB per client, 256 MiB for all eight if the daemon kept them.
    const slow: FrameSocket[] = [];
    for (let i = 0; i < 8; i++) slow.push(await nonReader(400));

    let peak = baseline;
    await waitFor(
      'all eight disconnected',
      async () => {
        peak = Math.max(peak, await rss()); // the bystander is answered all along
        return disconnects().length >= 8;
      },
      60_000,
      100,
    );
    peak = Math.max(peak, await rss());
    for (const d of disconnects()) {
      expect(d).toMatchObject({ level: 40, conn: expect.any(Number), reason: 'nothing read for 2000 ms', limitBytes: 8 * MiB });
      expect(d.queuedBytes).toBeGreaterThan(MiB);
      expect(d.queuedBytes).toBeLessThan(8 * MiB);
    }
    expect(new Set(disconnects().map((d) => d.conn)).size).toBe(8);
    // Before the fix this grew by more than 300 MiB (and kept growing with the requests sent).
    expect(peak - baseline).toBeLessThan(150 * MiB);

    // They really are gone: reading now finds the end of the stream, having been sent only
    // part of what they asked for.
    for (const s of slow) s.socket.resume();
    await waitFor('slow sockets closed', () => slow.every((s) => s.closed));
    for (const s of slow) expect(s.messages.filter((m) => typeof m.id === 'number').length).toBeLessThan(400);
    await expect(bystander.request('session/list')).resolves.toMatchObject({ sessions: expect.any(Array) });
    bystander.close();
  });

  it('one whose unread answers pass the queue limit is disconnected at once', async () => {
    await d.start({ KUBETILE_MAX_QUEUED_BYTES: String(MiB) });
    const s = await nonReader(100);
    await waitFor('disconnected', () => disconnects().length === 1, 30_000);
    expect(disconnects()[0]).toMatchObject({ reason: `more than ${MiB} bytes queued`, limitBytes: MiB });
    s.socket.resume();
    await waitFor('closed', () => s.closed);
    const c = await RawClient.connect(d.env.socket);
    await expect(c.request('daemon/status')).resolves.toMatchObject({ pid: d.daemon.child.pid });
    c.close();
  });

  it('one answer larger than the limit is not held against a client reading it', async () => {
    await d.start({ KUBETILE_MAX_QUEUED_BYTES: String(MiB) });
    const s = await FrameSocket.open(d.env.socket);
    s.socket.pause(); // reads a moment late
    s.hello();
    // A 3 MiB answer, and a small one queued behind it while the first is still unread.
    s.socket.write(
      Buffer.concat([
        FrameSocket.frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'rpc/echo', params: { value: 'x'.repeat(3 * MiB) } })),
        FrameSocket.frame(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'daemon/status' })),
      ]),
    );
    await new Promise((r) => setTimeout(r, 1000));
    s.socket.resume();
    await waitFor('both answers', () => s.messages.some((m) => m.id === 1 && m.result) && s.messages.some((m) => m.id === 2 && m.result), 30_000);
    expect((s.messages.find((m) => m.id === 1)!.result as { value: string }).value).toHaveLength(3 * MiB);
    expect(disconnects()).toEqual([]);
    expect(s.closed).toBe(false);
    s.destroy();
  });

  it('one that is merely slow (reads late, pipelines many) keeps its connection and gets every answer', async () => {
    await d.start();
    const s = await nonReader(60);
    // ~5 MiB of answers were asked for; it starts reading a moment later.
    await new Promise((r) => setTimeout(r, 1000));
    s.socket.resume();
    await waitFor('all 60 answers', () => s.messages.filter((m) => typeof m.id === 'number' && m.result).length === 60, 60_000);
    expect(s.closed).toBe(false);
    expect(disconnects()).toEqual([]);
    s.destroy();
  });
});
