import pg from 'pg';
import Cursor from 'pg-cursor';
import { formatBytes } from '../util/bytes.js';
import { errorMessage } from '../util/errors.js';
import type { DbTarget, QueryBackend, RunOptions, SchemaColumn } from './backend.js';
import { QueryNotRun, SCHEMA_SQL } from './backend.js';
import { knownType, typeName } from './pg-types.js';
import { PgMessageGuard } from './pg-message-guard.js';
import { PodSocket, type StreamOpener } from './pod-socket.js';
import { NoticeLog, ResultSet, type Cell } from './result-set.js';
import { splitStatements } from './sql-split.js';
import { grouped } from '../util/grouped.js';

/** Every value as the server's own text: what psql shows, and no JS Date/float surprises. */
const RAW_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** The completion schema query's LIMIT (SCHEMA_SQL). */
const SCHEMA_ROWS = 20_000;

/** How long the connection (port-forward + startup + auth) may take. */
export const CONNECT_TIMEOUT_MS = 30_000;

/**
 * The first byte a PostgreSQL server sends after a startup message (no SSL asked for): an
 * authentication request, an error, or a notice before either. Anything else is not PostgreSQL
 * speaking (an echo, an HTTP server's answer), which the driver would otherwise wait on until the
 * connect timeout.
 */
const PG_FIRST_BYTES = new Set(['R', 'E', 'N'].map((c) => c.charCodeAt(0)));

/** The longest message before the first run says its [query] max_result_bytes (the config's default). */
const DEFAULT_MAX_MESSAGE = 32 * 1024 * 1024;

/** How long an open cursor waits for `more` when the run does not say ([query] cursor_idle_seconds' default). */
const DEFAULT_CURSOR_IDLE_MS = 30_000;

/** How long closing a cursor may take before the session stops waiting (a dropped connection never answers). */
const CLOSE_WAIT_MS = 5_000;

/** One run of the editor's text: whether its first statement was handed to the driver, and how to stop it before. */
interface RunState {
  submitted: boolean;
  /** Rejects the run's waits (connection, the session's own queries) with QueryNotRun. */
  stop: (err: QueryNotRun) => void;
  stopped: Promise<never>;
  cancelled: boolean;
  /** A cancel request was sent for this run: a second ctrl+c closes the connection (a server that ignores cancels). */
  cancelSent: boolean;
}

type RawCursor = Cursor<Cell[]> & { _result?: { command?: string | null; rowCount?: number | null; fields?: Array<{ name: string; dataTypeID: number }> } };

/**
 * The pg driver over a daemon-internal port-forward stream: typed columns, results read through a
 * cursor (only the rows the pane keeps cross the wire), and a server-side cancel (a CancelRequest on
 * a second stream with the backend's key).
 */
export class PgSession implements QueryBackend {
  readonly kind = 'pg' as const;
  private client: pg.Client | null = null;
  /** The connection's stream (closed at once when the server sends more rows than a read asked for). */
  private socket: PodSocket | null = null;
  private cursor: RawCursor | null = null;
  private cursorResult: ResultSet | null = null;
  /** Closes the open cursor once it has waited this long for `more` (it holds a transaction and locks). */
  private cursorIdle: { ms: number; timer: NodeJS.Timeout | null; onReleased: ((result: ResultSet) => void) | undefined } | null = null;
  /** The notices of the run in progress (none are kept between runs or while fetching more). */
  private notices: NoticeLog | null = null;
  private readonly typeNames = new Map<number, string>();
  private alive = false;
  /** The connection being opened (a run waits for it instead of opening another). */
  private connecting: Promise<string> | null = null;
  /** The run in progress, if any. */
  private current: RunState | null = null;
  /** The session's own queries on this connection (version, completion schema, type names) still in flight. */
  private own = new Set<Promise<unknown>>();
  /** The longest message the server may send: the run's max_result_bytes (a row longer than the whole result is never kept). */
  private maxMessageBytes = DEFAULT_MAX_MESSAGE;

  /** What the session's transactions were last set to (SET SESSION CHARACTERISTICS; see `mode`). */
  private sessionReadOnly = false;

