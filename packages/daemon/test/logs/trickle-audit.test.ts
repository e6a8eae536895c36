import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LineSplitter } from '../../src/kube/logs/line-splitter.js';

/**
 * A line that trickles in a byte at a time (a job printing a progress dot a second, no newline;
 * the API server sends each write as its own chunk) is held in one buffer, not a Buffer per chunk:
 * those cost ~150 bytes of memory per byte of the line, ~10 MB per stream for a 64 KiB line.
 */

describe('a line that trickles in', () => {
  it('a partial line of 60,000 one-byte chunks costs about its size, and comes out whole', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const used = (): number => {
      gc();
      const m = process.memoryUsage();
      return m.rss;
    };
    const lines: string[] = [];
    const streams = Array.from({ length: 20 }, () => new LineSplitter((buf, start, end, cut) => lines.push(`${buf.toString('utf8', start, end).length}+${cut}`)));
    const before = used();
    const dot = Buffer.from('.');
    for (const s of streams) {
      s.push(Buffer.from('2024-01-01T00:00:00.000000000Z progress '));
      for (let i = 0; i < 60_000; i++) s.push(dot);
    }
    const grown = used() - before;
    // 20 partial lines of ~60 KB: ~1.2 MB held (the old list of pieces: ~190 MB).
    expect(grown).toBeLessThan(40 * 1024 * 1024);
    expect(streams.every((s) => s.hasPartial)).toBe(true);
    for (const s of streams) s.push(Buffer.from('. done\n'));
    expect(lines).toEqual(Array.from({ length: 20 }, () => `${40 + 60_000 + 6}+0`));
  });

  it('lines cut between chunks, overlong ones counted, a line after a flush not mixed up with the last', () => {
    const got: Array<[string, number]> = [];
    const s = new LineSplitter((buf, start, end, cut) => got.push([buf.toString('latin1', start, end), cut]), 8);
    for (const c of ['ab', 'c\nde', 'fghijklmn', 'op\nq', 'r\n', 's', 't', '\n']) s.push(Buffer.from(c, 'latin1'));
    s.push(Buffer.from('tail'));
    s.finish();
    expect(got).toEqual([['abc', 0], ['defghijk', 5], ['qr', 0], ['st', 0], ['tail', 0]]);
  });
});
