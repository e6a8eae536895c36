import { sanitizeLogText } from './sanitize.js';

/** Which container a log line came from (one object per stream, shared by all its lines). */
export interface LogOrigin {
  readonly pod: string;
  /** '' when the API chose the container (a pod with one). */
  readonly container: string;
}

/**
 * One log line as the daemon keeps it: the API server's timestamp (seconds and nanoseconds, so
 * lines of several containers interleave exactly), a global arrival number that breaks ties, the
 * sanitised text, and how many bytes of an overlong line were cut off. Immutable and shared by
 * every pane that shows it.
 */
export interface LogLine {
  readonly sec: number;
  readonly nano: number;
  readonly seq: number;
  readonly text: string;
  /** The text's length as stored (what the buffer bounds count), before sanitising. */
  readonly chars: number;
  readonly origin: LogOrigin;
  /** Bytes dropped from the end of an overlong line (0 for a whole line). */
  readonly cut: number;
  /** Lines the daemon adds (a pod went away, a stream ended): their style; absent for log lines. */
  readonly marker?: 'info' | 'warn' | 'error';
}

/**
 * A line read from a stream: its text is a range of the chunk it came in, decoded once per chunk,
 * sliced and sanitised when it is read (for a view, a filter or a file), so a line costs one small
 * object while it waits in buffers.
 */
export class StreamLine implements LogLine {
  constructor(
    readonly sec: number,
    readonly nano: number,
    readonly seq: number,
    /** The string the text is a range of (the decoded chunk), and the range. */
    readonly src: string,
    readonly from: number,
    readonly to: number,
    readonly origin: LogOrigin,
    readonly cut: number,
  ) {}

  get text(): string {
    return sanitizeLogText(this.raw);
  }

  /** The text as the stream sent it (not made safe: for sanitizing, never to show). */
  get raw(): string {
    return this.from === 0 && this.to === this.src.length ? this.src : this.src.slice(this.from, this.to);
  }

  get chars(): number {
    return this.to - this.from;
  }
}

let nextSeq = 1;
/** A fresh arrival number (global, increasing): ties between equal timestamps keep arrival order. */
export const arrivalSeq = (): number => nextSeq++;

/** Orders lines by timestamp, then arrival. */
export function compareLines(a: LogLine, b: LogLine): number {
  return a.sec - b.sec || a.nano - b.nano || a.seq - b.seq;
}

/** Orders two timestamps (seconds, nanoseconds). */
export function compareTime(aSec: number, aNano: number, bSec: number, bNano: number): number {
  return aSec - bSec || aNano - bNano;
}

const digit = (b: number): number => (b >= 48 && b <= 57 ? b - 48 : -1);

function num(buf: Uint8Array, at: number, len: number): number {
  let n = 0;
  for (let i = 0; i < len; i++) {
    const d = digit(buf[at + i] ?? 0);
    if (d < 0) return -1;
    n = n * 10 + d;
  }
  return n;
}

export interface ParsedTimestamp {
  sec: number;
  nano: number;
  /** Index just after the timestamp's trailing space (where the text starts). */
  textStart: number;
}

/** The last `YYYY-MM-DDTHH:MM:SS` seen and its seconds: most lines share it with the line before. */
const lastPrefix = new Uint8Array(19);
let lastPrefixSec = Number.NaN;

function samePrefix(buf: Uint8Array, start: number): boolean {
  // Compared from the end: lines of one second differ first in the seconds digits.
  for (let i = 18; i >= 0; i--) if (buf[start + i] !== lastPrefix[i]) return false;
  return !Number.isNaN(lastPrefixSec);
}

function parsePrefix(buf: Uint8Array, start: number): number {
  const y = num(buf, start, 4);
  const mo = num(buf, start + 5, 2);
  const d = num(buf, start + 8, 2);
  const h = num(buf, start + 11, 2);
  const mi = num(buf, start + 14, 2);
  const s = num(buf, start + 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return Number.NaN;
  if (buf[start + 4] !== 45 || buf[start + 7] !== 45 || (buf[start + 10] !== 84 && buf[start + 10] !== 116) || buf[start + 13] !== 58 || buf[start + 16] !== 58) return Number.NaN;
  const sec = Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
  for (let i = 0; i < 19; i++) lastPrefix[i] = buf[start + i]!;
  lastPrefixSec = sec;
  return sec;
}

/**
 * Parses the RFC 3339 timestamp the API server puts before each line with `timestamps=true`
 * (`2024-01-01T00:00:00.123456789Z `, any fraction length, `Z` or an offset) from bytes
 * `buf[start..end)`, without making a string. Null when the line does not start with one.
 */
export function parseTimestamp(buf: Uint8Array, start: number, end: number): ParsedTimestamp | null {
  if (end - start < 21) return null;
  const base = samePrefix(buf, start) ? lastPrefixSec : parsePrefix(buf, start);
  if (Number.isNaN(base)) return null;
  let i = start + 19;
  let nano = 0;
  if (buf[i] === 46) {
    i++;
    let digits = 0;
    while (i < end) {
      const b = buf[i]!;
      if (b < 48 || b > 57) break;
      if (digits < 9) nano = nano * 10 + (b - 48);
      digits++;
      i++;
    }
    if (digits === 0) return null;
    for (let k = digits; k < 9; k++) nano *= 10;
  }
  let offsetSec = 0;
  const z = buf[i];
  if (z === 90 || z === 122) i++;
  else if (z === 43 || z === 45) {
    const oh = num(buf, i + 1, 2);
    const om = num(buf, i + 4, 2);
    if (oh < 0 || om < 0 || buf[i + 3] !== 58) return null;
    offsetSec = (z === 43 ? 1 : -1) * (oh * 3600 + om * 60);
    i += 6;
  } else return null;
  if (i > end || (i < end && buf[i] !== 32)) return null;
  return { sec: base - offsetSec, nano, textStart: i < end ? i + 1 : i };
}

/** `2024-01-01T00:00:00.123Z` (milliseconds: what a pane shows). */
export function formatTimeMs(sec: number, nano: number): string {
  const ms = sec * 1000 + Math.floor(nano / 1_000_000);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '-';
}

/** `2024-01-01T00:00:00.123456789Z` (what the API server sent, normalised to UTC). */
export function formatTimeNano(sec: number, nano: number): string {
  const base = new Date(sec * 1000);
  if (!Number.isFinite(base.getTime())) return '-';
  return `${base.toISOString().slice(0, 19)}.${String(nano).padStart(9, '0')}Z`;
}

/** `sinceTime` for a resume: the line's second (the API's precision), RFC 3339. */
export function formatSecond(sec: number): string {
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
}
