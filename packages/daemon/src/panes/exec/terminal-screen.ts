import pkg from '@xterm/headless';
import type { IBufferCell, IBufferLine, IDisposable, IMarker, Terminal as XTerminal } from '@xterm/headless';
import type { TermColor, TermRun } from '@kubetile/rpc-schema';
import { ByteRing } from './byte-ring.js';
import { MarkLimiter } from './mark-limit.js';
import { CELL_WIDTHS_VERSION, cellWidths } from './cell-widths.js';

// @xterm/headless 6 is CommonJS: its named exports are only reachable through the default import.
const { Terminal } = pkg;

/** Output bytes handed to the emulator but not parsed yet above which the source should pause. */
export const PAUSE_ABOVE_BYTES = 1024 * 1024;
/** …and below which it may resume. */
export const RESUME_BELOW_BYTES = 256 * 1024;
/**
 * Output goes to the emulator this much at a time, the next piece after the last one is parsed and
 * the event loop has had a turn: a flood never holds the daemon for more than one piece (other
 * clients are answered in between), and xterm's own buffer (which throws past 50 MB) stays small.
 */
const FEED_CHUNK_BYTES = 16 * 1024;
/** The most UTF-16 units of one cell we show (a base character and a few combining marks). */
const MAX_CELL_CHARS = 16;

export interface ScreenRender {
  rows: TermRun[][];
  cursor: { row: number; col: number } | null;
  scrollback: number;
  scrolled: number;
}

export interface ScreenEvents {
  /** The screen changed (output parsed, resized, scrolled). */
  changed(): void;
  /** The emulator answers a query (cursor position, device attributes): bytes for the program's stdin. */
  reply(data: string): void;
  /** Pending output crossed PAUSE_ABOVE_BYTES (true) or fell under RESUME_BELOW_BYTES (false). */
  backpressure(paused: boolean): void;
}

const hex = (rgb: number): string => `#${(rgb & 0xffffff).toString(16).padStart(6, '0')}`;

function fgOf(cell: IBufferCell): TermColor | undefined {
  if (cell.isFgPalette()) return cell.getFgColor();
  if (cell.isFgRGB()) return hex(cell.getFgColor());
  return undefined;
}

function bgOf(cell: IBufferCell): TermColor | undefined {
  if (cell.isBgPalette()) return cell.getBgColor();
  if (cell.isBgRGB()) return hex(cell.getBgColor());
  return undefined;
}

/** A run's style without its text (cells with equal styles join one run). */
function styleOf(cell: IBufferCell): Omit<TermRun, 'text'> {
  const s: Omit<TermRun, 'text'> = {};
  const fg = fgOf(cell);
  const bg = bgOf(cell);
  if (fg !== undefined) s.fg = fg;
  if (bg !== undefined) s.bg = bg;
  if (cell.isBold()) s.bold = true;
  if (cell.isDim()) s.dim = true;
  if (cell.isItalic()) s.italic = true;
  if (cell.isUnderline()) s.underline = true;
  if (cell.isInverse()) s.inverse = true;
  return s;
}

const sameStyle = (a: Omit<TermRun, 'text'>, b: Omit<TermRun, 'text'>): boolean =>
  a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline && a.inverse === b.inverse;

/** A blank cell that shows nothing: trailing ones are left out of a row. */
const invisibleBlank = (text: string, s: Omit<TermRun, 'text'>): boolean => text === ' ' && s.bg === undefined && !s.inverse && !s.underline;

/**
 * A terminal screen emulated in the daemon (xterm.js headless): output goes in, styled rows come
 * out for any viewport. Escape sequences act on this emulator only (titles, OSC 52 clipboard
 * writes, queries are absorbed here; query answers go back to the program), never on a user's
 * terminal. Scrollback is bounded; a view scrolled into it stays on the same lines while output
 * continues (a marker follows them as old lines are trimmed).
 */
export class TerminalScreen {
  private readonly term: XTerminal;
  private readonly cell: IBufferCell;
  private readonly subs: IDisposable[] = [];
  private paused = false;
  /** Output not parsed yet (a copy: see ByteRing), and whether a piece of it is being parsed. */
  private readonly queue = new ByteRing(FEED_CHUNK_BYTES * 4);
  /** Drops combining marks past a few per cell: xterm keeps every one, scrollback bounds only lines. */
  private readonly marks = new MarkLimiter();
  private feeding = false;
  private cursorHidden = false;
  /** Top line of a view scrolled into the scrollback; null: live (following the output). */
  private top: IMarker | null = null;
  private version = 0;
  private readonly cache = new Map<string, ScreenRender>();
  private disposed = false;

