import { charWidth, clipToCells, keyText, stringWidth, type PaneCommand, type PaneView, type TermRun, type Viewport } from '@kubetile/rpc-schema';
import type { PaneGroup } from '../../keys/bindings.js';
import { QueryNotRun, type QueryBackend, type ServerError } from '../../query/backend.js';
import { complete, SchemaIndex } from '../../query/completion.js';
import { csvRow, toCsv } from '../../query/csv.js';
import { defaultExportPath, exportCsv, exportPathProblem } from '../../query/export-file.js';
import type { HistoryEntry, HistoryKey } from '../../query/history-store.js';
import type { ResultSet } from '../../query/result-set.js';
import type { SavedQuery } from '../../query/saved-queries.js';
import { formatBytes } from '../../util/bytes.js';
import { errorMessage } from '../../util/errors.js';
import { pastedLine } from '../../util/pasted-line.js';
import { BasePane } from '../base-pane.js';
import type { ClientPrompts, PaneContext } from '../pane.js';
import { cut, fullText } from './cell-format.js';
import { ConnectForm } from './connect-form.js';
import { EditorBuffer, MAX_EDITOR_CHARS } from './editor-buffer.js';
import { InputPopup, ListPopup } from './popups.js';
import { parseQueryArgs, type QueryArgs } from './query-args.js';
import { RecordView, type RecordLine } from './record-view.js';
import type { QueryServices } from './query-services.js';
import { columnWidths, keepInView, newCursor, renderTable, type TableCursor } from './results-view.js';
import { grouped } from '../../util/grouped.js';

/** The most text `Y` puts on the clipboard (OSC 52 is not for megabytes; E exports to a file). */
export const MAX_CLIPBOARD_BYTES = 1024 * 1024;
/** The longest line a paste types into the connection form, a dialog or a list's search. */
const MAX_PASTED_FIELD = 1000;

type Phase =
  | { kind: 'invalid'; message: string }
  | { kind: 'discovering' }
  | { kind: 'form' }
  | { kind: 'connecting' }
  | { kind: 'ready' };

type Popup =
  | { kind: 'list'; list: ListPopup<HistoryEntry> | ListPopup<SavedQuery> | ListPopup<{ text: string; detail: string }>; prefix?: string }
  | { kind: 'input'; input: InputPopup };

/** Default editor bindings, looked up in the live `[keybindings.query_editor]` group by name. */
type EditorAction = 'execute' | 'cancel' | 'browse_results' | 'history' | 'save_query' | 'open_saved' | 'autocomplete' | 'indent' | 'deindent';

/**
 * The query pane: KubeTile's PostgreSQL console on a pod. A connection dialog prefilled from the
 * container's env (Secrets and ConfigMaps included); a multi-line editor (insert mode); the result
 * table browsed by row and column (normal mode); history per pod and database, saved queries,
 * copy as CSV (OSC 52), export to a file, schema-aware completion. Everything draws into one
 * terminal-like view: editor, a rule with the result's state, the table (or a list), a status line.
 */
/** psql's backslash commands (`\dt`, `\d users`): the server answers them with a bare syntax error at "\". */
const PSQL_META = /^\\([a-zA-Z!?]+)\S*/;
/** What to run instead of the psql commands people reach for first. */
const PSQL_META_SQL: Readonly<Record<string, string>> = {
  dt: "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
  d: "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '…'",
  l: 'SELECT datname FROM pg_database',
  dn: 'SELECT nspname FROM pg_namespace',
  du: 'SELECT rolname FROM pg_roles',
};

export class QueryPane extends BasePane {
  private readonly a: QueryArgs | null;
  private phase: Phase;
  /** ctrl+r pressed while connecting: the editor's query runs once the connection is up. */
  private runWhenConnected = false;
  private readonly form = new ConnectForm();
  private readonly editor = new EditorBuffer();
  private backend: QueryBackend | null = null;
  private server = '';
  private database = '';
  private user = '';
  private schema = new SchemaIndex();
  private result: ResultSet | null = null;
  private widths: number[] = [];
  private cursor: TableCursor = newCursor();
  /** The last run's error, split once when taken (describeError bounds it): redraws use only what fits. */
  private error: ShownError | null = null;
  private running: { started: number; what: string } | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private status: { text: string; level: 'info' | 'ok' | 'warn' | 'error' } | null = null;
  private popup: Popup | null = null;
  private record: RecordView | null = null;
  /** Editing (insert mode) or browsing (normal mode), as the last key said. */
  private mode: 'edit' | 'browse' = 'edit';
  private size: Viewport = { cols: 100, rows: 30 };
  private editorTop = 0;
  private gone = false;
  /** Restored after a daemon restart and not connected since: entering insert mode connects. */
  private dormant = false;
  /** Insert mode was entered while the restored pane still read the pod's environment. */
  private connectWhenFilled = false;
  private keyCache: { snap: unknown; map: Map<string, EditorAction> } | null = null;

  constructor(
    private readonly ctx: PaneContext,
    private readonly services: QueryServices,
  ) {
    super('query', ctx);
    const parsed = parseQueryArgs(ctx.args, ctx.scope());
    if ('error' in parsed) {
      this.a = null;
      this.phase = { kind: 'invalid', message: parsed.error };
      return;
    }
    this.a = parsed;
    this.dormant = parsed.restored;
    if (parsed.sql) this.editor.setText(parsed.sql);
    this.phase = { kind: 'discovering' };
    void this.discover();
  }

  // ---- lifecycle --------------------------------------------------------------------------