  constructor(
    private readonly target: DbTarget,
    private readonly openStream: StreamOpener,
    /** Whether kubetile runs read-only now (a config reload may change it between two runs). */
    private readonly readOnlyMode: () => boolean = () => false,
    /** How long connecting may take: reaching the server and logging in, then its first answer, each ([query] connect_timeout_seconds). */
    private readonly connectTimeoutMs: () => number = () => CONNECT_TIMEOUT_MS,
  ) {}

  get readOnly(): boolean {
    return this.sessionReadOnly;
  }

  /**
   * The driver's stream, failed at once when the first bytes that come back are not PostgreSQL's (see
   * PG_FIRST_BYTES), or when a message (a row) is longer than the whole result may be: no such row could
   * be kept, and the driver would hold all of it first (PgMessageGuard). Only closing the connection
   * stops a server in the middle of a row. Failed too, before the driver's parser sees it, on a message
   * that parser cannot read safely (it threw inside the socket's handler, leaving the query waiting
   * forever, or looped forever on an ErrorResponse without its closing NUL), on a COPY response (the
   * cursor has no handler for one) and on an authentication request the driver cannot answer — each
   * named (MessageShape).
   */
  private checkedStream(): PodSocket {
    let refused: Error | null = null;
    let first = true;
    const guard = new PgMessageGuard(
      () => this.maxMessageBytes,
      (type, bytes) => {
        const what = type === 'D' ? 'a row' : `a message (${JSON.stringify(type)})`;
        refused = new Error(
          `${what} of ${formatBytes(bytes)} came back, more than the whole result may hold ([query] max_result_bytes, ${formatBytes(this.maxMessageBytes)}): the connection was closed so the server stops sending it. Select part of a big value instead (left(col, 1000), length(col)); the next run reconnects`,
        );
      },
      (kind, what) => {
        refused = new Error(
          kind === 'auth'
            ? `${this.where()}: ${what}`
            : kind === 'copy'
              ? `${this.where()} answered with ${what}: COPY … FROM STDIN / TO STDOUT streams data the query pane does not take (COPY to or from a file on the server, or SELECT the rows, works); the connection was closed, the next run reconnects`
              : `${this.where()} sent ${what}, which is not valid PostgreSQL protocol: the connection was closed (the next run reconnects)`,
        );
      },
    );
    // Checked before the driver sees a byte (PodSocket's inspect): what the guard refuses never reaches its parser.
    const socket = new PodSocket(this.openStream, this.where(), (chunk) => {
      if (first) {
        first = false;
        const b = chunk[0];
        if (b !== undefined && !PG_FIRST_BYTES.has(b)) {
          const shown = JSON.stringify(chunk.subarray(0, 16).toString('latin1'));
          return new Error(`${this.where()} does not speak PostgreSQL (it answered ${shown}): is ${this.target.port} the database's port?`);
        }
      }
      guard.feed(chunk);
      return refused;
    });
    this.socket = socket;
    return socket;
  }

  private where(): string {
    return `${this.target.namespace}/${this.target.pod}:${this.target.port}`;
  }

  get connected(): boolean {
    return this.alive;
  }

  connect(): Promise<string> {
    const p = this.open();
    this.connecting = p;
    const clear = (): void => {
      if (this.connecting === p) this.connecting = null;
    };
    p.then(clear, clear);
    return p;
  }