  constructor(
    cols: number,
    rows: number,
    scrollback: number,
    private readonly events: ScreenEvents,
  ) {
    this.term = new Terminal({ cols, rows, scrollback, allowProposedApi: true, logLevel: 'off' });
    // Cells as wide as the client paints them (an emoji is two), not xterm's Unicode 6 widths.
    this.term.unicode.register(cellWidths);
    this.term.unicode.activeVersion = CELL_WIDTHS_VERSION;
    this.cell = this.term.buffer.normal.getNullCell();
    this.subs.push(
      this.term.onData((d) => events.reply(d)),
      this.term.onBinary((d) => events.reply(d)),
      this.term.onWriteParsed(() => this.touch()),
      // DECTCEM (show/hide the cursor) has no public getter: watch the sequence, let xterm act on it too.
      this.term.parser.registerCsiHandler({ prefix: '?', final: 'h' }, (params) => this.cursorMode(params, false)),
      this.term.parser.registerCsiHandler({ prefix: '?', final: 'l' }, (params) => this.cursorMode(params, true)),
      // REP (CSI n b) repeats the last character n times, n up to 2^31: `a ESC[2147483647b`, 14
      // bytes, held the daemon for minutes. More than a line's worth is ignored (ncurses, its user,
      // repeats within a line).
      this.term.parser.registerCsiHandler({ final: 'b' }, (params) => typeof params[0] === 'number' && params[0] > this.term.cols),
      this.term.buffer.onBufferChange(() => this.scrollToBottom()),
    );
  }

