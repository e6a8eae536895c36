import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { afterInput, noteInput } from '../src/runtime/input-turn.js';
import { GuardedMessageReader } from '../src/rpc/guarded-reader.js';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('afterInput', () => {
  it('runs on the next turn in order when no message came', async () => {
    const order: string[] = [];
    afterInput(() => order.push('slice'));
    setImmediate(() => order.push('other'));
    await turn();
    await turn();
    expect(order).toEqual(['slice', 'other']);
  });

  it("goes behind a message delivered after it was queued (the RPC layer's turn queued then)", async () => {
    const order: string[] = [];
    afterInput(() => order.push('slice'));
    noteInput();
    setImmediate(() => order.push('handler'));
    await turn();
    await turn();
    expect(order).toEqual(['handler', 'slice']);
  });
});

describe('background slices and a client message on a real socket', () => {
  let dir = '';
  let server: Server | null = null;
  const sockets: Socket[] = [];
  let conn: MessageConnection | null = null;
  afterEach(async () => {
    conn?.dispose();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('no slice runs between the message being read and its handler', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kt-input-turn-'));
    const path = join(dir, 's.sock');
    const events: string[] = [];
    const accepted = new Promise<Socket>((resolve) => {
      server = createServer((s) => resolve(s));
    });
    await new Promise<void>((r) => server!.listen(path, () => r()));
    const client = connect(path);
    sockets.push(client);
    const s = await accepted;
    sockets.push(s);
    // The daemon's side: the guarded reader and vscode-jsonrpc, as in rpc/connection.ts.
    s.prependListener('data', () => events.push('read'));
    conn = createMessageConnection(new GuardedMessageReader(s, () => undefined), new StreamMessageWriter(s));
    const handled = new Promise<void>((resolve) =>
      conn!.onNotification('client/ping', () => {
        events.push('handled');
        resolve();
      }),
    );
    conn.listen();
    // Background work: a slice of ~1 ms, then the next one queued, until the message was handled.
    let stop = false;
    const slice = (): void => {
      if (stop) return;
      events.push('slice');
      const until = performance.now() + 1;
      while (performance.now() < until);
      afterInput(slice);
    };
    afterInput(slice);
    await new Promise((r) => setTimeout(r, 5));
    const body = JSON.stringify({ jsonrpc: '2.0', method: 'client/ping', params: {} });
    client.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await handled;
    stop = true;
    const read = events.indexOf('read');
    expect(read).toBeGreaterThan(0);
    expect(events.slice(read, read + 2)).toEqual(['read', 'handled']);
    // And the work went on meanwhile (slices before the message).
    expect(events.slice(0, read)).toContain('slice');
  });
});
