import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '../kube/kubeconfig.js';
import { openExec } from '../kube/exec/exec-session.js';
import type { OpenStreams } from '../util/open-streams.js';
import { QueryNotRun, SCHEMA_SQL, type DbTarget, type QueryBackend, type RunOptions, type SchemaColumn } from './backend.js';
import { parseCsv } from './csv.js';
import { ResultSet, type Cell } from './result-set.js';
import { splitStatements } from './sql-split.js';

/**
 * The script run in the container: the password comes on stdin (never on a command line, never in
 * the pod's process list), then psql reads the SQL from stdin until `\q`. Names are positional
 * arguments, so nothing is quoted into the script.
 */
export const PSQL_SCRIPT =
  'IFS= read -r PGPASSWORD; export PGPASSWORD; export PGAPPNAME="$1"; exec psql -X -q -v ON_ERROR_STOP=1 --csv -p "$2" -U "$3" -d "$4" -f -';

/** The oldest psql the fallback can use: `--csv` and `\\warn` came in PostgreSQL 13. */
export const PSQL_MIN_MAJOR = 13;

/** psql's own words when it cannot run the fallback's command line (too old, or not there at all). */
const PSQL_CANNOT_RUN = /unrecognized option|invalid option|illegal option|invalid command|not found|no such file|exited with code 12[67]/i;

/** `psql (PostgreSQL) 12.17 (Debian …)` → `{ text: '12.17', major: 12 }`; null when it says no version. */
export function psqlVersion(out: string): { text: string; major: number } | null {
  const m = /psql \(PostgreSQL\) (\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(out);
  if (!m) return null;
  return { text: [m[1], m[2], m[3]].filter((x) => x !== undefined).join('.'), major: Number(m[1]) };
}

/** The longest a psql run may take before it is stopped (the fallback has no cursor to hold a big result back). */
const RUN_TIMEOUT_MS = 10 * 60_000;

/** How often a cancel looks again for the run's statement on the server (it may not have started yet). */
const CANCEL_RETRY_MS = 300;
const CANCEL_TRIES = 20;

/** A run: the SQL is written to psql only once psql has connected (the marker), unless cancelled before. */
interface PsqlRun {
  cancelled: boolean;
  /** The SQL was written to psql. */
  sent: boolean;
  settled: boolean;
  abort: AbortController;
  stop: (err: QueryNotRun) => void;
  onSent?: (() => void) | undefined;
}

/** psql's `psql:<stdin>:3: ERROR:  …` prefix, and its connection banner, taken off for the pane. */
function cleanStderr(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^psql:<stdin>:\d+: /, '').replace(/^psql: error: /, ''))
    .filter((l) => l.trim() !== '')
    .join('\n')
    .slice(0, 4000);
}

/**
 * `psql --csv` over exec in the pod: for clusters that forbid port-forwarding. Each run is one exec
 * (the SQL on stdin after the password); the last statement's rows come back as CSV (earlier
 * statements' output goes to /dev/null). No types (every column is text), no cursor (the output is
 * cut at the byte bound), cancel by `pg_cancel_backend` from a second exec.
 */
export class PsqlSession implements QueryBackend {
  readonly kind = 'psql' as const;
  private readonly app = `kubetile-${randomBytes(4).toString('hex')}`;
  private ok = false;
  private runs = 0;
  /** Said on psql's stderr (`\\warn`, unbuffered) once it has connected: the SQL is written after it. */
  private readonly marker = `kubetile-ready-${randomBytes(6).toString('hex')}`;
  private current: PsqlRun | null = null;
  /** Execs in flight (close() ends them). */
  private readonly aborts = new Set<AbortController>();

  constructor(
    private readonly target: DbTarget,
    private readonly kc: KubeConfig,
    private readonly streams: OpenStreams,
    /** Why the fallback may not run now (kubetile runs read-only: see features/query.ts), or null. */
    private readonly refusal: () => string | null = () => null,
  ) {}

  get connected(): boolean {
    return this.ok;
  }

  /** Never: read-only mode turns the fallback off instead. */
  get readOnly(): boolean {
    return false;
  }

  private refuseReadOnly(): void {
    const why = this.refusal();
    if (why !== null) throw new Error(why);
  }