  private cursorMode(params: (number | number[])[], hidden: boolean): boolean {
    if (params.includes(25)) this.cursorHidden = hidden;
    return false;
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  /** DECCKM: arrow keys are sent as SS3 (full-screen programs ask for it). */
  get applicationCursorKeys(): boolean {
    return this.term.modes.applicationCursorKeysMode;
  }

  /** Bracketed paste (mode 2004): the program asked for pastes between `ESC [200~` and `ESC [201~`. */
  get bracketedPaste(): boolean {
    return this.term.modes.bracketedPasteMode;
  }

  /** Output bytes not parsed yet. */
  get pendingBytes(): number {
    return this.queue.length;
  }

  private touch(): void {
    if (this.disposed) return;
    this.version++;
    this.cache.clear();
    this.events.changed();
  }

  /** Feeds program output to the emulator (parsed asynchronously, a piece at a time). */
  write(data: Uint8Array): void {
    if (this.disposed || data.length === 0) return;
    const kept = this.marks.filter(data);
    if (kept.length === 0) return;
    this.queue.push(kept);
    if (!this.paused && this.queue.length > PAUSE_ABOVE_BYTES) {
      this.paused = true;
      this.events.backpressure(true);
    }
    this.feed();
  }

  private feed(): void {
    if (this.feeding || this.disposed) return;
    // Split anywhere: xterm's UTF-8 decoder keeps a sequence cut between two pieces.
    const piece = this.queue.peek(FEED_CHUNK_BYTES);
    if (piece.length === 0) return;
    this.feeding = true;
    this.term.write(piece, () => {
      if (this.disposed) return;
      this.queue.consume(piece.length);
      if (this.paused && this.queue.length < RESUME_BELOW_BYTES) {
        this.paused = false;
        this.events.backpressure(false);
      }
      setImmediate(() => {
        this.feeding = false;
        this.feed();
      });
    });
  }

  resize(cols: number, rows: number): void {
    if (this.disposed || (cols === this.term.cols && rows === this.term.rows)) return;
    this.term.resize(cols, rows);
    this.touch();
  }

  /** Lines of scrollback above the live screen (none while a full-screen program uses the alternate screen). */
  get scrollback(): number {
    const b = this.term.buffer.active;
    return b.type === 'alternate' ? 0 : b.baseY;
  }

  /** How many lines the view is scrolled up from the live screen. */
  get scrolled(): number {
    if (!this.top) return 0;
    const b = this.term.buffer.active;
    const top = this.top.isDisposed ? 0 : this.top.line;
    return Math.max(0, b.baseY - top);
  }

  /** Scrolls the view `delta` lines up (positive) or down (negative) within the scrollback. */
  scrollBy(delta: number): void {
    const b = this.term.buffer.active;
    if (b.type === 'alternate') return;
    this.setTop(b.baseY - this.scrolled - delta);
  }

  scrollToTop(): void {
    if (this.term.buffer.active.type === 'alternate') return;
    this.setTop(0);
  }

  scrollToBottom(): void {
    if (!this.top) return;
    this.top.dispose();
    this.top = null;
    this.touch();
  }

  private setTop(line: number): void {
    const b = this.term.buffer.active;
    const clamped = Math.max(0, Math.min(b.baseY, Math.round(line)));
    const before = this.scrolled;
    this.top?.dispose();
    this.top = null;
    if (clamped < b.baseY) this.top = this.term.registerMarker(clamped - (b.baseY + b.cursorY)) ?? null;
    if (this.scrolled !== before) this.touch();
  }

  /**
   * The screen for a viewport of `rows` × `cols`: live, the rows around the cursor (a smaller
   * viewport shows the part with the cursor); scrolled, the lines from the view's top. At most
   * the terminal's own size: a larger viewport shows blank space around it.
   */
  render(rows: number, cols: number): ScreenRender {
    const key = `${rows}x${cols}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const b = this.term.buffer.active;
    const shownRows = Math.max(0, Math.min(rows, this.term.rows));
    const shownCols = Math.max(0, Math.min(cols, this.term.cols));
    const scrolled = b.type === 'alternate' ? 0 : this.scrolled;
    let start: number;
    if (scrolled > 0) start = b.baseY - scrolled;
    else start = b.baseY + Math.max(0, Math.min(this.term.rows - shownRows, b.cursorY - shownRows + 1));
    const out: TermRun[][] = [];
    for (let y = 0; y < shownRows; y++) {
      const line = b.getLine(start + y);
      out.push(line ? this.renderLine(line, shownCols) : []);
    }
    let cursor: ScreenRender['cursor'] = null;
    if (scrolled === 0 && !this.cursorHidden) {
      const row = b.baseY + b.cursorY - start;
      const col = Math.min(b.cursorX, this.term.cols - 1);
      if (row >= 0 && row < shownRows && col < shownCols) cursor = { row, col };
    }
    const r: ScreenRender = { rows: out, cursor, scrollback: this.scrollback, scrolled };
    if (this.cache.size >= 8) this.cache.clear();
    this.cache.set(key, r);
    return r;
  }

  private renderLine(line: IBufferLine, cols: number): TermRun[] {
    const runs: TermRun[] = [];
    let text = '';
    let style: Omit<TermRun, 'text'> | null = null;
    // Index in `runs`/`text` after the last cell that shows something (trailing blanks are cut).
    let keepRuns = 0;
    let keepText = 0;
    const cell = this.cell;
    for (let x = 0; x < cols; x++) {
      if (!line.getCell(x, cell)) break;
      const width = cell.getWidth();
      if (width === 0) continue; // the second half of a wide character
      if (width === 2 && x + 1 >= cols) break; // a wide character cut by the viewport's edge
      const s = styleOf(cell);
      let chars = cell.getChars();
      if (chars === '' || cell.isInvisible()) chars = ' '.repeat(width);
      else if (chars.length > MAX_CELL_CHARS) chars = chars.slice(0, MAX_CELL_CHARS);
      if (style === null || !sameStyle(style, s)) {
        if (style !== null) runs.push({ text, ...style });
        style = s;
        text = '';
      }
      text += chars;
      if (!invisibleBlank(chars, s)) {
        keepRuns = runs.length;
        keepText = text.length;
      }
    }
    if (style !== null) runs.push({ text, ...style });
    // Drop trailing blank cells: keep runs before the last visible cell's run, and that run cut after it.
    if (keepText === 0 && keepRuns === 0) return [];
    const out = runs.slice(0, keepRuns + 1);
    const last = out[out.length - 1]!;
    out[out.length - 1] = { ...last, text: last.text.slice(0, keepText) };
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.queue.clear();
    for (const s of this.subs.splice(0)) s.dispose();
    this.top?.dispose();
    this.term.dispose();
    this.cache.clear();
  }
}