  private async discover(): Promise<void> {
    const a = this.a!;
    try {
      const d = await this.services.discover({ context: a.context, namespace: a.namespace, pod: a.pod, ...(a.container !== undefined ? { container: a.container } : {}) });
      if (this.gone) return;
      this.form.fill(d, a);
    } catch (err) {
      if (this.gone) return;
      this.form.fill({ container: null, database: a.database ?? 'postgres', user: a.user ?? 'postgres', password: '', port: a.port ?? 5432, sources: {}, problems: [] }, a);
      this.form.problems = [`could not read the pod's environment: ${errorMessage(err)}`];
    }
    if (a.restored) this.form.error = 'The daemon restarted: the connection was closed. Enter connects again.';
    this.phase = { kind: 'form' };
    this.changed.emit();
    if (this.connectWhenFilled) {
      this.connectWhenFilled = false;
      void this.connect();
    }
  }

  /**
   * Insert mode was entered on this pane: a pane restored after a daemon restart connects at once
   * (the enter that enters insert mode is the enter its dialog asks for), as a dormant exec pane does.
   */
  enterInsert(size: Viewport | null): void {
    if (size) this.size = size;
    if (!this.dormant || this.gone) return;
    this.mode = 'edit';
    if (this.phase.kind === 'discovering') this.connectWhenFilled = true;
    else if (this.phase.kind === 'form') void this.connect();
  }

  private async connect(): Promise<void> {
    const a = this.a;
    if (!a) return;
    const v = this.form.checked();
    if ('error' in v) {
      this.form.error = v.error;
      this.changed.emit();
      return;
    }
    this.dormant = false;
    this.backend?.close();
    this.phase = { kind: 'connecting' };
    this.form.error = null;
    this.changed.emit();
    const backend = this.services.backend({ context: a.context, namespace: a.namespace, pod: a.pod, container: a.container ?? null, database: v.database, user: v.user, password: v.password, port: v.port });
    this.backend = backend;
    try {
      const version = await backend.connect();
      if (this.gone || this.backend !== backend) {
        backend.close();
        return;
      }
      this.server = version.split(' ').slice(0, 2).join(' ');
      this.database = v.database;
      this.user = v.user;
      this.phase = { kind: 'ready' };
      this.setStatus('ok', `Connected — ${this.server} (${backend.kind === 'pg' ? 'pg over a port-forward stream' : 'psql over exec'}${backend.readOnly ? '; read-only transactions: kubetile runs read-only' : ''})`);
      void this.loadSchema(backend);
      if (this.runWhenConnected) {
        this.runWhenConnected = false;
        this.execute();
      }
    } catch (err) {
      if (this.gone || this.backend !== backend) return;
      this.runWhenConnected = false;
      backend.close();
      this.backend = null;
      const e = describeError(err);
      this.form.error = `Connection failed: ${e.text}${e.cut ? `\n${e.cut}` : ''}`;
      this.phase = { kind: 'form' };
      this.form.field = /password/i.test(this.form.error) ? 2 : this.form.field;
    }
    this.changed.emit();
  }

  private async loadSchema(backend: QueryBackend): Promise<void> {
    try {
      const rows = await backend.schema();
      if (this.backend !== backend) return;
      this.schema = new SchemaIndex(rows);
    } catch (err) {
      this.ctx.logger.debug({ err: errorMessage(err) }, 'query schema for completion failed');
    }
  }

  private historyKey(): HistoryKey {
    const a = this.a!;
    return { context: a.context, namespace: a.namespace, pod: a.pod, database: this.database || this.form.values.database };
  }

  private setStatus(level: 'info' | 'ok' | 'warn' | 'error', text: string): void {
    this.status = { level, text };
    this.changed.emit();
  }

  // ---- running ----------------------------------------------------------------------------

