import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/kube/logs/line-splitter.js';
import { formatSecond, formatTimeNano, parseTimestamp } from '../../src/kube/logs/log-line.js';
import { sanitizeLogText } from '../../src/kube/logs/sanitize.js';
import { SeamFilter, SeamTracker } from '../../src/kube/logs/seam-filter.js';

const ts = (s: string) => {
  const b = Buffer.from(s);
  return parseTimestamp(b, 0, b.length);
};

describe('API timestamps', () => {
  it('parses RFC3339Nano with any fraction, Z or an offset, and says where the text starts', () => {
    const a = ts('2024-03-05T06:07:08.123456789Z hello')!;
    expect(a).toEqual({ sec: Date.UTC(2024, 2, 5, 6, 7, 8) / 1000, nano: 123456789, textStart: 31 });
    expect(formatTimeNano(a.sec, a.nano)).toBe('2024-03-05T06:07:08.123456789Z');
    expect(ts('2024-03-05T06:07:08.5Z x')!.nano).toBe(500_000_000);
    expect(ts('2024-03-05T06:07:08Z x')).toMatchObject({ nano: 0, textStart: 21 });
    // An offset is normalised to UTC.
    expect(ts('2024-03-05T08:07:08.1+02:00 x')!.sec).toBe(a.sec);
    expect(ts('2024-03-05T06:07:08.1234567891234Z x')!.nano).toBe(123456789);
    expect(formatSecond(a.sec)).toBe('2024-03-05T06:07:08Z');
  });

  it('refuses what is not a timestamp (the line keeps its text)', () => {
    for (const s of ['hello world, this is no timestamp', '2024-13-05T06:07:08Z x', '2024-03-05 06:07:08Z x', '2024-03-05T06:07:08.Z x', '2024-03-05T06:07:08.1Zx', '2024-03-05T06:07:08']) {
      expect(ts(s)).toBeNull();
    }
  });
});

describe('sanitising a line', () => {
  it('removes escape sequences whole, so a log cannot drive the terminal', () => {
    expect(sanitizeLogText('\x1b[31mred\x1b[0m plain')).toBe('red plain');
    expect(sanitizeLogText('title\x1b]0;pwned\x07 after')).toBe('title after');
    expect(sanitizeLogText('clip\x1b]52;c;aGVsbG8=\x1b\\ after')).toBe('clip after');
    expect(sanitizeLogText('8bit\x9b2J csi')).toBe('8bit csi');
    expect(sanitizeLogText('dcs\x1bPq#0;2;0;0;0\x1b\\ end')).toBe('dcs end');
    expect(sanitizeLogText('reset\x1bc now')).toBe('reset now');
    expect(sanitizeLogText('bell\x07 nul\x00 del\x7f')).toBe('bell  nul  del ');
    // A carriage return starts the line over, as a terminal shows it: the last redraw of a progress bar, not every redraw run together.
    expect(sanitizeLogText('pulling 10%\rpulling 55%\rpulling 100%')).toBe('pulling 100%');
    expect(sanitizeLogText('done\r')).toBe('done');
    expect(sanitizeLogText('crlf line\r\r')).toBe('crlf line');
    expect(sanitizeLogText('\x1b[2Kbar 1/3\r\x1b[2Kbar 3/3')).toBe('bar 3/3');
    expect(sanitizeLogText('a\tb\tc')).toBe('a       b       c');
    expect(sanitizeLogText('unterminated \x1b]8;;http://x')).toBe('unterminated ');
    expect(sanitizeLogText('plain ünïcödé ✓')).toBe('plain ünïcödé ✓');
  });
});

describe('splitting a stream into lines', () => {
  const collect = (max?: number) => {
    const out: Array<{ text: string; cut: number }> = [];
    const s = new LineSplitter((buf, a, b, cut) => out.push({ text: buf.toString('utf8', a, b), cut }), max);
    return { s, out };
  };

  it('joins lines across chunks and splits multi-line chunks; a multi-byte character split between chunks survives', () => {
    const { s, out } = collect();
    const bytes = Buffer.from('one\ntwo é\nthr');
    s.push(bytes.subarray(0, 8)); // splits the é
    s.push(bytes.subarray(8));
    s.push(Buffer.from('ee\n'));
    expect(out).toEqual([
      { text: 'one', cut: 0 },
      { text: 'two é', cut: 0 },
      { text: 'three', cut: 0 },
    ]);
    s.push(Buffer.from('partial'));
    expect(s.hasPartial).toBe(true);
    s.reset();
    s.push(Buffer.from('next\n'));
    expect(out.at(-1)).toEqual({ text: 'next', cut: 0 });
    s.push(Buffer.from('last, no newline'));
    s.finish();
    expect(out.at(-1)).toEqual({ text: 'last, no newline', cut: 0 });
  });

  it('keeps at most maxLine bytes of a 100 MB line without a newline and counts the rest', () => {
    const { s, out } = collect(64 * 1024);
    const mb = Buffer.alloc(1024 * 1024, 0x61);
    const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 100; i++) s.push(mb);
    const grown = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap0;
    expect(grown).toBeLessThan(20 * 1024 * 1024);
    s.push(Buffer.from('tail\nnext line\n'));
    expect(out).toHaveLength(2);
    expect(out[0]!.text.length).toBe(64 * 1024);
    expect(out[0]!.cut).toBe(100 * 1024 * 1024 + 4 - 64 * 1024);
    expect(out[1]).toEqual({ text: 'next line', cut: 0 });
    // A long line inside one chunk is cut the same way.
    s.push(Buffer.concat([Buffer.alloc(70 * 1024, 0x62), Buffer.from('\n')]));
    expect(out[2]!.text.length).toBe(64 * 1024);
    expect(out[2]!.cut).toBe(6 * 1024);
  });
});

describe('the seam of a resumed read', () => {
  it('drops lines before the mark and as many at the mark as were seen, then takes everything', () => {
    const t = new SeamTracker();
    for (const [s, n] of [
      [10, 1],
      [10, 5],
      [10, 5],
    ] as const)
      t.see(s, n);
    expect(t.mark).toEqual({ sec: 10, nano: 5, count: 2 });
    const f = new SeamFilter(t.mark!);
    // The resume re-reads second 10: (10,1) (10,5) (10,5) were seen; (10,5) a third time and (10,7) are new.
    expect([f.accept(10, 1), f.accept(10, 5), f.accept(10, 5), f.accept(10, 5), f.accept(10, 7), f.accept(10, 2)]).toEqual([false, false, false, true, true, true]);
    expect(f.done).toBe(true);
  });

  it('marks a batch as line by line would', () => {
    const batches = [[[1, 1], [1, 1]], [[1, 1]], [[2, 0], [2, 0], [3, 5]], [[3, 5], [3, 5]], [[4, 0]]] as const;
    const one = new SeamTracker();
    const all = new SeamTracker();
    for (const b of batches) {
      for (const [s, n] of b) one.see(s, n);
      all.seeAll(b.map(([sec, nano]) => ({ sec, nano })));
      expect(all.mark).toEqual(one.mark);
    }
  });
});
