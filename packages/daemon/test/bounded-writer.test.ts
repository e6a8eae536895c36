import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import type { Message } from 'vscode-jsonrpc/node';
import { BoundedMessageWriter } from '../src/rpc/bounded-writer.js';

/** A socket stand-in that records each write (one element per write(2) the daemon would make). */
function recordingSocket(): { socket: Socket; writes: string[] } {
  const s = new PassThrough();
  const writes: string[] = [];
  const write = s.write.bind(s);
  (s as unknown as { write: (b: Buffer) => boolean }).write = (b: Buffer) => {
    writes.push(b.toString('utf8'));
    return write(b);
  };
  s.resume();
  return { socket: s as unknown as Socket, writes };
}

const bodies = (write: string): unknown[] =>
  write
    .split(/Content-Length: \d+\r\n\r\n/)
    .filter(Boolean)
    .map((b) => JSON.parse(b) as unknown);

describe('BoundedMessageWriter', () => {
  it('hands everything sent while held to the socket in one write, in order', () => {
    const { socket, writes } = recordingSocket();
    const w = new BoundedMessageWriter(socket, 1 << 20, { overflow: () => undefined });
    w.hold();
    w.send({ jsonrpc: '2.0', method: 'session/layout', params: { n: 1 } } as Message);
    w.hold();
    w.sendParts([Buffer.from('{"jsonrpc":"2.0","method":"pane/view","params":{"n":2}}')]);
    w.release();
    expect(writes).toHaveLength(0);
    w.release();
    expect(writes).toHaveLength(1);
    expect(bodies(writes[0]!)).toEqual([
      { jsonrpc: '2.0', method: 'session/layout', params: { n: 1 } },
      { jsonrpc: '2.0', method: 'pane/view', params: { n: 2 } },
    ]);
    w.send({ jsonrpc: '2.0', method: 'toast', params: {} } as Message);
    expect(writes).toHaveLength(2);
  });

  it("writes what rides with an answer ahead of it in the same write, then runs what follows", async () => {
    const { socket, writes } = recordingSocket();
    const order: string[] = [];
    let ride = true;
    const w = new BoundedMessageWriter(socket, 1 << 20, {
      overflow: () => undefined,
      responded: (id) => order.push(`responded ${String(id)}`),
      answering: () => {
        if (!ride) return;
        ride = false;
        w.send({ jsonrpc: '2.0', method: 'pane/view', params: { key: 'G' } } as Message);
        return () => order.push(`after, ${writes.length} write(s) made`);
      },
    });
    await w.write({ jsonrpc: '2.0', id: 7, result: { handled: true } } as Message);
    expect(writes).toHaveLength(1);
    expect(bodies(writes[0]!)).toEqual([
      { jsonrpc: '2.0', method: 'pane/view', params: { key: 'G' } },
      { jsonrpc: '2.0', id: 7, result: { handled: true } },
    ]);
    expect(order).toEqual(['responded 7', 'after, 1 write(s) made']);
    // The next answer has nothing riding with it.
    await w.write({ jsonrpc: '2.0', id: 8, result: {} } as Message);
    expect(writes).toHaveLength(2);
    expect(bodies(writes[1]!)).toEqual([{ jsonrpc: '2.0', id: 8, result: {} }]);
  });
});
