import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/daemon-process.js';
import { useDaemonPerTest } from '../helpers/daemon-per-test.js';
import { FrameSocket, RawClient } from '../helpers/rpc-client.js';

const d = useDaemonPerTest();

const logFile = (): string => join(d.env.dir, 'state', 'kubetile', 'kubetiled.log');
const read = (f: string): string => (existsSync(f) ? readFileSync(f, 'utf8') : '');
const badLines = (text: string): number => (text.match(/"msg":"bad message on socket"/g) ?? []).length;

describe('the daemon log under a flood', () => {
  it('a connection sending thousands of bad frames costs a few log lines and one "suppressed N" line', async () => {
    await d.start();
    const s = await FrameSocket.open(d.env.socket);
    const bad = FrameSocket.frame('{"jsonrpc":"2.0","id":1,"method":');
    s.socket.write(Buffer.concat(Array.from({ length: 3000 }, () => bad)));
    // Every bad frame is still answered…
    await waitFor('3000 parse errors answered', () => s.messages.length === 3000, 60_000);
    expect(s.messages.every((m) => (m.error as { code: number }).code === -32700)).toBe(true);
    s.destroy();
    // …but the log holds a burst of them and the count of the rest.
    const text = await waitFor('the suppressed count', () => {
      const t = read(logFile());
      return /suppressed \d+ log lines/.test(t) ? t : null;
    });
    // (20 per 10 s window: a loaded machine may stretch the flood over a second window.)
    expect(badLines(text)).toBeLessThanOrEqual(40);
    const summaries = text
      .split('\n')
      .filter((l) => l.includes('"suppressed"'))
      .map((l) => JSON.parse(l) as { suppressed: number; conn: number; msg: string });
    expect(summaries[0]).toMatchObject({ conn: expect.any(Number), msg: expect.stringMatching(/^suppressed \d+ log lines \(more than 20 in 10 s\)$/) });
    const total = summaries.reduce((n, x) => n + x.suppressed, 0);
    await waitFor('every line accounted for', () => total + badLines(read(logFile())) === 3000 || null, 5000).catch(() => undefined);
    expect(total + badLines(read(logFile()))).toBe(3000);
    // Another connection has its own allowance.
    const c = await RawClient.connect(d.env.socket);
    await expect(c.request('daemon/status')).resolves.toMatchObject({ pid: d.daemon.child.pid });
    c.close();
  });

  it('the log file rotates at its size limit, keeping the configured number of old files', async () => {
    const max = 16 * 1024;
    await d.start({ KUBETILE_LOG_MAX_BYTES: String(max), KUBETILE_LOG_KEEP: '2' });
    // Each connection may log a burst: 40 connections × 10 bad frames ≈ 400 lines ≈ 80 KiB.
    for (let i = 0; i < 40; i++) {
      const s = await FrameSocket.open(d.env.socket);
      s.socket.write(Buffer.concat(Array.from({ length: 10 }, (_, j) => FrameSocket.frame(`{"jsonrpc":"2.0","id":${j},"method":`))));
      await waitFor('answers', () => s.messages.length === 10);
      s.destroy();
    }
    const c = await RawClient.connect(d.env.socket);
    await c.request('daemon/status');
    c.close();
    const f = logFile();
    await waitFor('rotated twice', () => existsSync(`${f}.2`));
    expect(existsSync(`${f}.3`)).toBe(false);
    for (const p of [f, `${f}.1`, `${f}.2`]) expect(statSync(p).size).toBeLessThanOrEqual(max);
    expect(statSync(`${f}.1`).size).toBeGreaterThan(max / 2);
    // Whole lines in every file; the newest lines are in the live file.
    for (const p of [f, `${f}.1`, `${f}.2`]) {
      for (const line of read(p).trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(statSync(f).mode & 0o777).toBe(0o600);
  });
});
