import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_BYTES } from '../../src/kube/logs/line-splitter.js';
import { parseTimestamp } from '../../src/kube/logs/log-line.js';
import { sanitizeLogText } from '../../src/kube/logs/sanitize.js';

/**
 * A progress bar redrawn with carriage returns shows its last redraw. One that redraws more than
 * the 64 KiB a line keeps (a long download, `\r` and no newline for minutes) kept its first 64 KiB
 * and showed a stale redraw (`3%` of a bar that reached 100%), with the rest "cut".
 */

const TS = '2024-03-05T06:07:08.123456789Z ';

/** What a pane shows of each line: the splitter, the timestamp, the sanitiser, as a stream reads them. */
function lines(chunks: Buffer[]): Array<{ text: string; cut: number; ts: boolean }> {
  const out: Array<{ text: string; cut: number; ts: boolean }> = [];
  const s = new LineSplitter((buf, a, b, cut) => {
    const t = parseTimestamp(buf, a, b);
    out.push({ text: sanitizeLogText(buf.toString('utf8', t ? t.textStart : a, b)), cut, ts: t !== null });
  }, MAX_LINE_BYTES);
  for (const c of chunks) s.push(c);
  s.finish();
  return out;
}

/** `bytes` cut in pieces of `size` (the last one shorter). */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function progress(redraws: number, draw: (i: number) => string, end: string): Buffer {
  let s = TS;
  for (let i = 0; i < redraws; i++) s += draw(i);
  return Buffer.from(`${s}${end}\nnext line\n`);
}

describe('a line redrawn with carriage returns past 64 KiB', () => {
  const bar = (i: number): string => `\rdownloading layer ${String(i).padStart(6, '0')} [${'#'.repeat(i % 40).padEnd(40, ' ')}]`;
  const big = progress(20_000, bar, '\rdownloaded, 100%'); // ~1.4 MB on one line

  it('shows the last redraw whatever the chunks (one, 64 KiB, 4 KiB, 7 bytes, 1 byte), its timestamp kept, nothing "cut"', () => {
    for (const size of [big.length, 65536, 4096, 7, 1]) {
      const got = lines(size === big.length ? [big] : pieces(big, size));
      expect(got, `chunks of ${size}`).toEqual([
        { text: 'downloaded, 100%', cut: 0, ts: true },
        { text: 'next line', cut: 0, ts: false },
      ]);
    }
  });

  it('a CRLF ending, a redraw split from its \\r by a chunk, runs of \\r: still the last redraw', () => {
    const crlf = progress(20_000, bar, '\rdone 100%\r');
    for (const size of [crlf.length, 4096, 13, 1]) expect(lines(pieces(crlf, size))[0], `CRLF, chunks of ${size}`).toEqual({ text: 'done 100%', cut: 0, ts: true });
    const runs = progress(20_000, (i) => `\r\r\rstep ${i}`, '\r\r\rall done\r\r');
    for (const size of [runs.length, 4096, 5, 1]) expect(lines(pieces(runs, size))[0], `\\r runs, chunks of ${size}`).toEqual({ text: 'all done', cut: 0, ts: true });
  });

  it('redraws that set the title each time: the title never reaches the terminal, the last redraw shows', () => {
    const titled = progress(5_000, (i) => `\r\x1b]0;pulling ${i}\x07\x1b[2K[${'='.repeat(i % 30)}>] ${i}`, '\r\x1b]0;done\x07\x1b[2Kpulled');
    for (const size of [titled.length, 4096, 3]) expect(lines(pieces(titled, size))[0], `chunks of ${size}`).toEqual({ text: 'pulled', cut: 0, ts: true });
  });

  it('one redraw longer than 64 KiB is cut as any line is (the rest counted); a line without \\r is unchanged', () => {
    const huge = Buffer.from(`${TS}old\r${'x'.repeat(100_000)}\n`);
    for (const size of [huge.length, 4096]) {
      const [l] = lines(pieces(huge, size));
      expect(l!.text).toBe('x'.repeat(l!.text.length));
      expect(l!.text.length + l!.cut).toBe(100_000);
      expect(l!.text.length).toBeGreaterThan(MAX_LINE_BYTES - 100);
    }
    const plain = Buffer.from(`${TS}${'y'.repeat(200_000)}\n`);
    for (const size of [plain.length, 4096]) {
      const [l] = lines(pieces(plain, size));
      expect(l).toEqual({ text: 'y'.repeat(MAX_LINE_BYTES - TS.length), cut: 200_000 - (MAX_LINE_BYTES - TS.length), ts: true });
    }
  });
});
