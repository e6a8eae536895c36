import { describe, expect, it } from 'vitest';
import { arrivalSeq, type LogLine, type LogOrigin } from '../../src/kube/logs/log-line.js';
import { LineSplitter, MAX_LINE_BYTES } from '../../src/kube/logs/line-splitter.js';
import { provisionalLine } from '../../src/kube/logs/partial-line.js';
import { LogBuffer } from '../../src/panes/logs/log-buffer.js';
import { LogScroll } from '../../src/panes/logs/log-scroll.js';
import { WithProvisional } from '../../src/panes/logs/provisional.js';

/**
 * A line that has not had its newline yet (a progress bar drawn with `\r`) shows for now after the
 * stream's complete lines, as its last redraw, and is replaced by the line once it is complete.
 */

const O: LogOrigin = { pod: 'p', container: 'c' };
const TS = '2026-01-01T00:00:05.250000000Z ';

/** The provisional line of a stream fed `chunks` (null: nothing to show yet). */
function pending(chunks: Array<string | Buffer>): LogLine | null {
  const s = new LineSplitter(() => undefined, MAX_LINE_BYTES);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
  const p = s.partial();
  return p ? provisionalLine(p.bytes, p.cut, 7, 9, O) : null;
}

describe('a line without its newline yet', () => {
  it('shows its last redraw, with its timestamp; nothing while the timestamp is still coming or no text follows it', () => {
    expect(pending([TS.slice(0, 20)])).toBeNull();
    expect(pending([TS])).toBeNull();
    const bar = pending([TS, 'pulling 10%', '\r\x1b[2Kpulling 55%', '\rpulling 70%\r'])!;
    expect(bar.text).toBe('pulling 70%');
    expect([bar.sec, bar.nano, bar.cut]).toEqual([Date.UTC(2026, 0, 1, 0, 0, 5) / 1000, 250_000_000, 0]);
    // A line without a timestamp (a broken server) has the stream's last one.
    expect(pending(['no timestamp here'])).toMatchObject({ text: 'no timestamp here', sec: 7, nano: 9 });
  });

  it('a character split between chunks waits for its rest; an overlong line is kept to 64 KiB and the rest counted', () => {
    const euro = Buffer.from('€');
    expect(pending([Buffer.concat([Buffer.from(`${TS}price 5`), euro.subarray(0, 2)])])!.text).toBe('price 5');
    expect(pending([Buffer.concat([Buffer.from(`${TS}price 5`), euro])])!.text).toBe('price 5€');
    const long = pending([TS, 'x'.repeat(200_000)])!;
    expect(long.text.length).toBe(MAX_LINE_BYTES - TS.length);
    expect(long.cut).toBe(200_000 - long.text.length);
  });
});

describe('the provisional line in a pane', () => {
  const line = (sec: number, text: string): LogLine => ({ sec, nano: 0, seq: arrivalSeq(), text, chars: text.length, origin: O, cut: 0 });
  const rows = (s: LogScroll, list: WithProvisional | LogBuffer, n = 3): string[] => s.window(list, n, () => 1).map((r) => `${r.abs}:${r.line.text}`);

  it('comes after the complete lines, where the complete line then goes: a view following it or held on it does not move', () => {
    const b = new LogBuffer(100, 1e6);
    for (let i = 0; i < 5; i++) b.insert([line(i, `line ${i}`)]);
    const following = new LogScroll();
    expect(rows(following, new WithProvisional(b, [line(5, 'pulling 40%')]))).toEqual(['3:line 3', '4:line 4', '5:pulling 40%']);
    // Held on the provisional line: when it completes, the same place shows the complete line.
    const held = new LogScroll();
    expect(rows(held, new WithProvisional(b, [line(5, 'pulling 80%')]))).toEqual(['3:line 3', '4:line 4', '5:pulling 80%']);
    held.scroll(new WithProvisional(b, [line(5, 'pulling 90%')]), -1);
    expect(held.follow).toBe(false);
    expect(rows(held, new WithProvisional(b, [line(5, 'pulling 90%')]))).toEqual(['2:line 2', '3:line 3', '4:line 4']);
    held.scroll(new WithProvisional(b, [line(5, 'pulling 90%')]), 1);
    expect(rows(held, new WithProvisional(b, [line(5, 'pulling 90%')]))).toEqual(['3:line 3', '4:line 4', '5:pulling 90%']);
    b.insert([line(5, 'pulled')]);
    expect(rows(held, b)).toEqual(['3:line 3', '4:line 4', '5:pulled']);
    expect(rows(following, b)).toEqual(['3:line 3', '4:line 4', '5:pulled']);
  });
});
