import { arrivalSeq, parseTimestamp, StreamLine, type LogLine, type LogOrigin } from './log-line.js';

/** The longest RFC 3339 timestamp with nanoseconds and an offset, and its space. */
const TIMESTAMP_MAX = 36;

/** Where the last complete UTF-8 character of `buf[from..to)` ends (a character split by a chunk waits for its rest). */
function completeEnd(buf: Buffer, from: number, to: number): number {
  let i = to - 1;
  while (i >= from && to - i <= 3 && (buf[i]! & 0xc0) === 0x80) i--;
  if (i < from) return to;
  const b = buf[i]!;
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return i + need > to ? i : to;
}

/**
 * A line still waiting for its newline (a progress bar redrawn with `\r`) as a line to show for
 * now: its timestamp, its text so far (sanitised when read, as any line: its last redraw shows).
 * Null while there is nothing to show yet: the timestamp is still coming, or no text after it.
 * `prevSec`/`prevNano`: the stream's last timestamp, for a line without one.
 */
export function provisionalLine(bytes: Buffer, cut: number, prevSec: number, prevNano: number, origin: LogOrigin): LogLine | null {
  const ts = parseTimestamp(bytes, 0, bytes.length);
  // No timestamp yet: one may still be arriving (a line without one has a space past where it would end).
  if (!ts && !bytes.subarray(0, TIMESTAMP_MAX + 1).includes(32)) return null;
  const from = ts ? ts.textStart : 0;
  const end = completeEnd(bytes, from, bytes.length);
  if (end <= from) return null;
  const text = bytes.toString('utf8', from, end);
  return new StreamLine(ts ? ts.sec : prevSec, ts ? ts.nano : prevNano, arrivalSeq(), text, 0, text.length, origin, cut);
}
