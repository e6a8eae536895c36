/**
 * SPDY/3 header blocks: one zlib stream per direction per connection, primed with the SPDY
 * dictionary, each block ending with a sync flush.
 */
import zlib from 'node:zlib';
import { SPDY_DICTIONARY } from './dictionary.js';

export type Headers = Map<string, string[]>;

function encodeBlock(headers: Headers): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  parts.push(u32(headers.size));
  for (const [k, vs] of headers) {
    const name = Buffer.from(k.toLowerCase(), 'utf8');
    const value = Buffer.from(vs.join('\u0000'), 'utf8');
    parts.push(u32(name.length), name, u32(value.length), value);
  }
  return Buffer.concat(parts);
}

function decodeBlock(buf: Buffer): Headers {
  const out: Headers = new Map();
  if (buf.length < 4) return out;
  let off = 0;
  const n = buf.readUInt32BE(off);
  off += 4;
  for (let i = 0; i < n && off + 4 <= buf.length; i++) {
    const nl = buf.readUInt32BE(off);
    off += 4;
    const name = buf.subarray(off, off + nl).toString('utf8');
    off += nl;
    const vl = buf.readUInt32BE(off);
    off += 4;
    const value = buf.subarray(off, off + vl).toString('utf8');
    off += vl;
    out.set(name.toLowerCase(), value.split('\u0000'));
  }
  return out;
}

/** Runs zlib operations one after another on a persistent stream. */
class ZlibPipe {
  private chain: Promise<unknown> = Promise.resolve();
  private chunks: Buffer[] = [];

  constructor(private readonly z: zlib.Deflate | zlib.Inflate) {
    z.on('data', (c: Buffer) => this.chunks.push(c));
    z.on('error', () => undefined);
  }

  run(input: Buffer): Promise<Buffer> {
    const next = this.chain.then(() => new Promise<Buffer>((resolve, reject) => {
      this.chunks = [];
      const onError = (err: Error): void => reject(err);
      this.z.once('error', onError);
      this.z.write(input);
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.z.off('error', onError);
        resolve(Buffer.concat(this.chunks));
      });
    }));
    this.chain = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.z.destroy();
  }
}

export class HeaderCodec {
  private readonly deflate = new ZlibPipe(zlib.createDeflate({ dictionary: SPDY_DICTIONARY, level: zlib.constants.Z_BEST_COMPRESSION }));
  private readonly inflate = new ZlibPipe(zlib.createInflate({ dictionary: SPDY_DICTIONARY }));

  async encode(headers: Headers): Promise<Buffer> {
    return this.deflate.run(encodeBlock(headers));
  }

  async decode(block: Buffer): Promise<Headers> {
    return decodeBlock(await this.inflate.run(block));
  }

  close(): void {
    this.deflate.close();
    this.inflate.close();
  }
}