  private async open(): Promise<string> {
    this.close();
    const t = this.target;
    const client = new pg.Client({
      user: t.user,
      database: t.database,
      password: t.password,
      host: 'pod',
      port: t.port,
      ssl: false,
      stream: () => this.checkedStream(),
      connectionTimeoutMillis: this.connectTimeoutMs(),
      application_name: 'kubetile',
      types: RAW_TYPES,
    } as pg.ClientConfig);
    client.on('error', () => {
      this.alive = false;
    });
    client.on('end', () => {
      this.alive = false;
    });
    client.on('notice', (n: { message?: string; severity?: string }) => {
      // Cut as it arrives: each notice may be as long as a message (max_result_bytes), and a loop can send many.
      this.notices?.add(n.severity ?? 'NOTICE', n.message ?? '');
    });
    this.client = client;
    this.own = new Set();
    try {
      await client.connect();
    } catch (err) {
      // pg's own words for its connect timeout say neither where nor what may be wrong.
      if (/timeout expired|connection timeout/i.test(errorMessage(err))) {
        throw new Error(`nothing answered as PostgreSQL on ${this.where()} within ${this.connectTimeoutMs() / 1000} s (a server still starting, or not PostgreSQL's port); enter tries again`);
      }
      throw err;
    }
    this.alive = true;
    // Reset on a new connection too: PGlite, the demo's engine, serves all its connections from one
    // session, so an earlier pane's READ ONLY would outlive read-only mode there. A RESET is the
    // server's own default (a role or a database made read-only by its DBA stays so).
    this.sessionReadOnly = true;
    const timeoutMs = this.connectTimeoutMs();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(
          `${this.where()} accepted the login but did not answer kubetile's first query (SELECT version()) within ${timeoutMs / 1000} s ([query] connect_timeout_seconds): a server that is stuck or overloaded; enter tries again`,
        );
        // Closed so the queries waiting on it end too; the error above is what the dialog says.
        this.socket?.destroy(err);
        reject(err);
      }, timeoutMs);
    });
    late.catch(() => undefined);
    try {
      await Promise.race([this.mode(client), late]);
      const rows = await Promise.race([this.track(this.bounded(client, 'SELECT version() AS version', 1)), late]);
      return rows[0]?.[0] ?? 'PostgreSQL';
    } finally {
      clearTimeout(timer);
    }
  }

  private async ready(): Promise<pg.Client> {
    if (!this.client || !this.alive) await (this.connecting ?? this.connect());
    if (!this.client) throw new Error('the connection was closed');
    return this.client;
  }

  /**
   * Read-only mode: the session's transactions are read-only, so a DELETE or a DROP typed by mistake
   * is refused by the server (SQLSTATE 25006, "cannot execute … in a read-only transaction"). Set
   * again before every run while read-only (a ROLLBACK of a transaction the user began undoes a SET
   * made inside it), and RESET once when read-only mode ends: back to the server's own default, never
   * forced to read-write (that would lift a read-only default a DBA gave the role). It guards against
   * accidents, not against the user: `SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE` typed in
   * the editor lifts it for that run, and a transaction begun before read-only mode came on stays
   * read-write until it ends. An error here (a transaction already aborted) is left for the run's
   * own statement to meet and show.
   */
  private async mode(client: pg.Client): Promise<void> {
    const want = this.readOnlyMode();
    if (!want && !this.sessionReadOnly) return;
    try {
      await this.track(this.bounded(client, want ? 'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY' : 'RESET default_transaction_read_only', 0));
      this.sessionReadOnly = want;
    } catch {
      // the run's own statement says what is wrong with the session
    }
  }

  /** Remembers one of the session's own queries until it settles (a run is never queued behind it inside pg). */
  private track<T>(p: Promise<T>): Promise<T> {
    const own = this.own;
    own.add(p);
    const done = (): void => {
      own.delete(p);
    };
    p.then(done, done);
    return p;
  }

  /** Waits (at most CLOSE_WAIT_MS) until none of the session's own queries is in flight on this connection. */
  private async idle(): Promise<void> {
    const deadline = Date.now() + CLOSE_WAIT_MS;
    while (this.own.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.own]), new Promise<void>((r) => (timer = setTimeout(r, Math.max(1, deadline - Date.now()))))]);
      clearTimeout(timer);
    }
  }

  /** Closes the cursor of the previous result (its rows stay; no more can be fetched). */
  private async dropCursor(): Promise<void> {
    const c = this.cursor;
    this.stopIdleTimer();
    this.cursorIdle = null;
    this.cursor = null;
    if (this.cursorResult) this.cursorResult.more = false;
    this.cursorResult = null;
    if (c) await this.closeCursor(c);
  }

  private stopIdleTimer(): void {
    if (this.cursorIdle?.timer) clearTimeout(this.cursorIdle.timer);
    if (this.cursorIdle) this.cursorIdle.timer = null;
  }

  /**
   * (Re)starts the open cursor's idle time: an open portal keeps the statement's implicit transaction,
   * and with it every lock the statement took (an ALTER TABLE waits behind it), for as long as it is
   * open. Once idle that long it is closed (the transaction ends) and the result says so.
   */
  private startIdleTimer(): void {
    const idle = this.cursorIdle;
    const c = this.cursor;
    const result = this.cursorResult;
    if (!idle || !c || !result) return;
    this.stopIdleTimer();
    idle.timer = setTimeout(() => {
      idle.timer = null;
      if (this.cursor !== c) return;
      const seconds = Math.round(idle.ms / 1000);
      result.released = `the rest is no longer fetchable: run the query again for more rows (its cursor, holding the statement's locks on the server, was closed after ${seconds} s without m: [query] cursor_idle_seconds)`;
      // Tracked: a run that starts meanwhile waits for the close rather than queueing behind it in pg.
      void this.track(this.dropCursor()).then(() => idle.onReleased?.(result));
    }, idle.ms);
    idle.timer.unref();
  }

  async run(sql: string, opts: RunOptions): Promise<ResultSet> {
    this.maxMessageBytes = opts.maxBytes;
    const statements = splitStatements(sql);
    if (statements.length === 0) throw new Error('nothing to run: the editor holds no SQL statement');
    let stop!: (err: QueryNotRun) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    stopped.catch(() => undefined);
    const state: RunState = { submitted: false, cancelled: false, cancelSent: false, stop, stopped };
    this.current = state;
    /** Until the first statement is handed to the driver, a cancel ends the wait at once. */
    const before = <T>(p: Promise<T>): Promise<T> => Promise.race([p, state.stopped]);
    try {
      await before(this.dropCursor());
      const client = await before(this.ready());
      // Never queued inside pg behind the completion query: a cancel could not reach it there.
      await before(this.idle());
      await before(this.mode(client));
      return await this.runStatements(client, statements, opts, state);
    } finally {
      if (this.current === state) this.current = null;
    }
  }

  private async runStatements(client: pg.Client, statements: string[], opts: RunOptions, state: RunState): Promise<ResultSet> {
    const started = Date.now();
    const earlier: string[] = [];
    const notices = new NoticeLog(opts.maxBytes);
    this.notices = notices;
    try {
      for (let i = 0; i < statements.length; i++) {
        const last = i === statements.length - 1;
        // A cancel between two statements of a script: the rest is not sent.
        if (state.cancelled) throw new QueryNotRun(statements.length > 1 ? `statement ${i + 1} of ${statements.length}` : 'the query');
        if (!state.submitted) {
          state.submitted = true;
          opts.onSent?.();
        }
        const cursor = client.query(new Cursor<Cell[]>(statements[i]!, undefined, { rowMode: 'array', types: RAW_TYPES } as never)) as RawCursor;
        let first: Cell[][];
        try {
          first = await this.readRows(cursor, last ? Math.max(1, opts.rows) : 1000);
        } catch (err) {
          // Not awaited: on a connection that is gone the close waits for a ReadyForQuery that never
          // comes (the pane would stay "Executing…"); on a live one the next query queues behind it.
          void this.track(cursor.close()).catch(() => undefined);
          // A FATAL error ends the session on the server's side (pg_terminate_backend, a shutdown).
          const severity = (err as { severity?: unknown } | null)?.severity;
          if (severity === 'FATAL' || severity === 'PANIC') this.alive = false;
          throw statements.length > 1 ? withStatement(err, i + 1, statements.length, earlier) : err;
        }
        if (!last) {
          // A script's earlier statements run to the end; their rows are not kept.
          while (first.length > 0) first = await this.readRows(cursor, 1000);
          earlier.push(cursor._result?.command ? tag(cursor) : 'done');
          await this.closeCursor(cursor);
          continue;
        }
        const result = new ResultSet(await this.columns(client, cursor));
        result.earlier.push(...earlier);
        // Notices first: they take their share of max_result_bytes, the rows the rest.
        result.addNotices(notices);
        result.add(first, opts.maxBytes);
        const done = first.length < Math.max(1, opts.rows) || result.truncated !== null;
        if (done) {
          result.command = cursor._result?.command ? tag(cursor) : null;
          await this.closeCursor(cursor);
        } else {
          result.more = true;
          this.cursor = cursor;
          this.cursorResult = result;
          this.cursorIdle = { ms: Math.max(0, opts.cursorIdleMs ?? DEFAULT_CURSOR_IDLE_MS), timer: null, onReleased: opts.onReleased };
          this.startIdleTimer();
        }
        result.elapsedMs = Date.now() - started;
        return result;
      }
    } finally {
      this.notices = null;
    }
    throw new Error('nothing ran');
  }

  /**
   * Reads `n` rows from the cursor. pg-cursor keeps every row that arrives until the server says the
   * batch is over, however many it asked for: a server that sends more than `n` is stopped at the
   * first one too many (its connection closed), so a batch never holds more than the pane asked for.
   */
  private async readRows(c: RawCursor, n: number): Promise<Cell[][]> {
    const socket = this.socket;
    let got = 0;
    const onRow = (): void => {
      if (++got === n + 1) socket?.destroy(new Error(`${this.where()} sent more rows than the ${grouped(n)} asked for, which is not valid PostgreSQL protocol: the connection was closed (the next run reconnects)`));
    };
    c.on('row', onRow);
    try {
      return await c.read(n);
    } finally {
      c.off('row', onRow);
    }
  }

  /**
   * One of the session's own queries (the version, the completion schema, type names, SET), its rows
   * bounded as a cursor's are (readRows): the driver keeps every row a server sends for a plain
   * query, so one that answers `SELECT version()` with rows without end is stopped at the first row
   * past `maxRows` (its connection closed) instead of filling the daemon's memory.
   */
  private bounded(client: pg.Client, text: string, maxRows: number, values?: unknown[]): Promise<Cell[][]> {
    const socket = this.socket;
    return new Promise<Cell[][]>((resolve, reject) => {
      const q = new pg.Query({
        text,
        ...(values ? { values } : {}),
        rowMode: 'array',
        types: RAW_TYPES,
        callback: (err: Error | null, r: pg.QueryArrayResult | pg.QueryArrayResult[] | undefined) => {
          if (err) reject(err);
          else resolve(((Array.isArray(r) ? r.at(-1) : r)?.rows ?? []) as Cell[][]);
        },
      } as never) as pg.Query & NodeJS.EventEmitter;
      let got = 0;
      q.on('row', () => {
        if (++got === maxRows + 1) socket?.destroy(new Error(`${this.where()} answered a query of kubetile's own (${text.slice(0, 40)}…) with more rows than the ${grouped(maxRows)} it can have, which no PostgreSQL server does: the connection was closed`));
      });
      client.query(q as never);
    });
  }

  /** Closes a cursor, waiting at most CLOSE_WAIT_MS (never on a connection that is gone). */
  private async closeCursor(c: RawCursor): Promise<void> {
    if (!this.alive) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([c.close().catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  async more(result: ResultSet, n: number, maxBytes: number): Promise<void> {
    const c = this.cursor;
    if (!c || this.cursorResult !== result) {
      result.more = false;
      return;
    }
    const started = Date.now();
    this.maxMessageBytes = maxBytes;
    // Not idle while reading; idle again from the end of this read.
    this.stopIdleTimer();
    let rows: Cell[][];
    try {
      rows = await this.readRows(c, Math.max(1, n));
    } catch (err) {
      // A FATAL error ends the session on the server's side (pg_terminate_backend, a shutdown).
      const severity = (err as { severity?: unknown } | null)?.severity;
      if (severity === 'FATAL' || severity === 'PANIC') this.alive = false;
      // The cursor is of no more use (a dropped connection, an error in the rows): nothing waits on it.
      if (this.cursor === c) {
        this.cursor = null;
        this.cursorIdle = null;
        this.cursorResult = null;
        void this.track(this.closeCursor(c));
      }
      result.more = false;
      throw err;
    }
    result.add(rows, maxBytes);
    result.elapsedMs += Date.now() - started;
    if (rows.length < n || result.truncated !== null) {
      result.more = false;
      result.command = c._result?.command ? tag(c) : result.command;
      await this.dropCursor();
    } else this.startIdleTimer();
  }

  private async columns(client: pg.Client, cursor: RawCursor): Promise<ReturnType<typeof ResultSet.column>[]> {
    const fields = cursor._result?.fields ?? [];
    const unknown = [...new Set(fields.map((f) => f.dataTypeID).filter((o) => !knownType(o) && !this.typeNames.has(o)))];
    if (unknown.length > 0 && unknown.length <= 100) {
      // Names of types we do not know by OID (domains, enums, extensions), asked once per connection.
      // Not while a cursor is open on this connection (pg queues it behind the cursor's portal).
      for (const o of unknown) this.typeNames.set(o, `oid ${o}`);
      void this.track(
        this.bounded(client, 'SELECT oid::int4 AS oid, typname FROM pg_type WHERE oid = ANY($1::oid[])', unknown.length, [unknown])
          .then((rows) => rows.forEach((row) => this.typeNames.set(Number(row[0]), row[1] ?? `oid ${row[0]}`))),
      ).catch(() => undefined);
    }
    return fields.map((f) => ResultSet.column(f.name, f.dataTypeID, knownType(f.dataTypeID) ? typeName(f.dataTypeID) : (this.typeNames.get(f.dataTypeID) ?? `oid ${f.dataTypeID}`)));
  }

  async cancel(): Promise<string> {
    const run = this.current;
    if (run && !run.submitted) {
      run.cancelled = true;
      run.stop(new QueryNotRun());
      return 'cancelled before the query reached the server: it did not run';
    }
    if (run) run.cancelled = true;
    if (run?.cancelSent && this.current === run) {
      // The server took the cancel request and the query goes on (a server that ignores them, or one
      // too busy to act): the second ctrl+c gives up on it, as closing psql would.
      this.socket?.destroy(
        new Error(
          `the server did not stop the query after the cancel request; the second ctrl+c closed the connection (the statement may go on running on the server until it notices). The next run reconnects`,
        ),
      );
      this.alive = false;
      return 'the connection was closed';
    }
    const c = this.client as (pg.Client & { processID?: number | null; secretKey?: number | null }) | null;
    if (!c || !this.alive) return 'not connected: nothing to cancel';
    const pid = c.processID;
    const key = c.secretKey;
    if (typeof pid !== 'number' || typeof key !== 'number') return 'this server gave no cancel key; the query cannot be cancelled';
    const msg = Buffer.alloc(16);
    msg.writeInt32BE(16, 0);
    msg.writeInt32BE(80877102, 4);
    msg.writeInt32BE(pid, 8);
    msg.writeInt32BE(key, 12);
    await new Promise<void>((resolve, reject) => {
      const sock = new PodSocket(this.openStream, this.where());
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error('the cancel request got no answer within 10 s'));
      }, 10_000);
      sock.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      sock.once('connect', () => {
        sock.end(msg, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      // The server closes the cancel connection without a reply; we do not wait for that.
      sock.resume();
      sock.connect();
    });
    if (run && this.current === run) run.cancelSent = true;
    return 'cancel request sent (ctrl+c again closes the connection)';
  }

  async schema(): Promise<SchemaColumn[]> {
    const client = await this.ready();
    const rows = await this.track(this.bounded(client, SCHEMA_SQL, SCHEMA_ROWS));
    return rows.map((row) => ({ schema: row[0] ?? '', table: row[1] ?? '', column: row[2] ?? '', type: row[3] ?? '' }));
  }

  close(): void {
    this.alive = false;
    this.connecting = null;
    this.stopIdleTimer();
    this.cursorIdle = null;
    this.cursor = null;
    this.cursorResult = null;
    const c = this.client;
    this.client = null;
    this.socket = null;
    if (c) void c.end().catch(() => undefined);
  }
}

function tag(c: RawCursor): string {
  const r = c._result;
  const cmd = r?.command ?? '';
  if (cmd === 'INSERT') return `INSERT 0 ${r?.rowCount ?? 0}`;
  return r?.rowCount !== null && r?.rowCount !== undefined && cmd !== 'SELECT' ? `${cmd} ${r.rowCount}` : cmd;
}

/**
 * A script's failing statement named, and what the ones before it did: they ran (and, outside a
 * transaction, are committed) — the pane shows only this error, so without it a user could not
 * tell that `INSERT …; SELECT 1/0` had inserted.
 */
function withStatement(err: unknown, n: number, of: number, earlier: readonly string[]): unknown {
  const before = earlier.length === 0 ? '' : ` (${earlier.length === 1 ? 'statement 1' : `statements 1–${earlier.length}`} ran before it: ${earlier.slice(0, 5).join(', ')}${earlier.length > 5 ? ', …' : ''})`;
  const prefix = `statement ${n} of ${of}${before}: `;
  if (err instanceof Error) err.message = `${prefix}${err.message}`;
  else return new Error(`${prefix}${errorMessage(err)}`);
  return err;
}
