import type { Requests, SessionLayout } from '@kubetile/rpc-schema';
import { ErrorCodes, MAX_PASTE_CHARS, PRODUCT_VERSION } from '@kubetile/rpc-schema/light';
import type { Size, Store } from '../tui/store.js';
import type { Contract } from './contract.js';
import { ApiMismatchError, ConnectionLostError, DaemonClient, DaemonUnreachableError, RpcError } from './daemon-client.js';
import { retryUntil } from './reconnect.js';
import { withKeptRows } from '../tui/kept-rows.js';

/** How an attached session ended. */
export type SessionEnd =
  | { kind: 'detached'; session: string }
  | { kind: 'server-exited'; reason: string }
  | { kind: 'quit'; session: string }
  /** The session was ended (session/kill, `kubetile kill-session`): tmux's `[exited]`. */
  | { kind: 'session-ended'; session: string; reason: string }
  /** The daemon came back at an API level this client does not speak (the message says both versions and what to do). */
  | { kind: 'incompatible'; message: string };

export interface AttachedClientOptions {
  socket: string;
  /** Session to attach to (the daemon's default when omitted). */
  session?: string;
  store: Store;
  /** Opens a connection that has said hello (injectable for tests). */
  connect?: (socket: string) => Promise<DaemonClient>;
  writeClipboard?: (text: string) => void;
  /** The daemon asks for `text` to be edited in this terminal's editor (editor/open); answer with `editorDone`. */
  openEditor?: (editId: string, file: string, text: string) => void;
  log?: (message: string) => void;
  /** Delay between reconnect attempts. */
  retryMs?: number;
  /** A key unanswered this long lets ctrl+q leave locally (default 2 s). */
  stallMs?: number;
  /** How what the daemon sends is checked (default: the zod schemas); see `useContract`. */
  contract?: Contract;
}

/** Keys that leave the client when the daemon is not there to map them. */
const OFFLINE_QUIT_KEYS = new Set(['ctrl+q', 'ctrl+c']);
/** A key answer slower than this means the daemon is stuck. */
const STALL_MS = 2000;
/** Keys sent ahead of their answers (the daemon serves at most 32 requests at once per connection). */
const KEY_WINDOW = 16;
/**
 * Keys waiting to be sent, at most: a paste into a terminal without bracketed paste arrives as that
 * many keys at once (5 MB kept the daemon and this client busy for over a quarter of an hour, one
 * key at a time); past this the rest are dropped, and the toast says how many.
 */
const MAX_QUEUED_KEYS = 4096;
const DROP_REPORT_MS = 250;
/** `client/key` results whose command the client carries out itself. */
const DETACH_COMMANDS = new Set(['detach', 'quit']);

/** What waits to be sent: a key, or a bracketed paste (sent whole, in order with the keys). */
type Input = { key: string; seen: number | undefined } | { paste: string };