  private execute(): void {
    if (this.phase.kind === 'connecting') {
      // Typed ahead: run once connected (it said "connect first" to a user who had, and the query was lost).
      this.runWhenConnected = true;
      this.setStatus('info', 'connecting…: the query runs once connected');
      return;
    }
    if (this.phase.kind !== 'ready' || !this.backend) {
      this.setStatus('warn', 'not connected: connect first (enter in the dialog)');
      return;
    }
    if (this.running) {
      this.setStatus('warn', 'a query is running: ctrl+c cancels it');
      return;
    }
    const sql = this.editor.text;
    if (sql.trim() === '') {
      this.setStatus('warn', 'the editor is empty');
      return;
    }
    // Typing drops it, but a saved query, a history entry or a pane's args may hold one: the server
    // would read the statement only up to it, and the bytes after it as the message's next fields.
    const nul = sql.indexOf('\u0000');
    if (nul >= 0) {
      const before = sql.slice(0, nul);
      const line = before.split('\n').length;
      this.setStatus('error', `the query holds a NUL character (line ${line}, column ${[...before.slice(before.lastIndexOf('\n') + 1)].length + 1}), which PostgreSQL cannot take: remove it; nothing was sent`);
      return;
    }
    const meta = PSQL_META.exec(sql.trimStart());
    if (meta) {
      this.setStatus('warn', `${meta[0]} is one of psql's own commands, not SQL: the pane sends SQL to the server${PSQL_META_SQL[meta[1]!] ? ` (for ${meta[0]}: ${PSQL_META_SQL[meta[1]!]})` : ''}`);
      return;
    }
    const backend = this.backend;
    const cfg = this.ctx.services.config().query;
    // "Starting" until the statement is on its way to the server (a connection, the completion
    // query before it), then "Executing": what ctrl+c does differs (it never runs / a server-side cancel).
    const running = { started: Date.now(), what: 'Starting' };
    this.running = running;
    this.error = null;
    this.record = null;
    // The last run's words ("the query failed", "1,500 rows so far (m fetches more)") are not this one's.
    this.status = this.result && this.result.columns.length > 0 ? { level: 'info', text: "the rows shown are the previous query's until this one answers" } : null;
    this.startTicker();
    this.changed.emit();
    const onSent = (): void => {
      if (this.running !== running || this.gone) return;
      running.what = 'Executing';
      this.changed.emit();
    };
    backend.run(sql, { rows: cfg.row_cap, maxBytes: cfg.max_result_bytes, onSent, cursorIdleMs: cfg.cursor_idle_seconds * 1000, onReleased: (r) => this.released(r) }).then(
      (result) => {
        if (this.gone) return;
        this.result = result;
        this.widths = columnWidths(result, cfg.max_column_width);
        this.cursor = newCursor();
        this.error = null;
        this.finishRun();
        const n = result.rows.length;
        this.setStatus(
          result.truncated ? 'warn' : 'ok',
          result.columns.length === 0
            ? `${[...result.earlier, result.command ?? 'done'].join(' · ')} (${result.elapsedMs} ms)`
            : // A cut result says so here: the table fills the body, leaving no row below it for the note.
              `${grouped(n)} row${n === 1 ? '' : 's'}${result.more ? ' so far (m fetches more)' : ''} in ${result.elapsedMs} ms${result.truncated ? ` — ${result.truncated}` : ''}${n >= 100 || result.bytes >= 64_000 ? ' · Y copies all · E exports to a file' : ''}`,
        );
        void this.services.history.add(this.historyKey(), sql).catch((err: unknown) => this.setStatus('warn', `history not saved: ${errorMessage(err)}`));
      },
      (err: unknown) => {
        if (this.gone) return;
        const e = describeError(err);
        this.error = shownError(e);
        this.finishRun();
        if (err instanceof QueryNotRun) {
          this.setStatus('info', 'cancelled (ctrl+c) before it reached the server');
          return;
        }
        // In history too, as psql keeps it: a query with a typo is the one to recall and fix.
        void this.services.history.add(this.historyKey(), sql).catch(() => undefined);
        const pos = (err as ServerError).position;
        if (pos !== undefined && Number(pos) > 0 && !/^statement \d+ of/.test(e.text)) this.editor.moveToPosition(Number(pos));
        this.setStatus('error', backend.connected ? 'the query failed (the connection is still open)' : 'the connection is gone: the next run reconnects');
      },
    );
  }

  private finishRun(): void {
    this.running = null;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private startTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = setInterval(() => this.changed.emit(), 1000);
    this.ticker.unref();
  }

  private cancel(): void {
    const backend = this.backend;
    if (this.phase.kind === 'connecting') {
      // The connection being opened is dropped; the dialog comes back as it was.
      backend?.close();
      this.backend = null;
      this.phase = { kind: 'form' };
      this.form.error = 'Connecting was cancelled (ctrl+c). Enter connects.';
      this.changed.emit();
      return;
    }
    if (!this.running || !backend) {
      this.setStatus('info', 'nothing runs: nothing to cancel');
      return;
    }
    this.setStatus('info', 'cancelling…');
    backend.cancel().then(
      (msg) => this.setStatus('info', msg),
      (err: unknown) => this.setStatus('error', `cancel failed: ${errorMessage(err)}`),
    );
  }

  /** The shown result's cursor was closed for being idle: the rows stay, the status line says the rest is gone. */
  private released(r: ResultSet): void {
    if (this.gone || this.result !== r || this.running || !r.released) return;
    this.setStatus('info', `${grouped(r.rows.length)} rows; ${r.released}`);
  }

  private more(): void {
    const r = this.result;
    const backend = this.backend;
    if (!r || !backend || !r.more) {
      this.setStatus('info', r?.released ?? r?.truncated ?? 'the whole result is shown: there are no more rows');
      return;
    }
    if (this.running) return;
    const cfg = this.ctx.services.config().query;
    this.running = { started: Date.now(), what: 'Fetching more rows' };
    this.startTicker();
    this.changed.emit();
    backend.more(r, cfg.row_cap, cfg.max_result_bytes).then(
      () => {
        this.widths = columnWidths(r, cfg.max_column_width);
        this.finishRun();
        this.setStatus('ok', `${grouped(r.rows.length)} rows${r.more ? ' so far (m fetches more)' : ' (all)'}${r.truncated ? ` — ${r.truncated}` : ''}`);
      },
      (err: unknown) => {
        this.finishRun();
        r.more = false;
        // The rows fetched so far stay in view: the error goes to the status line (its first line).
        const first = describeError(err).text.split('\n', 1)[0] ?? '';
        this.setStatus('error', `m failed: ${first} · the rows so far stay${backend.connected ? '' : ' · the next run reconnects'}`);
      },
    );
  }

  // ---- clipboard and export ---------------------------------------------------------------

  private copy(all: boolean): void {
    const r = this.result;
    if (!r || r.columns.length === 0 || r.rows.length === 0) {
      this.setStatus('warn', 'no rows to copy');
      return;
    }
    const text = all ? toCsv(r.columns.map((c) => c.name), r.rows) : `${csvRow(r.rows[this.cursor.row] ?? [])}\r\n`;
    if (Buffer.byteLength(text) > MAX_CLIPBOARD_BYTES) {
      this.setStatus('warn', `${Math.round(Buffer.byteLength(text) / 1024)} KiB is too much for the clipboard: E exports to a file`);
      return;
    }
    const n = this.services.clipboard(this.id, text);
    this.setStatus(n > 0 ? 'ok' : 'warn', n > 0 ? (all ? `copied ${r.rows.length} rows with the header as CSV` : `copied row ${this.cursor.row + 1} as CSV`) : 'no terminal is attached to take the clipboard');
  }

