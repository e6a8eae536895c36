import { writeSync } from 'node:fs';
import { diffCells, diffSameShape, toCells, type Cells } from './line-diff.js';

export const ALT_SCREEN_ON = '\x1b[?1049h';
export const ALT_SCREEN_OFF = '\x1b[?1049l';
export const CURSOR_HIDE = '\x1b[?25l';
export const CURSOR_SHOW = '\x1b[?25h';
/**
 * The kitty keyboard protocol, level 1 (disambiguate): terminals that have it (kitty, foot, WezTerm,
 * Ghostty, Alacritty…) then send keys legacy bytes cannot tell apart, `ctrl+shift+p` from `ctrl+p`,
 * `ctrl+enter` from `enter`, as `CSI code;mods u` (decode-keys.ts reads them); the others ignore it.
 * Pushed on the alternate screen, whose stack is its own: leaving that screen restores the shell's
 * keyboard even if the pop never arrives.
 */
export const KITTY_KEYS_PUSH = '\x1b[>1u';
export const KITTY_KEYS_POP = '\x1b[<u';
/**
 * Bracketed paste (mode 2004): the terminal marks a paste (decode-keys.ts's PASTE_START/END) so it
 * reaches the daemon as text, never as keys. Not scoped by the alternate screen: turned off on restore.
 */
export const PASTE_MODE_ON = '\x1b[?2004h';
export const PASTE_MODE_OFF = '\x1b[?2004l';
const RESET = '\x1b[0m';
const CLEAR = '\x1b[2J\x1b[H';
const SYNC_BEGIN = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';
/** Auto-wrap off while we draw: a line can never wrap or scroll the screen. */
const AUTOWRAP_OFF = '\x1b[?7l';
/**
 * Modes a program before us may have left on (an editor killed while the TUI waited for it, a
 * crashed program in the same terminal): the keypad's application mode (keypad 9 sends ESC O y) and
 * mouse reporting (a click sends bytes). kubetile uses neither; read as keys, they typed letters —
 * `y` answers a delete question. Turned off whenever the TUI takes the screen.
 */
export const FOREIGN_MODES_OFF = '\x1b>' + '\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?1015l';
const AUTOWRAP_ON = '\x1b[?7h';

export interface TtyIn {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
}
export interface TtyOut {
  fd?: number;
  columns?: number;
  rows?: number;
  write(s: string | Uint8Array, done?: (err?: Error | null) => void): unknown;
  /** Node's TTY handle: `setBlocking(false)` makes writes queue instead of stopping the process. */
  _handle?: { setBlocking?(blocking: boolean): unknown } | null;
}

/** How long an exit (a signal, a crash) keeps offering the restoring bytes to a terminal that reads none. */
const EXIT_WRITE_MS = 1000;

/** The largest side of a terminal the daemon lays out (rpc-schema's `Size`: 1..1000 columns and rows). */
export const MAX_SIDE = 1000;
const side = (n: number | undefined, unknown: number): number => (n === undefined || !(n >= 1) ? unknown : Math.min(MAX_SIDE, Math.floor(n)));

