import xterm from '@xterm/headless';
import type { IPty } from 'node-pty';
import { cellWidths, CELL_WIDTHS_VERSION } from '../../packages/daemon/src/panes/exec/cell-widths.js';
import { CLIENT_MAIN, REPO_ROOT, waitFor } from './daemon-process.js';
import { loadPty, ptyMissingReason } from './pty-module.js';


/**
 * Widths as kitty, WezTerm, Ghostty, iTerm2 and Windows Terminal count them: the client's (a code
 * point's wcwidth), except that a variation selector 16 (emoji presentation) makes the character
 * before it two cells wide (`❤️`, `⚠️`: two cells on those terminals, one by wcwidth).
 */
export const EMOJI_PRESENTATION_VERSION = 'kubetile+vs16';
const emojiPresentation = {
  version: EMOJI_PRESENTATION_VERSION,
  wcwidth: (cp: number) => cellWidths.wcwidth(cp),
  charProperties(cp: number, preceding: number): number {
    if (cp === 0xfe0f && preceding !== 0 && ((preceding >> 1) & 3) === 1) return (2 << 1) | 1;
    return cellWidths.charProperties(cp, preceding);
  },
};

/**
 * Widths of a terminal that draws emoji sequences as one character, as kitty, WezTerm, Ghostty,
 * iTerm2 and Windows Terminal do: VS16 widens (as above), a skin tone joins the emoji before it,
 * and an emoji after a zero-width joiner joins the one before the joiner (`👨‍👩‍👧‍👦`: two cells,
 * eight by wcwidth). The state bits (xterm's `(kind << 3)`) remember "after a joiner".
 */
export const EMOJI_CLUSTERS_VERSION = 'kubetile+clusters';
const AFTER_ZWJ = 1 << 3;
const pictographic = /\p{Extended_Pictographic}/u;
const emojiClusters = {
  version: EMOJI_CLUSTERS_VERSION,
  wcwidth: (cp: number) => cellWidths.wcwidth(cp),
  charProperties(cp: number, preceding: number): number {
    const before = (preceding >> 1) & 3;
    if (preceding !== 0 && before > 0) {
      if (cp === 0x200d) return AFTER_ZWJ | (before << 1) | 1;
      if (cp >= 0x1f3fb && cp <= 0x1f3ff && before === 2) return (2 << 1) | 1;
      if (preceding & AFTER_ZWJ && pictographic.test(String.fromCodePoint(cp))) return (before << 1) | 1;
    }
    return emojiPresentation.charProperties(cp, preceding);
  },
};

export const ptyMissing: string | false = ptyMissingReason();

/** Something the client wrote that a terminal acts on beyond drawing cells: an OSC, a DCS/APC/PM/SOS string, a bell. */
export interface Escaped {
  kind: string;
  data: string;
}

/**
 * A real `kubetile` client in a pseudo-terminal, its output parsed by @xterm/headless counting
 * cells as the client does (rpc-schema's charWidth, as a modern terminal: an emoji two cells).
 * Every OSC, DCS, APC, the title and the bell the client makes the terminal act on are recorded
 * (`escaped`): text from the cluster must never produce one.
 */
export class PaintedTerminal {
  readonly term: InstanceType<typeof xterm.Terminal>;
  readonly escaped: Escaped[] = [];
  /** Characters written by the client so far. */
  bytes = 0;
  /** The client's last output (up to 200 000 characters), for a failure's message. */
  raw = '';
  exitCode: number | null = null;
  private pending = 0;

