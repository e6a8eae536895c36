import type { ResultSet } from './result-set.js';

/** Where a query pane connects: the pod, the database and who to be. The password never leaves memory. */
export interface DbTarget {
  context: string;
  namespace: string;
  pod: string;
  container: string | null;
  database: string;
  user: string;
  password: string;
  port: number;
}

/** A table's columns, for completion: from information_schema at connect time. */
export interface SchemaColumn {
  schema: string;
  table: string;
  column: string;
  type: string;
}

export interface RunOptions {
  /** Rows read at first (the rest wait in the cursor until asked for). */
  rows: number;
  /** Text kept per result at most; reading stops beyond it. */
  maxBytes: number;
  /** Called once the first statement is on its way to the server (until then a cancel means it never runs). */
  onSent?: () => void;
  /**
   * How long a result's open cursor (more rows than `rows`) may wait for `more` before it is closed:
   * it holds a transaction and its tables' locks on the server (30 s when not said).
   */
  cursorIdleMs?: number;
  /** Called once a result's cursor was closed for being idle (`released` says so; no more rows come). */
  onReleased?: (result: ResultSet) => void;
}

/** A way to talk to the database: the pg driver over a port-forward stream, or psql over exec. */
export interface QueryBackend {
  readonly kind: 'pg' | 'psql';
  /** Connects and returns the server's version banner (`PostgreSQL 16.4 on …`). */
  connect(): Promise<string>;
  /** Runs the editor's text (one or more statements); the last statement's result is returned. */
  run(sql: string, opts: RunOptions): Promise<ResultSet>;
  /** Reads up to `n` more rows of the last result from its open cursor. */
  more(result: ResultSet, n: number, maxBytes: number): Promise<void>;
  /**
   * Cancels the run in whatever state it is: one that has not reached the server yet (waiting for
   * the connection, or behind the session's own queries) rejects at once with QueryNotRun and is
   * never sent; one the server runs gets a server-side cancel (the run rejects with the server's error).
   */
  cancel(): Promise<string>;
  schema(): Promise<SchemaColumn[]>;
  /** True while connected (a dropped connection makes it false; the next run reconnects). */
  readonly connected: boolean;
  /** The session's transactions are read-only (kubetile runs read-only): writes are refused by the server. */
  readonly readOnly: boolean;
  close(): void;
}

/** A run cancelled before it reached the server: nothing of it ran. */
export class QueryNotRun extends Error {
  constructor(what = 'the query') {
    super(`Cancelled before ${what} reached the server: it did not run.`);
    this.name = 'QueryNotRun';
  }
}

/** An error the server sent: its SQLSTATE, position in the statement, and detail/hint. */
export interface ServerError {
  message: string;
  code?: string;
  position?: number;
  detail?: string;
  hint?: string;
}

/** The SQL the pane runs after connecting, for completion (bounded). */
export const SCHEMA_SQL =
  "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog','information_schema') ORDER BY table_schema, table_name, ordinal_position LIMIT 20000";
