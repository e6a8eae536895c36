import { describe, expect, it } from 'vitest';
import { PgMessageGuard } from '../../src/query/pg-message-guard.js';

/** A backend message: type byte, length (itself + body), body. */
const msg = (type: string, bodyBytes: number): Buffer => {
  const b = Buffer.alloc(5 + bodyBytes, 0x61);
  b.write(type, 0, 'latin1');
  b.writeUInt32BE(4 + bodyBytes, 1);
  return b;
};

function watch(max: number, chunks: Buffer[]): Array<{ type: string; bytes: number }> {
  const said: Array<{ type: string; bytes: number }> = [];
  const g = new PgMessageGuard(() => max, (type, bytes) => said.push({ type, bytes }));
  for (const c of chunks) g.feed(c);
  return said;
}

describe('PgMessageGuard', () => {
  const stream = Buffer.concat([msg('R', 4), msg('S', 20), msg('T', 30), msg('D', 100), msg('D', 100), msg('C', 10), msg('Z', 1)]);

  it('lets messages up to the limit through, however the stream is cut into chunks', () => {
    expect(watch(100, [stream])).toEqual([]);
    for (let size = 1; size <= 7; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      expect(watch(100, chunks), `chunks of ${size}`).toEqual([]);
    }
  });

  it('names the first message over the limit from its header alone, once, in whatever chunk the header ends', () => {
    const big = Buffer.concat([stream, msg('D', 101).subarray(0, 5), Buffer.alloc(10)]);
    expect(watch(100, [big])).toEqual([{ type: 'D', bytes: 101 }]);
    for (let cut = stream.length + 1; cut < stream.length + 5; cut++) {
      expect(watch(100, [big.subarray(0, cut), big.subarray(cut)]), `cut at ${cut}`).toEqual([{ type: 'D', bytes: 101 }]);
    }
    // A header that says 600 MB is enough: the body need not arrive.
    const header = Buffer.alloc(5);
    header.write('D', 0, 'latin1');
    header.writeUInt32BE(600_000_004, 1);
    expect(watch(32 * 1024 * 1024, [msg('Z', 1), header, header])).toEqual([{ type: 'D', bytes: 600_000_000 }]);
  });
});