  private async exportFile(prompts: ClientPrompts | null): Promise<void> {
    const r = this.result;
    if (!r || r.columns.length === 0) {
      this.setStatus('warn', 'no result to export');
      return;
    }
    const suggested = defaultExportPath(this.a!.pod);
    const path = prompts ? await prompts.ask(`Export ${r.rows.length} rows as CSV to`, suggested, exportPathProblem) : null;
    if (path === null) return;
    try {
      const abs = await exportCsv(path, r.columns.map((c) => c.name), r.rows);
      // A file that is not the whole result says so: the byte bound stopped reading, or the rest was released.
      const partial = r.more
        ? ' (the rows fetched so far: m fetches more)'
        : r.truncated
          ? ` — not the whole result: it ${r.truncated}`
          : r.released
            ? ' — not the whole result: the rest was released before it was fetched (run the query again for more rows)'
            : '';
      const msg = `Exported ${r.rows.length} rows → ${abs}${partial}`;
      this.setStatus(partial && !r.more ? 'warn' : 'ok', msg);
      prompts?.toast(partial && !r.more ? 'warn' : 'success', msg);
    } catch (err) {
      this.setStatus('error', `export failed: ${errorMessage(err)}`);
    }
  }

  // ---- popups ---------------------------------------------------------------------------

  private async openHistory(): Promise<void> {
    if (!this.a) return;
    try {
      const items = await this.services.history.list(this.historyKey());
      const when = (ts: number): string => new Date(ts).toISOString().replace('T', ' ').slice(0, 19);
      this.popup = { kind: 'list', list: new ListPopup<HistoryEntry>('history', `History of ${this.a.pod}/${this.historyKey().database}`, items, (h) => ({ main: h.sql, detail: when(h.ts) })) };
    } catch (err) {
      this.setStatus('error', `history: ${errorMessage(err)}`);
    }
    this.changed.emit();
  }

  private async openSaved(): Promise<void> {
    try {
      const items = await this.services.saved.list();
      this.popup = { kind: 'list', list: new ListPopup<SavedQuery>('saved', 'Saved queries', items, (q) => ({ main: q.name, detail: q.sql }), (q) => q.name) };
    } catch (err) {
      this.setStatus('error', `saved queries: ${errorMessage(err)}`);
    }
    this.changed.emit();
  }

  private askSaveName(): void {
    if (this.editor.text.trim() === '') {
      this.setStatus('warn', 'the editor is empty: nothing to save');
      return;
    }
    this.popup = {
      kind: 'input',
      input: new InputPopup('Save the query as', '', (name) => {
        this.services.saved.save(name, this.editor.text).then(
          () => this.setStatus('ok', `saved as ${JSON.stringify(name.trim())}`),
          (err: unknown) => this.setStatus('error', `not saved: ${errorMessage(err)}`),
        );
      }),
    };
    this.changed.emit();
  }

  private autocomplete(): void {
    const c = complete(this.editor.beforeCursor(), this.editor.text, this.schema);
    if (c.items.length === 0) {
      this.popup = null;
      return;
    }
    this.popup = { kind: 'list', list: new ListPopup('completion', `Complete '${c.prefix}'`, c.items, (i) => ({ main: i.text, detail: i.detail })), prefix: c.prefix };
  }

  private listKey(key: string, p: Extract<Popup, { kind: 'list' }>): void {
    const list = p.list;
    if (list.renaming !== null) {
      if (key === 'esc') list.renaming = null;
      else if (key === 'enter') {
        const q = list.current() as SavedQuery | undefined;
        const to = list.renaming;
        list.renaming = null;
        if (q)
          void this.services.saved.rename(q.name, to).then(
            (items) => {
              (list as ListPopup<SavedQuery>).items = items;
              this.changed.emit();
            },
            (err: unknown) => {
              list.message = errorMessage(err);
              this.changed.emit();
            },
          );
      } else if (key === 'backspace') list.renaming = [...list.renaming].slice(0, -1).join('');
      else {
        const t = keyText(key);
        if (t !== null && list.renaming.length < 200) list.renaming += t;
      }
      return;
    }
    if (list.filtering) {
      if (key === 'esc') {
        list.filtering = false;
        list.filter = '';
      } else if (key === 'enter') list.filtering = false;
      else if (key === 'backspace') list.filter = [...list.filter].slice(0, -1).join('');
      else {
        const t = keyText(key);
        if (t !== null && list.filter.length < 100) list.filter += t;
      }
      list.selected = 0;
      return;
    }
    const completion = list.kind === 'completion';
    switch (key) {
      case 'esc':
        this.popup = null;
        return;
      case 'up':
      case 'ctrl+p':
        list.move(-1);
        return;
      case 'down':
      case 'ctrl+n':
        list.move(1);
        return;
      case 'tab':
      case 'enter': {
        if (completion && key === 'tab' && list.visible().length === 0) return;
        this.popup = null;
        const item = list.current();
        if (!item) return;
        if (completion) this.editor.replaceBefore(p.prefix ?? '', (item as { text: string }).text);
        else this.editor.setText((item as { sql: string }).sql);
        return;
      }
    }
    if (completion) {
      // Typing goes on in the editor; the list follows it and closes when nothing matches.
      this.popup = null;
      this.editKey(key);
      if (/^[\w$]$/.test(keyText(key) ?? '') || key === 'backspace') this.autocomplete();
      return;
    }
    if (key === 'j') list.move(1);
    else if (key === 'k') list.move(-1);
    else if (key === 'd') this.deleteListItem(list);
    else if (key === 'r' && list.kind === 'saved' && list.current()) list.renaming = (list.current() as SavedQuery).name;
    else if (key === '/' && list.kind === 'saved') list.filtering = true;
  }