  private constructor(
    private readonly pty: IPty,
    cols: number,
    rows: number,
    widths: string,
  ) {
    const term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    term.unicode.register(cellWidths);
    term.unicode.register(emojiPresentation);
    term.unicode.register(emojiClusters);
    term.unicode.activeVersion = widths;
    for (const id of [0, 1, 2, 4, 7, 8, 10, 11, 12, 52, 104, 112, 133, 777, 1337]) {
      term.parser.registerOscHandler(id, (data) => {
        this.escaped.push({ kind: `OSC ${id}`, data });
        return true;
      });
    }
    for (const final of ['q', 'p', '|', '{', '$q', '+q', '+p']) {
      const intermediates = final.length > 1 ? final[0] : undefined;
      const f = final[final.length - 1]!;
      term.parser.registerDcsHandler(intermediates ? { intermediates, final: f } : { final: f }, (data) => {
        this.escaped.push({ kind: `DCS ${final}`, data });
        return true;
      });
    }
    term.onBell(() => this.escaped.push({ kind: 'BEL', data: '' }));
    term.onTitleChange((t) => this.escaped.push({ kind: 'title', data: t }));
    this.term = term;
    pty.onData((chunk) => {
      this.bytes += chunk.length;
      this.raw += chunk;
      if (this.raw.length > 200_000) this.raw = this.raw.slice(-100_000);
      this.pending++;
      term.write(chunk, () => this.pending--);
    });
    pty.onExit(({ exitCode }) => {
      this.exitCode = exitCode;
    });
  }

  /** `widths`: how the terminal counts cells (the client's own by default; EMOJI_PRESENTATION_VERSION, EMOJI_CLUSTERS_VERSION for kitty & co). */
  static spawn(opts: { socket: string; env: NodeJS.ProcessEnv; cols: number; rows: number; args?: string[]; widths?: string }): PaintedTerminal {
    const pty = loadPty();
    if (!pty) throw new Error(ptyMissingReason() || 'node-pty is not installed');
    const p = pty.spawn(process.execPath, [CLIENT_MAIN, '--socket', opts.socket, ...(opts.args ?? [])], {
      name: 'xterm-256color',
      cols: opts.cols,
      rows: opts.rows,
      cwd: REPO_ROOT,
      env: { ...opts.env, TERM: 'xterm-256color' } as Record<string, string>,
    });
    return new PaintedTerminal(p, opts.cols, opts.rows, opts.widths ?? CELL_WIDTHS_VERSION);
  }

  get pid(): number {
    return this.pty.pid;
  }

  get alive(): boolean {
    return this.exitCode === null;
  }

  /** Each screen row as the terminal shows it: one string per cell (a wide character's second cell is ''). */
  cells(): string[][] {
    const b = this.term.buffer.active;
    const out: string[][] = [];
    const cell = b.getNullCell();
    for (let y = 0; y < this.term.rows; y++) {
      const line = b.getLine(y);
      const row: string[] = [];
      for (let x = 0; x < this.term.cols; x++) {
        const c = line?.getCell(x, cell);
        row.push(c ? (c.getWidth() === 0 ? '' : c.getChars() || ' ') : ' ');
      }
      out.push(row);
    }
    return out;
  }

  /** Whether the cell at (x, y) is drawn with a background (the selected row, a header). */
  highlighted(x: number, y: number): boolean {
    const c = this.term.buffer.active.getLine(y)?.getCell(x);
    return !!c && (c.isInverse() !== 0 || !c.isBgDefault());
  }

  lines(): string[] {
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(b.getLine(y)?.translateToString(true) ?? '');
    return out;
  }

  text(): string {
    return this.lines().join('\n');
  }

  /** Types into the terminal. */
  write(keys: string): void {
    this.pty.write(keys);
  }

  /** Resizes the pty (the client gets SIGWINCH) and the emulated terminal. */
  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.pty.resize(cols, rows);
  }

  /** Waits until everything read from the pty has been parsed and the screen satisfies `pred`. */
  async waitScreen(label: string, pred: (t: PaintedTerminal) => boolean, timeoutMs = 30_000): Promise<void> {
    try {
      await waitFor(label, () => this.pending === 0 && pred(this), timeoutMs, 50);
    } catch (e) {
      throw new Error(`${(e as Error).message}\nscreen:\n${this.text()}`);
    }
  }

  async kill(): Promise<void> {
    if (this.alive) {
      const exited = new Promise<void>((resolve) => this.pty.onExit(() => resolve()));
      try {
        this.pty.kill('SIGTERM');
      } catch {
        // gone
      }
      await exited;
    }
    this.term.dispose();
  }
}
