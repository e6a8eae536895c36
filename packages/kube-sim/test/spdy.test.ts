import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY_DICTIONARY } from '../src/spdy/dictionary.js';
import { HeaderCodec } from '../src/spdy/header-codec.js';

describe('SPDY/3 header compression', () => {
  it('builds the 1423-byte dictionary of the SPDY/3 draft (adler32 as Go clients expect)', () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    // A zlib stream made with a preset dictionary carries the dictionary's adler32 (DICTID).
    const z = zlib.deflateSync(Buffer.from('x'), { dictionary: SPDY_DICTIONARY });
    expect(z.readUInt32BE(2)).toBe(3821447106);
  });

  it('round-trips header blocks over one persistent zlib context per direction', async () => {
    const a = new HeaderCodec();
    const b = new HeaderCodec();
    const first = await a.encode(new Map([['streamtype', ['stdout']], ['port', ['80']]]));
    const second = await a.encode(new Map([['streamtype', ['error']]]));
    expect(await b.decode(first)).toEqual(new Map([['streamtype', ['stdout']], ['port', ['80']]]));
    expect(await b.decode(second)).toEqual(new Map([['streamtype', ['error']]]));
    a.close();
    b.close();
  });
});