  /**
   * Runs psql with `input` on stdin; resolves with its stdout, or rejects with its stderr. With a
   * run, the input is written only after psql has connected (the marker on stderr), and not at all
   * when the run was cancelled before: psql then gets `\\q` and nothing of the input reaches the server.
   */
  private exec(input: string, maxBytes: number, app = this.app, run?: PsqlRun): Promise<{ out: string; truncated: boolean }> {
    const t = this.target;
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let bytes = 0;
      let truncated = false;
      const abort = run?.abort ?? new AbortController();
      this.aborts.add(abort);
      const release = this.streams.open('exec');
      const timer = setTimeout(() => abort.abort(), RUN_TIMEOUT_MS);
      let session: Awaited<ReturnType<typeof openExec>> | null = null;
      let waiting = run !== undefined;
      let head = '';
      const marker = `${this.marker}\n`;
      const done = (): void => {
        clearTimeout(timer);
        release();
        this.aborts.delete(abort);
      };
      openExec(
        this.kc,
        { namespace: t.namespace, pod: t.pod, ...(t.container ? { container: t.container } : {}), command: ['sh', '-c', PSQL_SCRIPT, 'sh', app, String(t.port), t.user, t.database], tty: false, signal: abort.signal },
        {
          output: (d, stream) => {
            if (waiting) {
              head += d.toString('utf8');
              const at = head.indexOf(marker);
              if (at < 0) {
                // psql failing to connect says so (`psql: error: …`) before any marker.
                if (/^psql:/m.test(head) || head.length > 64 * 1024) {
                  err.push(Buffer.from(head));
                  head = '';
                }
                return;
              }
              waiting = false;
              const rest = head.slice(0, at) + head.slice(at + marker.length);
              head = '';
              if (run!.cancelled) {
                session?.write('\\q\n');
                session?.close();
                return;
              }
              run!.sent = true;
              session?.write(`${input}\n\\q\n`);
              run!.onSent?.();
              if (rest === '') return;
              d = Buffer.from(rest);
            }
            bytes += d.length;
            if (bytes > maxBytes) {
              truncated = true;
              session?.close();
              return;
            }
            // By channel: a psql error split across frames stays whole (by its 'psql:' prefix, the
            // second half of a split error went to the rows and the pane said only 'psql:').
            (stream === 'stderr' ? err : out).push(d);
          },
          end: (end) => {
            done();
            const errText = cleanStderr(Buffer.concat(err).toString('utf8'));
            // A shell's own complaint (`sh: psql: not found`) is not psql's: it stayed before the marker.
            const said = errText || cleanStderr(head);
            if (run?.cancelled && !run.sent) reject(new QueryNotRun());
            else if (end.kind === 'exit' && end.code === 0) resolve({ out: Buffer.concat(out).toString('utf8'), truncated });
            else if (truncated) resolve({ out: Buffer.concat(out).toString('utf8'), truncated });
            else reject(new Error(said ? (end.kind === 'exit' && end.code === 127 && !/psql/.test(said) ? `${said} (psql exited with code 127)` : said) : end.kind === 'exit' ? `psql exited with code ${end.code}` : end.message));
          },
        },
      ).then(
        (s) => {
          session = s;
          // The password on stdin (read by the script, never on a command line), then the marker.
          s.write(run ? `${t.password}\n\\warn ${this.marker}\n` : `${t.password}\n${input}\n\\q\n`);
        },
        (e: unknown) => {
          done();
          reject(run?.cancelled && !run.sent ? new QueryNotRun() : e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  async connect(): Promise<string> {
    this.refuseReadOnly();
    let r: { out: string; truncated: boolean };
    try {
      r = await this.exec('SELECT version();', 64 * 1024, this.app, { cancelled: false, sent: false, settled: false, abort: new AbortController(), stop: () => undefined });
    } catch (err) {
      if (err instanceof QueryNotRun || !(err instanceof Error) || !PSQL_CANNOT_RUN.test(err.message)) throw err;
      throw await this.explainPsql(err);
    }
    this.ok = true;
    return parseCsv(r.out)[1]?.[0] ?? 'PostgreSQL';
  }

  /**
   * psql could not run the fallback's command line: asks the container's psql for its version and
   * says what was found and what is needed (an old psql answers `--csv` with "unrecognized option").
   */
  private async explainPsql(err: Error): Promise<Error> {
    const t = this.target;
    const out = await new Promise<{ text: string; code: number | null }>((resolve) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), 30_000);
      const release = this.streams.open('exec');
      openExec(
        this.kc,
        { namespace: t.namespace, pod: t.pod, ...(t.container ? { container: t.container } : {}), command: ['sh', '-c', 'psql --version'], tty: false, signal: abort.signal },
        {
          output: (d) => {
            bytes += d.length;
            if (bytes <= 4096) chunks.push(d);
          },
          end: (end) => {
            clearTimeout(timer);
            release();
            resolve({ text: Buffer.concat(chunks).toString('utf8'), code: end.kind === 'exit' ? end.code : null });
          },
        },
      ).then(
        () => undefined,
        () => {
          clearTimeout(timer);
          release();
          resolve({ text: '', code: null });
        },
      );
    });
    const v = psqlVersion(out.text);
    const need = `the fallback over exec (port-forwarding is forbidden) needs psql ${PSQL_MIN_MAJOR} or newer in the container (for --csv)`;
    if (v && v.major < PSQL_MIN_MAJOR) return new Error(`psql ${v.text} in the container is too old: ${need}`);
    if (!v && (out.code === 127 || /not found|no such file/i.test(out.text))) return new Error(`no psql in the container: ${need}`);
    return err;
  }

  async run(sql: string, opts: RunOptions): Promise<ResultSet> {
    this.refuseReadOnly();
    const statements = splitStatements(sql);
    if (statements.length === 0) throw new Error('nothing to run: the editor holds no SQL statement');
    const last = statements.pop()!;
    const script = [...(statements.length ? ['\\o /dev/null', ...statements.map((s) => `${s};`), '\\o'] : []), `${last};`].join('\n');
    const started = Date.now();
    this.runs++;
    let stop!: (err: QueryNotRun) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    stopped.catch(() => undefined);
    const run: PsqlRun = { cancelled: false, sent: false, settled: false, abort: new AbortController(), stop, onSent: opts.onSent };
    this.current = run;
    let r: { out: string; truncated: boolean };
    try {
      const p = this.exec(script, opts.maxBytes, this.app, run);
      p.catch(() => undefined);
      r = await Promise.race([p, stopped]);
    } finally {
      run.settled = true;
      if (this.current === run) this.current = null;
    }
    const rows = parseCsvLenient(r.out);
    const header = rows.shift() ?? [];
    const result = new ResultSet(header.map((h) => ResultSet.column(h ?? '', 0, 'text')));
    result.add(rows.slice(0, Math.max(1, opts.rows) * 1000), opts.maxBytes);
    if (r.truncated) result.truncated = `psql's output passed ${Math.round(opts.maxBytes / (1024 * 1024))} MiB and was cut (the psql fallback has no cursor)`;
    result.command = header.length === 0 ? 'done' : null;
    result.earlier.push(...statements.map(() => 'done'));
    result.elapsedMs = Date.now() - started;
    return result;
  }

  async more(result: ResultSet): Promise<void> {
    result.more = false;
  }

  /**
   * Before psql has the SQL: the run ends at once and the SQL is never written. After: the run's
   * statement is cancelled with `pg_cancel_backend`, looked for again for a few seconds while it
   * has not started on the server yet (only an active statement of this pane's psql is cancelled).
   */
  async cancel(): Promise<string> {
    const run = this.current;
    if (run && !run.sent) {
      run.cancelled = true;
      run.stop(new QueryNotRun());
      run.abort.abort();
      return 'cancelled before the query reached the server: it did not run';
    }
    if (!run) return 'nothing runs: nothing to cancel';
    run.cancelled = true;
    const sql = `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = '${this.app}' AND state = 'active' AND pid <> pg_backend_pid();`;
    for (let i = 0; i < CANCEL_TRIES && !run.settled; i++) {
      const r = await this.exec(sql, 64 * 1024, `${this.app}-cancel`);
      if (parseCsvLenient(r.out).slice(1).some((row) => row[0] === 't')) return 'cancel sent (pg_cancel_backend)';
      await new Promise((resolve) => setTimeout(resolve, CANCEL_RETRY_MS));
    }
    return run.settled ? 'the query had ended' : 'the statement was not found on the server to cancel';
  }

  async schema(): Promise<SchemaColumn[]> {
    const r = await this.exec(`${SCHEMA_SQL};`, 8 * 1024 * 1024);
    return parseCsvLenient(r.out)
      .slice(1)
      .map((row) => ({ schema: row[0] ?? '', table: row[1] ?? '', column: row[2] ?? '', type: row[3] ?? '' }));
  }

  close(): void {
    this.ok = false;
    for (const a of this.aborts) a.abort();
    this.aborts.clear();
  }
}

/** CSV that may have been cut mid-row (the byte bound): the broken tail is dropped. */
function parseCsvLenient(text: string): Cell[][] {
  try {
    return parseCsv(text);
  } catch {
    const cut = text.lastIndexOf('\n');
    return cut > 0 ? parseCsvLenient(text.slice(0, cut + 1)) : [];
  }
}
