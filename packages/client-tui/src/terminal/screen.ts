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
  write(s: string): unknown;
}

/** OSC 52: put `text` on the terminal's clipboard. */
export const osc52 = (text: string): string => `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;

/**
 * The terminal while the TUI owns it: raw mode, alternate screen, hidden cursor. `restore()` is
 * idempotent and synchronous, so it is safe from exit handlers and signal handlers.
 */
export class TerminalScreen {
  private active = false;
  private prev: string[] = [];
  /** The cells of `prev`'s lines where they were computed (a changed line's are its next diff's old side). */
  private prevCells: Array<Cells | null | undefined> = [];

  constructor(
    private readonly stdin: TtyIn,
    private readonly stdout: TtyOut,
  ) {}

  get size(): { cols: number; rows: number } {
    return { cols: Math.max(1, this.stdout.columns ?? 80), rows: Math.max(1, this.stdout.rows ?? 24) };
  }

  enter(): void {
    if (this.active) return;
    this.active = true;
    this.stdin.setRawMode?.(true);
    this.stdin.resume();
    this.write(ALT_SCREEN_ON + FOREIGN_MODES_OFF + KITTY_KEYS_PUSH + PASTE_MODE_ON + CURSOR_HIDE + AUTOWRAP_OFF + CLEAR);
    this.prev = [];
    this.prevCells = [];
  }

  /** Leaves raw mode and the alternate screen and shows the cursor again. Safe to call twice. */
  restore(): void {
    if (!this.active) return;
    this.active = false;
    this.writeSyncSafe(RESET + AUTOWRAP_ON + CURSOR_SHOW + PASTE_MODE_OFF + KITTY_KEYS_POP + ALT_SCREEN_OFF);
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
    if (out) this.write(SYNC_BEGIN + out + SYNC_END);
  }

  /** Writes raw output (OSC sequences) while active. */
  writeRaw(s: string): void {
    if (this.active) this.write(s);
  }

  private write(s: string): void {
    try {
      this.stdout.write(s);
    } catch {
      // EIO after the terminal went away
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