  private deleteListItem(list: Extract<Popup, { kind: 'list' }>['list']): void {
    const item = list.current();
    if (!item) return;
    const done = (items: unknown[]): void => {
      (list as ListPopup<unknown>).items = items;
      list.selected = Math.min(list.selected, Math.max(0, list.visible().length - 1));
      this.changed.emit();
    };
    const fail = (err: unknown): void => {
      list.message = errorMessage(err);
      this.changed.emit();
    };
    if (list.kind === 'history') void this.services.history.remove(this.historyKey(), (list as ListPopup<HistoryEntry>).items.indexOf(item as HistoryEntry)).then(done, fail);
    else if (list.kind === 'saved') void this.services.saved.remove((item as SavedQuery).name).then(done, fail);
  }

  // ---- keys -----------------------------------------------------------------------------

  private editorKeys(): Map<string, EditorAction> {
    const snap = this.ctx.services.bindings();
    if (this.keyCache?.snap === snap) return this.keyCache.map;
    const map = new Map<string, EditorAction>();
    for (const b of snap.groups.find((g) => g.group === 'query_editor')?.bindings ?? []) for (const k of b.keys) map.set(k, b.name as EditorAction);
    this.keyCache = { snap, map };
    return map;
  }

  /** Insert mode: the dialog, a list, or the editor takes the key. */
  handleInput(key: string, size: Viewport | null): void {
    if (size) this.size = size;
    if (this.phase.kind === 'invalid') {
      this.ctx.requests.close();
      return;
    }
    this.mode = 'edit';
    if (this.phase.kind === 'form') this.formKey(key);
    else if (this.phase.kind === 'ready' || this.phase.kind === 'connecting') {
      if (this.popup?.kind === 'input') this.inputKey(key, this.popup.input);
      else if (this.popup?.kind === 'list') this.listKey(key, this.popup);
      else this.editKey(key);
    }
    this.changed.emit();
  }

  /**
   * A paste in insert mode: into the editor as it is (line breaks kept, nothing run); into the
   * connection form, a dialog or a list's search as one line, typed.
   */
  handlePaste(text: string, size: Viewport | null): string | null {
    if (size) this.size = size;
    if (this.phase.kind === 'invalid') return 'this query pane has no target to type for';
    const inEditor = (this.phase.kind === 'ready' || this.phase.kind === 'connecting') && !this.popup;
    if (inEditor) {
      this.mode = 'edit';
      if (!this.editor.insert(text)) return `the editor holds at most ${grouped(MAX_EDITOR_CHARS)} characters: ${grouped(text.length)} more do not fit`;
      this.changed.emit();
      return null;
    }
    const line = pastedLine(text);
    if (line.length > MAX_PASTED_FIELD) return `a field takes one line of at most ${grouped(MAX_PASTED_FIELD)} characters, not ${grouped(line.length)}`;
    this.typeText(line);
    return null;
  }

  /** Text typed key by key into the dialog, a popup or the editor (a line break is Enter). */
  private typeText(text: string): void {
    for (const ch of text) this.handleInput(ch === '\n' || ch === '\r' ? 'enter' : ch === ' ' ? 'space' : ch, null);
  }

  private formKey(key: string): void {
    const f = this.form;
    switch (key) {
      case 'enter':
        void this.connect();
        return;
      case 'esc':
        if (this.server !== '' && this.backend?.connected) this.phase = { kind: 'ready' };
        else this.ctx.requests.close();
        return;
      case 'tab':
      case 'down':
        f.next(1);
        return;
      case 'shift+tab':
      case 'up':
        f.next(-1);
        return;
      case 'backspace':
        f.backspace();
        return;
      case 'ctrl+u':
        f.clear();
        return;
    }
    const t = keyText(key);
    if (t !== null) f.type(t);
  }

  private inputKey(key: string, input: InputPopup): void {
    if (key === 'esc') this.popup = null;
    else if (key === 'enter') {
      this.popup = null;
      input.onSubmit(input.value);
    } else if (key === 'backspace') input.value = [...input.value].slice(0, -1).join('');
    else {
      const t = keyText(key);
      if (t !== null && input.value.length < 200) input.value += t;
    }
  }

  private editKey(key: string): void {
    const action = this.editorKeys().get(key);
    if (action) {
      this.editorAction(action);
      return;
    }
    const e = this.editor;
    switch (key) {
      case 'enter':
        if (!e.newline()) this.setStatus('warn', 'the editor is full');
        return;
      case 'backspace':
        e.backspace();
        return;
      case 'delete':
        e.delete();
        return;
      case 'left':
      case 'right':
      case 'up':
      case 'down':
      case 'home':
      case 'end':
        e.move(key);
        return;
      case 'ctrl+a':
        e.move('home');
        return;
      case 'ctrl+e':
        e.move('end');
        return;
      case 'ctrl+home':
        e.move('top');
        return;
      case 'ctrl+end':
        e.move('bottom');
        return;
      case 'ctrl+u':
        e.setText('');
        return;
    }
    const t = keyText(key);
    if (t !== null && !e.insert(t)) this.setStatus('warn', 'the editor is full (64 KiB)');
  }