const describe = (e: unknown): string =>
  e instanceof DaemonUnreachableError ? e.reason : e instanceof RpcError ? `error ${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);

/**
 * One terminal's attachment to a daemon session: keeps the store in step with the daemon's
 * notifications, sends keys in order and resizes, and reconnects after an unexpected drop.
 * `done` settles when the client should leave (detach, daemon exit, quit while offline).
 */
export class AttachedClient {
  readonly done: Promise<SessionEnd>;
  private resolveDone!: (end: SessionEnd) => void;
  private client: DaemonClient | null = null;
  private ended = false;
  private sessionName: string | undefined;
  private readonly keys: Input[] = [];
  /** The number of the last layout received from this connection's daemon (SessionLayout.seq). */
  private layoutSeq: number | undefined = undefined;
  /** Keys dropped in the burst being reported (MAX_QUEUED_KEYS). */
  private droppedKeys = 0;
  /** Keys sent and not answered yet, oldest first. */
  private readonly inFlight: Array<{ at: number }> = [];
  private detaching = false;
  /** When the key now waiting for its answer was sent (null when none is). */
  private keySentAt: number | null = null;
  private resizeInFlight = false;
  private resizePending = false;
  private readonly abort = new AbortController();
  private readonly connectFn: (socket: string) => Promise<DaemonClient>;
  private readonly log: (message: string) => void;
  private contract: Contract | undefined;

  constructor(private readonly opts: AttachedClientOptions) {
    this.done = new Promise((r) => (this.resolveDone = r));
    this.sessionName = opts.session;
    this.log = opts.log ?? (() => {});
    this.contract = opts.contract;
    this.connectFn =
      opts.connect ?? ((socket) => DaemonClient.connect(socket, { log: this.log, ...(this.contract ? { contract: this.contract } : {}) }));
  }

  /** Checks what the daemon sends with `contract` from now on, on this connection and the next ones. */
  useContract(contract: Contract): void {
    this.contract = contract;
    this.client?.useContract(contract);
  }

  get session(): string | undefined {
    return this.sessionName;
  }

  get connected(): boolean {
    return this.client !== null && !this.client.closed;
  }

  /** First connection and attach; throws (DaemonUnreachableError, RpcError) when it fails. */
  async start(): Promise<SessionLayout> {
    return this.attach(await this.connectFn(this.opts.socket));
  }

  private async attach(client: DaemonClient): Promise<SessionLayout> {
    const { store } = this.opts;
    let layoutSeen = false;
    this.layoutSeq = undefined;
    client.on('layout', (l) => {
      if (this.client !== client) return;
      layoutSeen = true;
      // Numbered by daemons that check what a key had seen (older ones number none: no `seen` is sent).
      if (l.seq !== undefined) this.layoutSeq = l.seq;
      store.setLayout(l);
    });
    client.on('paneView', (v) => {
      if (this.client !== client) return;
      const view = withKeptRows(store.getState().views.get(v.paneId), v.view);
      if (typeof view === 'string') this.unreadable(client, 'pane/view', v, view);
      else store.applyView(v.paneId, v.seq, view);
    });
    client.on('toast', (t) => store.pushToast(t.level, t.text));
    client.onInvalid((method, params, message) => {
      if (this.client === client) this.unreadable(client, method, params, message);
    });
    client.on('pluginStatus', (p) => {
      if (p.error) store.pushToast('error', `plugin ${p.key}: ${p.error}`);
    });
    client.on('clipboard', (c) => this.opts.writeClipboard?.(c.text));
    client.on('editorOpen', (e) => {
      if (this.client === client) this.opts.openEditor?.(e.editId, e.file, e.text);
    });
    client.on('sessionEnded', (e) => {
      if (this.client !== client) return;
      this.finish({ kind: 'session-ended', session: e.session, reason: e.reason });
    });
    client.on('exit', (e) => {
      if (this.client !== client) return;
      if (e.restarting) {
        // `kubetile daemon restart`: the next daemon brings the session back; wait for it.
        this.dropped(client, `daemon ${e.reason}`);
        client.close('daemon restarting');
        return;
      }
      store.setConn({ state: 'exited', reason: e.reason });
      this.finish({ kind: 'server-exited', reason: e.reason });
      client.close('daemon exited');
    });
    this.client = client;
    store.resetViews();
    const sentSize = store.getState().size;
    try {
      const params = { ...(this.sessionName ? { session: this.sessionName } : {}), size: sentSize };
      // Tables whose rows did not change come as the rest of the view (withKeptRows). A daemon of
      // this API level from before `sameRows` refuses the field (it refuses any it does not know):
      // it is asked again without it, and sends whole views.
      const res = await client.request<typeof Requests.attach>('session/attach', { ...params, sameRows: true }).catch((e: unknown) => {
        if (e instanceof RpcError && e.code === ErrorCodes.InvalidParams && e.message.includes('sameRows')) {
          return client.request<typeof Requests.attach>('session/attach', params);
        }
        throw e;
      });
      this.sessionName = res.layout.session;
      if (!layoutSeen) store.setLayout(res.layout);
      store.setConn({ state: 'connected' });
      client.onClose((reason) => this.dropped(client, reason));
      // The terminal may have changed size while we were attaching.
      const size = store.getState().size;
      if (size.cols !== sentSize.cols || size.rows !== sentSize.rows) this.sendResize();
      return res.layout;
    } catch (e) {
      this.client = null;
      client.close();
      throw e;
    }
  }

  /**
   * Something the daemon sent that this build cannot read (a daemon of another version: a view type
   * it does not know, a field missing). It was dropped; the user is told on screen, not only in the
   * client log: the pane it was for says so (it showed its last view, or "loading", for good), any
   * other in a toast.
   */
  private unreadable(client: DaemonClient, method: string, params: unknown, message: string): void {
    const daemon = client.hello ? `the daemon (kubetile ${client.hello.server.version})` : 'the daemon';
    const what = `${daemon} sent ${method === 'pane/view' ? 'a view' : `a ${method}`} this kubetile ${PRODUCT_VERSION} cannot read (${message.slice(0, 300)})`;
    const fix = `'kubetile daemon restart' runs this version`;
    const p = typeof params === 'object' && params !== null ? (params as { paneId?: unknown; seq?: unknown }) : {};
    if (method === 'pane/view' && Number.isSafeInteger(p.paneId)) {
      const state = this.opts.store.getState();
      const seq = Number.isSafeInteger(p.seq) ? (p.seq as number) : (state.views.get(p.paneId as number)?.seq ?? 0);
      const title = state.layout?.paneTitles[String(p.paneId)] ?? 'kubetile';
      this.opts.store.applyView(p.paneId as number, seq, { type: 'message', title, level: 'error', text: `${what}; ${fix}` });
      return;
    }
    this.opts.store.pushToast('error', `${what}: ${fix}`);
  }

  private dropped(client: DaemonClient, reason: string): void {
    if (this.client !== client || this.ended) return;
    this.client = null;
    this.keys.length = 0;
    const { store } = this.opts;
    store.setConn({ state: 'reconnecting', reason, attempts: 0 });
    void retryUntil(
      async (n) => {
        store.setConn({ state: 'reconnecting', reason, attempts: n });
        const c = await this.connectFn(this.opts.socket);
        if (this.ended) {
          c.close();
          return null;
        }
        return this.attach(c);
      },
      {
        intervalMs: this.opts.retryMs ?? 500,
        signal: this.abort.signal,
        onFailure: (e, n) => {
          // A daemon of another version took over the socket: retrying cannot help; say so and leave.
          if (e instanceof ApiMismatchError) {
            store.setConn({ state: 'exited', reason: e.message });
            this.finish({ kind: 'incompatible', message: e.message });
            return;
          }
          if (!(e instanceof DaemonUnreachableError)) this.log(`reconnect attempt ${n}: ${describe(e)}`);
        },
      },
    );
  }

  /**
   * A key pressed in the terminal: sent in order; carried out locally only when the daemon is not
   * there to map it (offline, or not answering a key for STALL_MS: ctrl+q still gets you out).
   */
  key(key: string): void {
    if (this.ended) return;
    const stalled = this.keySentAt !== null && Date.now() - this.keySentAt > (this.opts.stallMs ?? STALL_MS);
    if (!this.connected || stalled) {
      if (OFFLINE_QUIT_KEYS.has(key)) {
        this.quit();
        return;
      }
      if (!this.connected) return;
    }
    // ctrl+q still gets in line behind a burst: the way out is never dropped.
    if (this.keys.length >= MAX_QUEUED_KEYS && !OFFLINE_QUIT_KEYS.has(key)) {
      // One toast a burst: the keys dropped within DROP_REPORT_MS of the first.
      if (this.droppedKeys++ === 0) setTimeout(() => this.sayDropped(), DROP_REPORT_MS).unref();
      return;
    }
    // The layout on screen as the key is typed: a dialog that reaches the terminal after it is not answered by it.
    this.keys.push({ key, seen: this.layoutSeq });
    this.pump();
  }

  /**
   * A bracketed paste: sent as one `client/paste`, after the keys before it (the daemon puts it
   * where typing goes, or says why not). One too long for a message is not sent, and the toast says so.
   */
  paste(p: { text: string } | { tooLong: number }): void {
    if (this.ended || !this.connected) return;
    if ('tooLong' in p || p.text.length > MAX_PASTE_CHARS) {
      const n = 'tooLong' in p ? p.tooLong : p.text.length;
      this.opts.store.pushToast('warn', `paste not sent: ${n.toLocaleString('en-US')} characters, more than the ${MAX_PASTE_CHARS.toLocaleString('en-US')} one paste may carry`);
      return;
    }
    if (this.keys.length >= MAX_QUEUED_KEYS) {
      this.opts.store.pushToast('warn', 'paste not sent: too many keys are still waiting to be sent');
      return;
    }
    this.keys.push({ paste: p.text });
    this.pump();
  }

  private sayDropped(): void {
    const n = this.droppedKeys;
    this.droppedKeys = 0;
    this.opts.store.pushToast('warn', `${n.toLocaleString('en-US')} key${n === 1 ? '' : 's'} dropped: more came at once than ${MAX_QUEUED_KEYS.toLocaleString('en-US')} can wait (a paste the terminal did not mark as one?)`);
  }

  /**
   * Sends queued keys without waiting for each answer (a held key never waits a round trip per
   * repeat), at most KEY_WINDOW in flight; the daemon handles them in order. The oldest unanswered
   * key dates the stall check; an answer that says "detach" drops the keys behind it.
   */
  private pump(): void {
    while (this.keys.length > 0 && this.inFlight.length < KEY_WINDOW && !this.ended && !this.detaching) {
      const client = this.client;
      if (!client) {
        this.keys.length = 0;
        return;
      }
      const input = this.keys.shift()!;
      const sent = { at: Date.now() };
      this.inFlight.push(sent);
      this.keySentAt = this.inFlight[0]!.at;
      const what = 'key' in input ? input.key : 'paste';
      const request =
        'key' in input
          ? client.request<typeof Requests.key>('client/key', input.seen !== undefined ? { key: input.key, seen: input.seen } : { key: input.key })
          : client.request<typeof Requests.paste>('client/paste', { text: input.paste });
      request
        .then(
          (res) => {
            if (res.command && DETACH_COMMANDS.has(res.command) && !this.detaching) {
              this.detaching = true;
              this.keys.length = 0;
              void this.detach();
            }
          },
          (e: unknown) => {
            if (e instanceof ConnectionLostError) {
              this.keys.length = 0;
              return;
            }
            if (this.detaching) return;
            this.log(`${'key' in input ? 'client/key' : 'client/paste'} ${what}: ${describe(e)}`);
            if (e instanceof RpcError && e.code === ErrorCodes.MethodNotFound && !('key' in input)) {
              this.opts.store.pushToast('warn', 'paste not taken: this daemon is older than this client and takes no pastes (kubetile daemon restart runs this version)');
            } else if (e instanceof RpcError) this.opts.store.pushToast('error', `${what}: ${e.message}`);
          },
        )
        .finally(() => {
          this.inFlight.splice(this.inFlight.indexOf(sent), 1);
          this.keySentAt = this.inFlight[0]?.at ?? null;
          this.pump();
        });
    }
  }

  /** The terminal's new size: stored at once, sent to the daemon (coalesced). */
  resize(size: Size): void {
    this.opts.store.setSize(size);
    this.sendResize();
  }

  private sendResize(): void {
    const client = this.client;
    if (!client || this.ended) return;
    if (this.resizeInFlight) {
      this.resizePending = true;
      return;
    }
    this.resizeInFlight = true;
    this.resizePending = false;
    client
      .request<typeof Requests.resize>('client/resize', this.opts.store.getState().size)
      .catch((e: unknown) => {
        if (!(e instanceof ConnectionLostError)) this.log(`client/resize: ${describe(e)}`);
      })
      .finally(() => {
        this.resizeInFlight = false;
        if (this.resizePending) this.sendResize();
      });
  }

  /**
   * What the editor of `editId` returned (text null: it did not run, `error` says why). Rejects
   * when the daemon did not take it (the connection dropped, the edit is no longer open).
   */
  async editorDone(editId: string, text: string | null, error?: string): Promise<void> {
    const client = this.client;
    if (!client || client.closed || this.ended) throw new ConnectionLostError('not connected to the daemon');
    await client.request<typeof Requests.editorDone>('editor/done', { editId, text, ...(error !== undefined ? { error: error.slice(0, 1000) } : {}) });
  }

  /** Detaches from the session (the daemon and its panes live on) and ends. */
  async detach(): Promise<void> {
    const client = this.client;
    if (client && !client.closed) {
      await Promise.race([client.request<typeof Requests.detach>('session/detach', {}).catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
    }
    this.finish({ kind: 'detached', session: this.sessionName ?? 'main' });
  }

  /** Leaves without the daemon (offline). */
  quit(): void {
    this.finish({ kind: 'quit', session: this.sessionName ?? 'main' });
  }

  private finish(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.abort.abort();
    const c = this.client;
    this.client = null;
    c?.close('client leaving');
    this.resolveDone(end);
  }

  /** Ends without ceremony (signals, errors). */
  dispose(): void {
    this.quit();
  }
}
