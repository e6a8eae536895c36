import type { KubeConfig } from '../../kube/kubeconfig.js';
import type { PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import { MAX_PENDING_STDIN_BYTES, openExec, type ExecSession } from '../../kube/exec/exec-session.js';
import { printable, type ExecEnd } from '../../kube/exec/exec-status.js';
import { errorMessage } from '../../util/errors.js';
import { BasePane } from '../base-pane.js';
import type { PaneContext } from '../pane.js';
import type { PaneGroup } from '../../keys/bindings.js';
import { parseExecArgs, type ExecTargetArgs } from './exec-args.js';
import { podFate } from './pod-fate.js';
import { keyBytes } from './key-bytes.js';
import { shellCommand } from './shell-command.js';
import { TerminalScreen } from './terminal-screen.js';
import { grouped } from '../../util/grouped.js';

/** The terminal size before any client has typed or opened it with its own. */
export const DEFAULT_SIZE: Viewport = { cols: 80, rows: 24 };
/** Keys typed while the connection is being made are kept (up to this many bytes) and sent once it is up. */
const EARLY_INPUT_MAX_BYTES = 4096;
/**
 * Terminals typing in turn: the remote terminal takes the size of the one that typed last once the
 * size has not changed for this long (a resize reflows the whole scrollback: per key, two typists
 * of different sizes took ~20 ms a key with 5,000 lines, ~0.5 s with 100,000). A change after a
 * quiet spell is made at once. tmux, whose `latest` policy this is, likewise sends a program at
 * most one resize per 250 ms.
 */
export const RESIZE_SETTLE_MS = 250;

type State =
  /** Restored after a daemon restart: the old shell is gone; a key starts a new one. */
  | { kind: 'dormant' }
  | { kind: 'connecting' }
  | { kind: 'running' }
  | { kind: 'exited'; code: number }
  | { kind: 'failed'; message: string };

export interface ExecPaneHooks {
  /** The pane is going away (closed, replaced, its tab closed). */
  disposing?(paneId: number): void;
}

/**
 * A shell in a container: the exec stream through the API server with a TTY, its screen emulated
 * here so every client shows the same one (scrollback included, for clients that attach later).
 * Insert mode types into it (handleInput, with the typing client's size: the remote terminal
 * follows the client that typed last); normal mode scrolls its scrollback.
 */
export class ExecPane extends BasePane {
  private readonly target: ExecTargetArgs | null;
  private state: State;
  private screen: TerminalScreen | null = null;
  private session: ExecSession | null = null;
  /** The terminal's size (the emulator's and the remote one's). */
  private size: Viewport | null = null;
  /** The size of the terminal that typed last, while the change to it waits (RESIZE_SETTLE_MS). */
  private wanted: Viewport | null = null;
  /** When the wanted size last changed or the last resize ended. */
  private wantedAt = 0;
  private resizeTimer: NodeJS.Timeout | null = null;
  private started = false;
  private gone = false;
  private readonly abort = new AbortController();
  private early: string[] = [];
  /** Answers to queries not sent yet (see start). */
  private replies: string[] = [];
  private earlyBytes = 0;
  /** Keys are being refused (the shell has not read MAX_PENDING_STDIN_BYTES sent to it): said once, until one goes through. */
  private refusing = false;
  /** Keys typed while connecting went past EARLY_INPUT_MAX_BYTES: said once per connection. */
  private droppingEarly = false;
  /** When the connection for the shell was started (a pod created after it is not the shell's). */
  private connectedAt = 0;
  /** Why the shell died, once the API server has said (its pod deleted), for the footer. */
  private endCause: string | null = null;

  constructor(
    private readonly ctx: PaneContext,
    private readonly hooks: ExecPaneHooks = {},
  ) {
    super('exec', ctx);
    const parsed = parseExecArgs(ctx.args, ctx.scope());
    if ('error' in parsed) {
      this.target = null;
      this.state = { kind: 'failed', message: parsed.error };
      this.started = true;
    } else if (ctx.args.restored === true) {
      // A session brought back after a restart never starts shells in the cluster by itself.
      this.target = parsed;
      this.state = { kind: 'dormant' };
    } else {
      this.target = parsed;
      this.state = { kind: 'connecting' };
      // The opener may set the size or a failure first (same tick); then the connection starts.
      setImmediate(() => this.start());
    }
  }

  /** Saved with the session: after a restart the pane waits for a key instead of starting a shell. */
  persistState(): Record<string, unknown> {
    return { restored: true };
  }

  /** The terminal size to open with (the opening client's pane), before the connection starts. */
  setInitialSize(size: Viewport | null): void {
    if (size && !this.started) this.size = clampSize(size);
  }

  /** Shows why no shell can start here (pod gone, container not running) instead of connecting. */
  failBeforeStart(message: string): void {
    if (this.started) return;
    this.started = true;
    this.state = { kind: 'failed', message };
    this.changed.emit();
  }

  get ended(): boolean {
    return this.state.kind === 'exited' || this.state.kind === 'failed';
  }

  liveWork(): string | null {
    return this.state.kind === 'running' ? `the shell in ${this.title().replace(/^exec /, '')} is still running` : null;
  }

  private start(): void {
    if (this.started || this.gone || !this.target) return;
    this.started = true;
    const t = this.target;
    const size = this.size ?? DEFAULT_SIZE;
    this.size = size;
    const cfg = this.ctx.services.config().exec;
    this.screen = new TerminalScreen(size.cols, size.rows, cfg.scrollback, {
      changed: () => this.changed.emit(),
      // Answers to the program's queries (cursor position, device attributes) go out together once
      // the output being parsed is done: a program printing `ESC [ 6 n` a thousand times made a
      // thousand stdin frames, ~4 µs each to send and one each for the API server to relay.
      reply: (data) => {
        if (this.state.kind !== 'running') return;
        if (this.replies.push(data) === 1) queueMicrotask(() => this.sendReplies());
      },
      backpressure: (paused) => (paused ? this.session?.pause() : this.session?.resume()),
    });
    const release = this.ctx.services.streams.open('exec');
    let kc: KubeConfig;
    try {
      kc = this.ctx.services.kube.configFor(t.context);
    } catch (err) {
      release();
      this.fail(errorMessage(err));
      return;
    }
    this.ctx.logger.info({ namespace: t.namespace, pod: t.pod, container: t.container }, 'exec starting');
    this.connectedAt = Date.now();
    openExec(
      kc,
      { namespace: t.namespace, pod: t.pod, ...(t.container !== undefined ? { container: t.container } : {}), command: shellCommand(cfg.shells), tty: true, signal: this.abort.signal },
      {
        output: (data) => this.screen?.write(data),
        end: (end) => this.onEnd(end),
      },
    ).then(
      (session) => {
        void session.closed.then(release);
        if (this.gone) {
          session.terminate();
          return;
        }
        this.session = session;
        this.state = { kind: 'running' };
        const sz = this.size ?? size;
        session.resize(sz.cols, sz.rows);
        for (const chunk of this.early) session.write(chunk);
        this.early = [];
        this.earlyBytes = 0;
        this.droppingEarly = false;
        this.changed.emit();
      },
      (err: unknown) => {
        release();
        // Nothing ran: the pane shows the message, the empty screen goes.
        this.screen?.dispose();
        this.screen = null;
        if (!this.gone) this.fail(`exec into ${this.where()} failed: ${printable(errorMessage(err))}`);
      },
    );
  }

  private sendReplies(): void {
    const answer = this.replies.join('');
    this.replies = [];
    if (this.state.kind === 'running') this.session?.write(answer);
  }

  private onEnd(end: ExecEnd): void {
    if (this.gone || this.ended) return;
    this.ctx.logger.info({ end }, 'exec ended');
    if (end.kind === 'exit') this.state = { kind: 'exited', code: end.code };
    else this.state = { kind: 'failed', message: end.message };
    this.changed.emit();
    // A shell killed (137 when its pod is deleted) or a stream cut may be its pod going: ask.
    if ((end.kind === 'exit' && end.code !== 0) || end.kind === 'lost') void this.explainEnd();
  }

  private async explainEnd(): Promise<void> {
    const t = this.target;
    if (!t) return;
    let cause: string | null;
    try {
      cause = await podFate(this.ctx.services.kube.configFor(t.context), t, this.connectedAt);
    } catch {
      return;
    }
    if (cause === null || this.gone) return;
    this.endCause = cause;
    this.changed.emit();
  }

  private fail(message: string): void {
    this.state = { kind: 'failed', message };
    this.changed.emit();
  }

  private where(): string {
    const t = this.target;
    if (!t) return 'the pod';
    return `${t.namespace}/${t.pod}${t.container !== undefined ? ` (${t.container})` : ''}`;
  }

  title(): string {
    return `exec ${this.where()}`;
  }

  alias(): string {
    return 'EXE';
  }

  bindingGroup(): PaneGroup {
    return 'exec';
  }

  /**
   * The typing client's size (tmux's `latest`): a change after a quiet spell is made at once;
   * changes while typists take turns wait until the size has stayed the same for RESIZE_SETTLE_MS,
   * then the last typist's size is taken.
   */
  private followTypist(size: Viewport): void {
    const s = clampSize(size);
    const current = this.wanted ?? this.size;
    if (current && sameSize(current, s)) return;
    const now = Date.now();
    const quiet = this.resizeTimer === null && now - this.wantedAt >= RESIZE_SETTLE_MS;
    this.wanted = s;
    this.wantedAt = now;
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    this.resizeTimer = null;
    if (quiet) {
      this.applySize();
      return;
    }
    this.resizeTimer = setTimeout(() => {
      this.resizeTimer = null;
      this.applySize();
    }, RESIZE_SETTLE_MS);
  }

  private applySize(): void {
    const s = this.wanted;
    this.wanted = null;
    if (!s || this.gone || (this.size && sameSize(this.size, s))) return;
    this.size = s;
    if (!this.screen) return;
    this.ctx.logger.debug({ paneId: this.id, cols: s.cols, rows: s.rows }, 'exec resize');
    this.screen.resize(s.cols, s.rows);
    this.session?.resize(s.cols, s.rows);
    // The quiet spell counts from the end of the resize: a reflow that took longer is no quiet spell.
    this.wantedAt = Date.now();
  }

  /** Entering insert mode on a dormant pane (restored after the daemon restarted) starts a new shell. */
  enterInsert(size: Viewport | null): void {
    if (!this.ended && this.state.kind === 'dormant') this.reconnect(size);
  }

  private reconnect(size: Viewport | null): void {
    if (size) this.size = clampSize(size);
    this.state = { kind: 'connecting' };
    this.changed.emit();
    this.start();
  }

  /** Insert mode: the key as a terminal sends it; once the shell has ended, any key closes the pane. */
  handleInput(key: string, size: Viewport | null): void {
    if (this.ended) {
      this.ctx.requests.close();
      return;
    }
    if (this.state.kind === 'dormant') {
      this.reconnect(size);
      return;
    }
    // The remote terminal follows the client that typed last (tmux's `latest`).
    if (size) this.followTypist(size);
    const bytes = keyBytes(key, this.screen?.applicationCursorKeys ?? false);
    if (bytes === null) return;
    this.screen?.scrollToBottom();
    if (this.state.kind === 'running') this.send(bytes);
    // Once one key did not fit, none after it is kept either: the shell gets what was typed up to
    // there, never a later key without the ones before it.
    else if (!this.droppingEarly && this.earlyBytes + Buffer.byteLength(bytes, 'utf8') <= EARLY_INPUT_MAX_BYTES) {
      this.early.push(bytes);
      this.earlyBytes += Buffer.byteLength(bytes, 'utf8');
    } else if (!this.droppingEarly) {
      this.droppingEarly = true;
      const kept = grouped(EARLY_INPUT_MAX_BYTES);
      this.ctx.requests.toast('warn', `keys are dropped: the shell is still connecting (what was typed before, up to ${kept} bytes, is sent once it is up)`);
    }
  }

  private send(bytes: string): void {
    const session = this.session;
    if (!session || session.write(bytes)) {
      this.refusing = false;
      return;
    }
    // Not sent: the connection is going (its end is shown) or the shell is not reading its input.
    if (!session.open || this.refusing) return;
    this.refusing = true;
    this.ctx.requests.toast('warn', `keys are dropped: the shell has not read the last ${grouped(MAX_PENDING_STDIN_BYTES)} bytes sent to it`);
  }

  /**
   * A paste, as a terminal sends one: line breaks as Enter (CR), between the bracketed-paste
   * markers when the program asked for them (a shell then inserts the text instead of running each
   * line). All of it or none.
   */
  handlePaste(text: string, size: Viewport | null): string | null {
    if (this.ended) return 'the shell has ended';
    if (this.state.kind === 'dormant') return 'the shell is not running: press a key to start a new one, then paste';
    if (size) this.followTypist(size);
    const body = text.replace(/\r?\n/g, '\r');
    // Inside the markers no ESC at all (xterm's own rule for pastes): nothing in it can end the paste.
    const data = this.screen?.bracketedPaste ? `\x1b[200~${body.replace(/\x1b/g, '')}\x1b[201~` : body;
    const bytes = Buffer.from(data, 'utf8');
    if (this.state.kind === 'connecting') {
      if (this.droppingEarly || this.earlyBytes + bytes.length > EARLY_INPUT_MAX_BYTES) return 'the shell is still connecting: paste again once it is up';
      this.early.push(data);
      this.earlyBytes += bytes.length;
      return null;
    }
    this.screen?.scrollToBottom();
    if (!this.session?.writeAll(bytes)) return `the shell did not take ${grouped(bytes.length)} bytes at once (it takes at most ${grouped(MAX_PENDING_STDIN_BYTES)} not yet read)`;
    return null;
  }

  handleCommand(cmd: PaneCommand): void {
    const screen = this.screen;
    const page = Math.max(1, (this.size ?? DEFAULT_SIZE).rows - 1);
    switch (cmd.type) {
      case 'scroll_up':
      case 'select_prev':
        screen?.scrollBy(1);
        return;
      case 'scroll_down':
      case 'select_next':
        screen?.scrollBy(-1);
        return;
      case 'page_up':
        screen?.scrollBy(page);
        return;
      case 'page_down':
        screen?.scrollBy(-page);
        return;
      case 'go_to_top':
        screen?.scrollToTop();
        return;
      case 'go_to_bottom':
      case 'toggle_follow':
        screen?.scrollToBottom();
        return;
      case 'back':
        if (this.ended || this.state.kind === 'dormant') this.ctx.requests.close();
        else screen?.scrollToBottom();
        return;
      default:
        return;
    }
  }

  view(viewport: Viewport): PaneView {
    const title = this.title();
    const s = this.state;
    const screen = this.screen;
    if (s.kind === 'failed' && (!screen || !this.session)) {
      return { type: 'message', title, level: 'error', text: s.message, footer: 'esc closes the pane (any key in insert mode)' };
    }
    if (s.kind === 'dormant') {
      return {
        type: 'message',
        title,
        level: 'info',
        text: `session ended — press enter to reconnect. The shell that ran in ${this.where()} ended when the daemon stopped; esc closes the pane.`,
      };
    }
    if (!screen || s.kind === 'connecting') {
      return { type: 'message', title, level: 'loading', text: `connecting to ${this.where()}…` };
    }
    const cause = this.endCause !== null ? `: ${this.endCause}` : '';
    const footer =
      s.kind === 'exited'
        ? `[exited with code ${s.code}${cause}] a key closes the pane (esc in normal mode)`
        : s.kind === 'failed'
          ? `[${s.message}${cause}] a key closes the pane (esc in normal mode)`
          : undefined;
    const rows = Math.max(0, viewport.rows - (footer !== undefined && viewport.rows > 1 ? 1 : 0));
    const r = screen.render(rows, viewport.cols);
    const size = `${screen.cols}x${screen.rows}`;
    return {
      type: 'terminal',
      title,
      badge: r.scrolled > 0 ? `↑${r.scrolled}/${r.scrollback} ${size}` : size,
      ...(footer !== undefined ? { footer } : {}),
      rows: r.rows,
      cursor: r.cursor,
      scrollback: r.scrollback,
      scrolled: r.scrolled,
    };
  }

  /** The daemon is stopping: cut the connection now. */
  shutdown(): void {
    this.abort.abort();
    this.session?.terminate();
  }

  override dispose(): void {
    if (this.gone) return;
    this.gone = true;
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    this.resizeTimer = null;
    this.hooks.disposing?.(this.id);
    this.abort.abort();
    this.session?.close();
    this.screen?.dispose();
    super.dispose();
  }
}

const sameSize = (a: Viewport, b: Viewport): boolean => a.cols === b.cols && a.rows === b.rows;

const clampSize = (v: Viewport): Viewport => ({ cols: Math.max(1, Math.min(1000, Math.floor(v.cols))), rows: Math.max(1, Math.min(1000, Math.floor(v.rows))) });