  private editorAction(action: EditorAction): void {
    switch (action) {
      case 'execute':
        this.execute();
        return;
      case 'cancel':
        this.cancel();
        return;
      case 'browse_results':
        this.popup = null;
        this.mode = 'browse';
        this.services.setInsert(this.id, false);
        return;
      case 'history':
        void this.openHistory();
        return;
      case 'save_query':
        this.askSaveName();
        return;
      case 'open_saved':
        void this.openSaved();
        return;
      case 'autocomplete':
        this.autocomplete();
        return;
      case 'indent':
        this.editor.indent();
        return;
      case 'deindent':
        this.editor.deindent();
        return;
    }
  }

  bindingGroup(): PaneGroup {
    return 'query_browse';
  }

  /** Normal mode: the `[keybindings.query_browse]` group. */
  handleAction(name: string, prompts: ClientPrompts): void {
    if (this.phase.kind === 'invalid') return;
    this.mode = 'browse';
    switch (name) {
      case 'edit':
        this.record = null;
        this.mode = 'edit';
        this.services.setInsert(this.id, true);
        // `i`/enter on a restored pane: insert mode, and its dialog connects at once.
        this.enterInsert(null);
        break;
      case 'execute':
        this.execute();
        break;
      case 'cancel':
        this.cancel();
        break;
      case 'prev_column':
        this.cursor.col = Math.max(0, this.cursor.col - 1);
        break;
      case 'next_column':
        this.cursor.col = Math.min(Math.max(0, (this.result?.columns.length ?? 1) - 1), this.cursor.col + 1);
        break;
      case 'copy_row':
        this.copy(false);
        break;
      case 'copy_all':
        this.copy(true);
        break;
      case 'export':
        void this.exportFile(prompts);
        break;
      case 'more_rows':
        this.more();
        break;
      case 'record':
        this.openRecord();
        break;
      case 'history':
      case 'open_saved':
        this.mode = 'edit';
        this.services.setInsert(this.id, true);
        void (name === 'history' ? this.openHistory() : this.openSaved());
        break;
      case 'reconnect':
        this.backend?.close();
        this.phase = { kind: 'form' };
        this.form.error = null;
        this.mode = 'edit';
        this.services.setInsert(this.id, true);
        break;
    }
    this.changed.emit();
  }

  private openRecord(): void {
    const r = this.result;
    const row = r?.rows[this.cursor.row];
    if (!r || !row) return;
    const lines: RecordLine[] = [{ runs: [{ text: `Row ${this.cursor.row + 1} of ${r.rows.length}`, bold: true }] }];
    r.columns.forEach((c, i) => {
      const v = row[i] ?? null;
      lines.push({ runs: [{ text: `${c.name} `, bold: true }, { text: `(${c.typeName})`, dim: true }] });
      for (const l of fullText(v, c.kind)) lines.push({ value: l, dim: v === null });
    });
    this.record = new RecordView(lines);
  }

  handleCommand(cmd: PaneCommand): void {
    if (cmd.type === 'send_input') {
      // Scripts type into the dialog or the editor.
      this.typeText(cmd.text);
      return;
    }
    if (cmd.type === 'select' && (this.phase.kind === 'form' || this.phase.kind === 'ready')) {
      if (this.phase.kind === 'form') void this.connect();
      else this.execute();
      return;
    }
    this.mode = 'browse';
    const page = Math.max(1, this.tableHeight() - 1);
    if (this.record) {
      const rec = this.record;
      const step = cmd.type === 'select_next' || cmd.type === 'scroll_down' ? 1 : cmd.type === 'select_prev' || cmd.type === 'scroll_up' ? -1 : cmd.type === 'page_down' ? page : cmd.type === 'page_up' ? -page : 0;
      if (cmd.type === 'back') this.record = null;
      else rec.scroll(step);
      this.changed.emit();
      return;
    }
    const c = this.cursor;
    const n = this.result?.rows.length ?? 0;
    switch (cmd.type) {
      case 'select_next':
      case 'scroll_down':
        c.row = Math.min(n - 1, c.row + 1);
        break;
      case 'select_prev':
      case 'scroll_up':
        c.row = Math.max(0, c.row - 1);
        break;
      case 'page_down':
        c.row = Math.min(n - 1, c.row + page);
        break;
      case 'page_up':
        c.row = Math.max(0, c.row - page);
        break;
      case 'go_to_top':
        c.row = 0;
        break;
      case 'go_to_bottom':
        c.row = Math.max(0, n - 1);
        break;
      case 'scroll_left':
        c.col = Math.max(0, c.col - 1);
        break;
      case 'scroll_right':
        c.col = Math.min(Math.max(0, (this.result?.columns.length ?? 1) - 1), c.col + 1);
        break;
      case 'back':
        this.popup = null;
        break;
      default:
        return;
    }
    this.changed.emit();
  }

  // ---- view -----------------------------------------------------------------------------

  title(): string {
    return this.a ? `query ${this.a.namespace}/${this.a.pod}` : 'query';
  }

  alias(): string {
    return 'SQL';
  }

  persistState(): Record<string, unknown> {
    const sql = this.editor.text;
    return {
      restored: true,
      ...(sql.trim() !== '' && sql.length <= 16 * 1024 ? { sql } : {}),
      ...(this.database ? { database: this.database } : {}),
      ...(this.user ? { user: this.user } : {}),
    };
  }

  onResize(v: Viewport): void {
    this.size = v;
  }

  private editorHeight(rows: number): number {
    return Math.max(3, Math.min(10, Math.floor(rows / 3), Math.max(3, this.editor.lines.length)));
  }

  private tableHeight(): number {
    return Math.max(1, this.size.rows - this.editorHeight(this.size.rows) - 2);
  }