/** OSC 52: put `text` on the terminal's clipboard. */
export const osc52 = (text: string): string => `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;

/**
 * The terminal while the TUI owns it: raw mode, alternate screen, hidden cursor. `restore()` and
 * `restoreNow()` are idempotent and synchronous, so they are safe from exit handlers and signal handlers.
 *
 * While it owns the terminal, its writes do not block (`flowControl`): Node writes to a TTY with
 * blocking writes, so a terminal that read nothing (a stalled ssh link, a pty nobody reads) stopped
 * the whole client in write(2) — deaf to SIGTERM and SIGINT, which only ended it once the terminal
 * read again. Now at most one frame waits to reach the terminal: the frames painted meanwhile are
 * not queued; the newest is painted (as a diff of what was sent) once the one on its way is out.
 */
export class TerminalScreen {
  private active = false;
  /** Writes queue in the stream instead of blocking (set while active, when the stream can). */
  private flowControl = false;
  /** Painted frames the terminal has not taken yet (their write callbacks are due). */
  private framesOut = 0;
  /** The newest frame painted while one was on its way: painted when it is out. */
  private held: readonly string[] | null = null;
  /** Resolves those waiting for everything written to reach the terminal (`flushed`). */
  private flushWaiters: Array<() => void> = [];
  private unflushed = 0;
  private prev: string[] = [];
  /** The cells of `prev`'s lines where they were computed (a changed line's are its next diff's old side). */
  private prevCells: Array<Cells | null | undefined> = [];

  constructor(
    private readonly stdin: TtyIn,
    private readonly stdout: TtyOut,
  ) {}

  /**
   * The size the session is laid out for: the terminal's, at most MAX_SIDE each way (the daemon
   * refuses a larger one: a 1200-column terminal could not attach at all; the client draws the
   * top-left 1000×1000 of it). A terminal that reports 0 (a serial console, a container's console
   * before its first resize) is taken as 80×24, not drawn in one cell.
   */
  get size(): { cols: number; rows: number } {
    return { cols: side(this.stdout.columns, 80), rows: side(this.stdout.rows, 24) };
  }

  enter(): void {
    if (this.active) return;
    this.active = true;
    this.flowControl = this.setBlocking(false);
    this.stdin.setRawMode?.(true);
    this.stdin.resume();
    this.write(ALT_SCREEN_ON + FOREIGN_MODES_OFF + KITTY_KEYS_PUSH + PASTE_MODE_ON + CURSOR_HIDE + AUTOWRAP_OFF + CLEAR);
    this.prev = [];
    this.prevCells = [];
  }

  /**
   * Leaves raw mode and the alternate screen and shows the cursor again, after whatever is still on
   * its way to the terminal (`flushed` says when it is there; writes block again from then on, for
   * what runs in the terminal next). Safe to call twice.
   */
  restore(): void {
    if (!this.active) return;
    this.active = false;
    this.held = null;
    if (this.flowControl) {
      this.write(RESTORE, () => {
        // Still ours unless the screen was entered again meanwhile.
        if (this.active) return;
        this.setBlocking(true);
        this.flowControl = false;
      });
    } else this.writeSyncSafe(RESTORE);
    this.leaveRaw();
  }

  /**
   * `restore` for a process about to exit (a signal, a crash): the restoring bytes go at once, ahead
   * of any frame still queued (dropped at exit; a cut escape sequence is cancelled by the ESC that
   * follows it), offered for at most EXIT_WRITE_MS to a terminal that reads nothing.
   */
  restoreNow(): void {
    if (!this.active) return;
    this.active = false;
    this.held = null;
    if (this.flowControl && typeof this.stdout.fd === 'number') {
      writeWithin(this.stdout.fd, RESTORE, EXIT_WRITE_MS);
      this.setBlocking(true);
    } else this.writeSyncSafe(RESTORE);
    this.leaveRaw();
  }

  /** Resolves once everything written so far has reached the terminal (at once without flow control). */
  flushed(): Promise<void> {
    if (this.unflushed === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  private leaveRaw(): void {
    try {
      this.stdin.setRawMode?.(false);
    } catch {
      // the terminal may be gone (SIGHUP)
    }
    try {
      this.stdin.pause();
    } catch {
      // ignore
    }
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Forget what is on screen: the next frame repaints every line (after a resize). */
  invalidate(): void {
    if (!this.active) return;
    this.prev = [];
    this.prevCells = [];
    this.write(RESET + CLEAR);
  }

  /**
   * Paints a full frame (lines separated by `\n`, at most `rows` of them) by rewriting only the
   * lines that changed, each addressed absolutely, so the screen never scrolls.
   */
  paint(frame: string): void {
    this.paintLines(frame.split('\n'));
  }

  /**
   * Paints a frame given as its lines (the compositor's output): only the changed lines are
   * written, and of a changed line only the cells that changed when that is clearly smaller (moving
   * the selection or paging a list changes a few cells per row: fewer bytes reach the terminal).
   */
  paintLines(all: readonly string[]): void {
    if (!this.active) return;
    if (this.framesOut > 0) {
      this.held = all;
      return;
    }
    const { rows } = this.size;
    const lines = all.slice(0, rows);
    let out = '';
    const cells = this.prevCells;
    for (let i = 0; i < rows; i++) {
      const line = lines[i] ?? '';
      const prev = this.prev[i];
      if (prev === line) continue;
      let diff: string | null = null;
      // Same shape (a row whose text changed in place: the common case when a list moves or
      // pages): one walk over both strings, no cells built; the next diff of this row builds them.
      const same = prev !== undefined ? diffSameShape(i + 1, prev, line) : undefined;
      if (same !== undefined) {
        diff = same;
        cells[i] = undefined;
      } else if (prev !== undefined) {
        const a = cells[i] !== undefined ? cells[i]! : toCells(prev);
        const b = toCells(line);
        cells[i] = b;
        diff = diffCells(i + 1, a, b);
      } else cells[i] = undefined;
      out += diff ?? `\x1b[${i + 1};1H${RESET}\x1b[2K${line}${RESET}`;
    }
    cells.length = lines.length;
    this.prev = lines;
    if (!out) return;
    if (!this.flowControl) {
      this.write(SYNC_BEGIN + out + SYNC_END);
      return;
    }
    this.framesOut++;
    this.write(SYNC_BEGIN + out + SYNC_END, () => {
      this.framesOut--;
      const next = this.held;
      this.held = null;
      if (next && this.active) this.paintLines(next);
    });
  }

  /** Writes raw output (OSC sequences) while active. */
  writeRaw(s: string): void {
    if (this.active) this.write(s);
  }

  private write(s: string, done?: () => void): void {
    if (!this.flowControl) {
      try {
        this.stdout.write(s);
      } catch {
        // EIO after the terminal went away
      }
      done?.();
      return;
    }
    let rest: string | Buffer = s;
    const fd = this.stdout.fd;
    if (this.unflushed === 0 && typeof fd === 'number') {
      // Nothing queued: straight to the terminal, as a blocking write was (one system call; the
      // stream's asynchronous write costs a frame ~0.3 ms more). A terminal that takes only part of
      // it, or none (EAGAIN: it is not reading), gets the rest through the stream, which waits for it.
      const buf = Buffer.from(s, 'utf8');
      let n = 0;
      try {
        n = writeSync(fd, buf);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') {
          done?.(); // EIO: the terminal went away (SIGHUP ends the client)
          return;
        }
      }
      if (n >= buf.length) {
        done?.();
        return;
      }
      rest = buf.subarray(n);
    }
    this.unflushed++;
    const out = (): void => {
      done?.();
      if (--this.unflushed === 0) for (const w of this.flushWaiters.splice(0)) w();
    };
    try {
      // An error (EIO: the terminal went away) settles the write too; SIGHUP ends the client.
      this.stdout.write(rest, () => out());
    } catch {
      out();
    }
  }

  /** Sets the stream's writes blocking or not; false when it cannot (not a TTY handle). */
  private setBlocking(blocking: boolean): boolean {
    const set = this.stdout._handle?.setBlocking;
    if (typeof set !== 'function') return false;
    try {
      set.call(this.stdout._handle, blocking);
      return true;
    } catch {
      return false;
    }
  }

  private writeSyncSafe(s: string): void {
    if (typeof this.stdout.fd === 'number') {
      try {
        writeSync(this.stdout.fd, s);
        return;
      } catch {
        // fall back to the stream
      }
    }
    this.write(s);
  }
}

/**
 * Everything `enter` turned on, off again. It starts by ending a synchronized update: a frame cut
 * short at exit (the rest of it was still queued for a slow terminal) left the terminal holding
 * back what it draws.
 */
const RESTORE = SYNC_END + RESET + AUTOWRAP_ON + CURSOR_SHOW + PASTE_MODE_OFF + KITTY_KEYS_POP + ALT_SCREEN_OFF;

/** Writes `s` to a non-blocking `fd`, waiting out a full terminal for at most `ms`; what does not fit by then is dropped. */
function writeWithin(fd: number, s: string, ms: number): void {
  let buf = Buffer.from(s, 'utf8');
  const deadline = Date.now() + ms;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() >= deadline) return;
      Atomics.wait(nap, 0, 0, 10);
    }
  }
}

const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * Restores the terminal on every way out: process exit, SIGTERM/SIGHUP/SIGINT (then exits with
 * 128+n), uncaught exceptions and unhandled rejections (prints the error, exits 1).
 * Returns a function that removes the handlers.
 */
export function installRestoreHandlers(
  restore: () => void,
  onFatal: (message: string, code: number) => void = defaultFatal,
  /** While true, SIGINT is the foreground program's (an editor the TUI handed the terminal to), not ours. */
  handedOver: () => boolean = () => false,
): () => void {
  const onExit = (): void => restore();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (sig === 'SIGINT' && handedOver()) return;
    restore();
    onFatal('', 128 + (SIGNAL_CODES[sig] ?? 0));
  };
  const onError = (e: unknown): void => {
    restore();
    onFatal(`kubetile: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`, 1);
  };
  process.on('exit', onExit);
  for (const s of Object.keys(SIGNAL_CODES) as NodeJS.Signals[]) process.on(s, onSignal);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return () => {
    process.off('exit', onExit);
    for (const s of Object.keys(SIGNAL_CODES) as NodeJS.Signals[]) process.off(s, onSignal);
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  };
}

function defaultFatal(message: string, code: number): void {
  if (message) {
    try {
      writeSync(2, message);
    } catch {
      // ignore
    }
  }
  process.exit(code);
}
