import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamMessageWriter } from 'vscode-jsonrpc/node';
import { OneWriteMessageWriter } from '../src/connection/frame-writer.js';

let server: Server | null = null;
let dir = '';
afterEach(() => {
  server?.close();
  server = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A client socket whose writes are counted, and the bytes the other end receives. */
async function pair(): Promise<{ socket: Socket; writes: Buffer[]; received: () => string }> {
  dir = mkdtempSync(join(tmpdir(), 'kt-fw-'));
  const path = join(dir, 's');
  let got = '';
  server = createServer((s) => s.on('data', (d) => (got += d.toString('utf8'))));
  await new Promise<void>((r) => server!.listen(path, r));
  const socket = createConnection(path);
  await new Promise<void>((r) => socket.once('connect', r));
  const writes: Buffer[] = [];
  const write = socket.write.bind(socket) as (chunk: unknown, cb?: (err?: Error | null) => void) => boolean;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    writes.push(Buffer.from(chunk as Buffer));
    return write(chunk, rest.find((x) => typeof x === 'function') as ((err?: Error | null) => void) | undefined);
  }) as Socket['write'];
  return { socket, writes, received: () => got };
}

describe('the client writes each JSON-RPC message in one socket write', () => {
  const msg = { jsonrpc: '2.0', id: 7, method: 'client/key', params: { key: 'j', text: 'é ✓' } } as const;
  const frame = (m: object): string => {
    const body = JSON.stringify(m);
    return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };

  it('header and body (UTF-8 counted in bytes) go out together, in order', async () => {
    const { socket, writes, received } = await pair();
    const w = new OneWriteMessageWriter(socket);
    await w.write(msg);
    await w.write({ ...msg, id: 8 });
    expect(writes.map((b) => b.toString('utf8'))).toEqual([frame(msg), frame({ ...msg, id: 8 })]);
    await expect.poll(received).toBe(frame(msg) + frame({ ...msg, id: 8 }));
    socket.destroy();
  });

  it('(the library writer it replaces takes two writes per message)', async () => {
    const { socket, writes } = await pair();
    await new StreamMessageWriter(socket).write(msg);
    expect(writes.length).toBe(2);
    socket.destroy();
  });

  it('a closed socket rejects the write with a message and reports the error', async () => {
    const { socket } = await pair();
    const w = new OneWriteMessageWriter(socket);
    const errors: unknown[] = [];
    w.onError((e) => errors.push(e));
    socket.destroy();
    await expect(w.write(msg)).rejects.toThrow('the connection to the daemon is closed');
    expect(errors).toHaveLength(1);
  });
});