  view(viewport: Viewport): PaneView {
    this.size = viewport;
    const title = this.title();
    const { cols, rows } = viewport;
    if (this.phase.kind === 'invalid') return { type: 'message', title, level: 'error', text: this.phase.message, footer: 'esc closes the pane' };
    if (this.phase.kind === 'discovering') return { type: 'message', title, level: 'loading', text: `reading the environment of ${this.a!.namespace}/${this.a!.pod} for the connection…` };
    let cursor: { row: number; col: number } | null = null;
    if (this.phase.kind === 'form') {
      const out = this.form.render(`${this.a!.namespace}/${this.a!.pod}`, cols, (r, c) => {
        cursor = { row: r, col: c };
      });
      return this.terminal(title, out.slice(0, rows), cursor, `${this.a!.namespace}/${this.a!.pod}`);
    }
    const out: TermRun[][] = [];
    // Editor
    const eh = this.editorHeight(rows);
    const e = this.editor;
    if (e.row < this.editorTop) this.editorTop = e.row;
    if (e.row >= this.editorTop + eh) this.editorTop = e.row - eh + 1;
    this.editorTop = Math.max(0, Math.min(this.editorTop, Math.max(0, e.lines.length - eh)));
    // Scrolled sideways (in characters) so that what is before the cursor fits in cols - 2 cells.
    const cursorLine = [...(e.lines[e.row] ?? '')];
    let hscroll = e.col;
    for (let used = 0; hscroll > 0; hscroll--) {
      const w = charWidth(cursorLine[hscroll - 1]?.codePointAt(0) ?? 32);
      if (used + w > cols - 2) break;
      used += w;
    }
    for (let i = 0; i < eh; i++) {
      const line = e.lines[this.editorTop + i];
      if (line === undefined) {
        out.push(i === 0 && e.text === '' ? [{ text: 'type SQL here; ctrl+enter, ctrl+r or f5 runs it', dim: true }] : []);
        continue;
      }
      out.push([{ text: clipToCells([...line].slice(hscroll).join(''), cols) }]);
    }
    if (this.mode === 'edit' && !this.popup) cursor = { row: e.row - this.editorTop, col: stringWidth(cursorLine.slice(hscroll, e.col).join('')) };
    // Rule with the result's state
    out.push([{ text: cut(this.rule(cols), cols), dim: true }]);
    // Body: a popup, the record view, an error, the table
    const bh = Math.max(0, rows - eh - 2);
    out.push(...this.body(cols, bh, (r, c) => (cursor = { row: eh + 1 + r, col: c })).slice(0, bh));
    while (out.length < rows - 1) out.push([]);
    out.push(this.statusRow(cols));
    return this.terminal(title, out.slice(0, rows), cursor, this.badge());
  }

  private terminal(title: string, rows: TermRun[][], cursor: { row: number; col: number } | null, badge: string): PaneView {
    return { type: 'terminal', title, badge, rows: rows.map((r) => r.filter((x) => x.text !== '').map((x) => ({ ...x, text: x.text.slice(0, 8000) }))), cursor: cursor && cursor.row >= 0 && cursor.col >= 0 && cursor.col < 1000 && cursor.row < rows.length ? cursor : null, scrollback: 0, scrolled: 0 };
  }

  private badge(): string {
    const r = this.result;
    if (!r || r.columns.length === 0) return this.database ? `${this.user}@${this.database}` : '';
    return `${r.rows.length === 0 ? 0 : this.cursor.row + 1}/${r.rows.length}${r.more ? '+' : ''}`;
  }

  private rule(cols: number): string {
    let info: string;
    if (this.phase.kind === 'connecting') info = ' Connecting… ';
    else if (this.running) info = ` ${this.running.what}… ${((Date.now() - this.running.started) / 1000).toFixed(0)} s · ctrl+c cancels `;
    else if (this.error) info = ' ERROR ';
    else if (this.result) {
      const r = this.result;
      info = r.columns.length === 0 ? ` ${r.command ?? 'done'} ` : ` ${r.rows.length} row${r.rows.length === 1 ? '' : 's'}${r.more ? '+' : ''} · cols ${this.visibleCols(cols)} of ${r.columns.length} `;
    } else info = ' no result yet ';
    return `──${info}${'─'.repeat(Math.max(0, cols - info.length - 2))}`;
  }

  private visibleCols(cols: number): string {
    const r = this.result!;
    keepInView(this.cursor, r, this.widths, cols, this.tableHeight());
    const shown = renderTable(r, this.cursor, this.widths, cols, 1, false).shown;
    return `${shown[0]}–${shown[1]}`;
  }

