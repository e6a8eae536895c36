import { formatBytes } from '../util/bytes.js';
import { valueKind, type ValueKind } from './pg-types.js';
import { grouped } from '../util/grouped.js';

export interface ResultColumn {
  name: string;
  /** PostgreSQL type OID, 0 when unknown (psql --csv gives no types). */
  typeOid: number;
  /** `int4`, `jsonb`… (from the OID, or pg_type for the others). */
  typeName: string;
  kind: ValueKind;
}

/** One value as the server printed it (text format), or null for SQL NULL. */
export type Cell = string | null;

/**
 * A statement's result as the pane holds it: the columns, the rows read so far (at most the cap the
 * user allows, and at most `maxBytes` of text), and whether more rows wait on the server.
 */
export class ResultSet {
  readonly rows: Cell[][] = [];
  bytes = 0;
  /** `SELECT 12`, `UPDATE 3`, `CREATE TABLE`: the server's command tag once the statement completed. */
  command: string | null = null;
  /** More rows can be fetched from the open cursor. */
  more = false;
  /** Why reading stopped early beyond the cap (the byte bound), if it did. */
  truncated: string | null = null;
  /** Why the rest can no longer be fetched though the server had more (the cursor was closed for being idle). */
  released: string | null = null;
  /** Server notices (RAISE NOTICE, warnings): at most MAX_NOTICES, each cut to MAX_NOTICE_CHARS, counted in `bytes`. */
  readonly notices: string[] = [];
  /** Statements run before this one in the same execution (a script), with their tags. */
  readonly earlier: string[] = [];
  elapsedMs = 0;

  constructor(readonly columns: ResultColumn[]) {}

  /** A column as the pane keeps it: a name longer than MAX_COLUMN_NAME_CHARS cut (saying so). */
  static column(name: string, typeOid: number, typeName: string): ResultColumn {
    return { name: cutColumnName(name), typeOid, typeName, kind: typeOid === 0 ? 'text' : valueKind(typeOid) };
  }

  /** Takes a run's notices before its rows: they count against the same `maxBytes` as the rows. */
  addNotices(log: NoticeLog): void {
    this.notices.push(...log.kept);
    this.bytes += log.bytes;
    if (log.dropped > 0) {
      const line = `… ${grouped(log.dropped)} more notice${log.dropped === 1 ? '' : 's'} not kept (at most ${MAX_NOTICES}, within [query] max_result_bytes)`;
      this.notices.push(line);
      this.bytes += textSize(line);
    }
  }

  /** Adds rows until `maxBytes` would be passed; returns how many were kept. */
  add(rows: Cell[][], maxBytes: number): number {
    let kept = 0;
    for (const r of rows) {
      let size = 16;
      for (const c of r) size += c === null ? 1 : c.length * 2 + 8;
      if (this.bytes + size > maxBytes) {
        this.truncated = `stopped after ${grouped(this.rows.length)} rows: the result passed ${formatBytes(maxBytes)} ([query] max_result_bytes)`;
        this.more = false;
        return kept;
      }
      this.bytes += size;
      this.rows.push(r.length === this.columns.length ? r : this.columns.map((_, i) => r[i] ?? null));
      kept++;
    }
    return kept;
  }
}

/**
 * The most of a column name kept. PostgreSQL's own are at most 63 bytes (NAMEDATALEN); a server may
 * send one as long as a whole message, and every redraw measured it whole (the header, the status
 * line's column, the record view), for each key on each client.
 */
export const MAX_COLUMN_NAME_CHARS = 256;

function cutColumnName(name: string): string {
  if (name.length <= MAX_COLUMN_NAME_CHARS) return name;
  let end = MAX_COLUMN_NAME_CHARS;
  const last = name.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  // A copy, not a slice: V8's slice of a long string keeps the whole string alive.
  const kept = Buffer.from(name.slice(0, end), 'utf8').toString('utf8');
  return `${kept}… (a name of ${grouped(name.length)} characters)`;
}

export const MAX_NOTICES = 50;
/** The most of one notice kept: a RAISE NOTICE may be as long as a whole message (max_result_bytes). */
export const MAX_NOTICE_CHARS = 4096;

/** What a string costs in a result's byte budget (as a cell of a row does). */
const textSize = (text: string): number => text.length * 2 + 8;

/**
 * The notices a run receives, bounded as they arrive: each cut to MAX_NOTICE_CHARS (saying so), at
 * most MAX_NOTICES, and only while they fit in the result's byte budget; the others are only counted.
 */
export class NoticeLog {
  readonly kept: string[] = [];
  bytes = 0;
  dropped = 0;

  constructor(private readonly maxBytes: number) {}

  add(severity: string, message: string): void {
    if (this.kept.length >= MAX_NOTICES) {
      this.dropped++;
      return;
    }
    const text = `${severity}: ${cutNotice(message)}`;
    const size = textSize(text);
    if (this.bytes + size > this.maxBytes) {
      this.dropped++;
      return;
    }
    this.kept.push(text);
    this.bytes += size;
  }
}

/** A notice's message cut to MAX_NOTICE_CHARS (never inside a surrogate pair), saying how long it was. */
export function cutNotice(message: string): string {
  if (message.length <= MAX_NOTICE_CHARS) return message;
  let end = MAX_NOTICE_CHARS;
  const last = message.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  // A copy, not a slice: V8's slice of a long string keeps the whole string alive.
  const kept = Buffer.from(message.slice(0, end), 'utf8').toString('utf8');
  return `${kept}… (cut: the notice had ${grouped(message.length)} characters; the first ${grouped(end)} are kept)`;
}
