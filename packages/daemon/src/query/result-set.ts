import { valueKind, type ValueKind } from './pg-types.js';

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
  /** Server notices (RAISE NOTICE, warnings), at most MAX_NOTICES. */
  readonly notices: string[] = [];
  /** Statements run before this one in the same execution (a script), with their tags. */
  readonly earlier: string[] = [];
  elapsedMs = 0;

  constructor(readonly columns: ResultColumn[]) {}

  static column(name: string, typeOid: number, typeName: string): ResultColumn {
    return { name, typeOid, typeName, kind: typeOid === 0 ? 'text' : valueKind(typeOid) };
  }

  /** Adds rows until `maxBytes` would be passed; returns how many were kept. */
  add(rows: Cell[][], maxBytes: number): number {
    let kept = 0;
    for (const r of rows) {
      let size = 16;
      for (const c of r) size += c === null ? 1 : c.length * 2 + 8;
      if (this.bytes + size > maxBytes) {
        this.truncated = `stopped after ${this.rows.length.toLocaleString('en-US')} rows: the result passed ${Math.round(maxBytes / (1024 * 1024))} MiB ([query] max_result_bytes)`;
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

export const MAX_NOTICES = 50;