  private body(cols: number, height: number, cursorAt: (row: number, col: number) => void): TermRun[][] {
    if (this.popup?.kind === 'list') return this.popup.list.render(cols, height);
    if (this.popup?.kind === 'input') {
      const rows = this.popup.input.render(cols);
      cursorAt(1, 2 + stringWidth(this.popup.input.value));
      return rows;
    }
    if (this.record) return this.record.lines(cols).slice(this.record.offset, this.record.offset + height);
    if (this.error) {
      // Only the lines there is room for; the last row says what was left out.
      const e = this.error;
      const room = Math.max(1, height);
      const all = e.lines.length + (e.cut ? 1 : 0);
      const lines = all <= room ? e.lines : e.lines.slice(0, room - 1);
      const note = all <= room ? e.cut : (e.cut ?? `… ${grouped(e.lines.length - lines.length)} more lines`);
      const out: TermRun[][] = lines.map((l) => [{ text: l, fg: 1 }]);
      if (note) out.push([{ text: note, fg: 1, dim: true }]);
      return out;
    }
    const r = this.result;
    if (!r) return [[{ text: 'Results appear here. In normal mode (esc): j/k rows, h/l columns, y/Y copy as CSV, E exports, m fetches more, v shows a row.', dim: true }]];
    if (r.columns.length === 0) {
      const out: TermRun[][] = [[{ text: [...r.earlier, r.command ?? 'done'].join(' · ') }]];
      for (const n of r.notices) out.push([{ text: n, fg: 3 }]);
      return out;
    }
    keepInView(this.cursor, r, this.widths, cols, height);
    const t = renderTable(r, this.cursor, this.widths, cols, height, this.mode === 'browse');
    const out = t.rows;
    if (r.rows.length === 0 && height > 1) out.push([{ text: '(no rows)', dim: true }]);
    if (r.truncated && out.length < height) out.push([{ text: r.truncated, fg: 3 }]);
    for (const n of r.notices) if (out.length < height) out.push([{ text: n, fg: 3 }]);
    return out;
  }

  private statusRow(cols: number): TermRun[] {
    const s = this.status;
    const conn = this.phase.kind === 'ready' ? `${this.user}@${this.database} · ${this.server}` : this.phase.kind;
    const colInfo = this.result && this.mode === 'browse' && this.result.columns[this.cursor.col] ? ` · ${this.result.columns[this.cursor.col]!.name} (${this.result.columns[this.cursor.col]!.typeName})` : '';
    const hint = this.mode === 'edit' ? 'ctrl+enter/ctrl+r/f5 run · ctrl+space complete · ctrl+p history · ctrl+s save · ctrl+o saved · esc browse' : 'i edit · j/k h/l move · y/Y copy · E export · m more · v row · ctrl+c cancel';
    const left = s ? s.text : conn;
    const fg = s?.level === 'error' ? 1 : s?.level === 'warn' ? 3 : s?.level === 'ok' ? 2 : undefined;
    const text = cut(`${left}${colInfo}`, cols);
    const rest = cols - stringWidth(text) - 3;
    return [{ text, ...(fg !== undefined ? { fg } : {}) }, ...(rest > 10 ? [{ text: ` · ${cut(hint, rest)}`, dim: true }] : [])];
  }

  shutdown(): void {
    this.backend?.close();
  }

  /**
   * A statement still running on the server: closing the pane (or switching it to another view)
   * ends its connection, and PostgreSQL rolls the statement back, so close_pane asks first.
   */
  liveWork(): string | null {
    return this.running?.what === 'Executing' && this.a ? `a query is still running on ${this.a.namespace}/${this.a.pod}` : null;
  }

  override dispose(): void {
    if (this.gone) return;
    this.gone = true;
    this.finishRun();
    this.backend?.close();
    this.backend = null;
    super.dispose();
  }
}

/** The most lines of an error the pane keeps (a RAISE EXCEPTION may have millions). */
export const MAX_ERROR_LINES = 200;
/** The most characters of an error the pane keeps. */
export const MAX_ERROR_CHARS = 64 * 1024;

/** An error as the pane keeps it: its (bounded) lines, and what was cut, if anything. */
interface ShownError {
  lines: string[];
  code?: string;
  cut: string | null;
}

function shownError(e: { text: string; code?: string; cut?: string }): ShownError {
  return { lines: e.text.split('\n'), ...(e.code !== undefined ? { code: e.code } : {}), cut: e.cut ?? null };
}

/**
 * A driver or server error as the pane shows it: `ERROR: … (SQLSTATE)`, the detail and hint; cut
 * (boundedError) to what the pane keeps, with `cut` saying what was left out.
 */
export function describeError(err: unknown): { text: string; code?: string; cut?: string } {
  const e = err as ServerError & { severity?: string };
  const msg = errorMessage(err);
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    const lines = [`${e.severity ?? 'ERROR'}: ${msg} (SQLSTATE ${e.code})`];
    if (e.detail) lines.push(`DETAIL: ${e.detail}`);
    if (e.hint) lines.push(`HINT: ${e.hint}`);
    if (e.position) lines.push(`at character ${e.position}`);
    return { ...boundedError(lines.join('\n')), code: e.code };
  }
  return boundedError(msg);
}

/**
 * An error's text cut once, when the pane takes it, to MAX_ERROR_LINES lines and MAX_ERROR_CHARS
 * characters, with `cut` saying how much there was: every redraw (each key, each resize, for
 * each client) works on this, never on the whole message (up to [query] max_result_bytes).
 */
export function boundedError(text: string): { text: string; cut?: string } {
  let end = 0;
  for (let count = 0; count < MAX_ERROR_LINES && end <= MAX_ERROR_CHARS; count++) {
    const nl = text.indexOf('\n', end);
    if (nl < 0) {
      end = text.length;
      break;
    }
    end = nl + 1;
  }
  end = Math.min(end, MAX_ERROR_CHARS);
  if (end >= text.length) return { text };
  const high = text.charCodeAt(end - 1);
  if (high >= 0xd800 && high <= 0xdbff) end--;
  // A copy, not a slice: V8's slice of a long string keeps the whole string alive.
  const kept = Buffer.from(text.slice(0, end).replace(/\n$/, ''), 'utf8').toString('utf8');
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  const shown = kept.split('\n').length;
  return { text: kept, cut: `… (the error was cut: it had ${grouped(lines)} line${lines === 1 ? '' : 's'}, ${formatBytes(Buffer.byteLength(text))}; the first ${grouped(shown)} are kept)` };
}
