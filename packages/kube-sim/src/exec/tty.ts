/**
 * A terminal line discipline for tty exec sessions: echo, backspace, ^C (interrupt), ^D (end of
 * input for the current reader), and line-at-a-time delivery (canonical mode).
 */
import type { InputSource } from './io.js';
import type { StdinReader } from './stdin.js';

export class TtyInput implements InputSource {
  private line = '';
  private pending: Buffer | null | undefined;
  /** Where we are in a key's escape sequence: after ESC before [ or O, inside CSI, or before SS3's final. */
  private escape: 'none' | 'intro' | 'csi' | 'ss3' = 'none';
  /** The CSI's parameter bytes so far. */
  private csi = '';
  /** Between ESC [200~ and ESC [201~ (a bracketed paste): line breaks stay in the line. */
  private pasting = false;

  constructor(
    private readonly raw: StdinReader,
    private readonly echo: (s: string) => void,
    private readonly onInterrupt: () => void,
  ) {}

  /** True while a program waits for a line (then ^C is handled as the line is read). */
  private reading = false;

  /**
   * ^C while nothing reads the terminal (a program busy writing, `yes`, `sleep`): interrupt it now,
   * as a tty's ISIG does, dropping typed-ahead input. False when a reader will see the ^C itself.
   */
  interruptIfIdle(): boolean {
    if (this.reading) return false;
    this.line = '';
    this.raw.discard();
    this.echo('^C\r\n');
    this.onInterrupt();
    return true;
  }

  async read(): Promise<Buffer | null> {
    this.reading = true;
    try {
      return await this.readLine();
    } finally {
      this.reading = false;
    }
  }

  private async readLine(): Promise<Buffer | null> {
    if (this.pending !== undefined) {
      const p = this.pending;
      this.pending = undefined;
      return p;
    }
    for (;;) {
      const chunk = await this.raw.read();
      if (chunk === null) {
        if (this.line) {
          const l = this.line;
          this.line = '';
          return Buffer.from(l);
        }
        return null;
      }
      const text = chunk.toString('utf8');
      for (let i = 0; i < text.length; i++) {
        // A character, not a UTF-16 unit: an emoji's surrogate halves echoed one by one were two U+FFFD.
        const ch = String.fromCodePoint(text.codePointAt(i)!);
        if (ch.length === 2) i++;
        // Keys' escape sequences (arrows and the like: ESC [ … final, ESC O x) are swallowed, as
        // readline ignores keys it has no binding for.
        if (this.escape === 'intro') { this.escape = ch === '[' ? 'csi' : 'ss3'; this.csi = ''; continue; }
        if (this.escape === 'csi') {
          if (ch >= '@' && ch <= '~') {
            this.escape = 'none';
            // Bracketed paste (readline's): the line breaks of a paste are kept in the line, not Enter.
            if (ch === '~' && this.csi === '200') this.pasting = true;
            if (ch === '~' && this.csi === '201') this.pasting = false;
          } else this.csi += ch;
          continue;
        }
        if (this.escape === 'ss3') { this.escape = 'none'; continue; }
        if (ch === '\u001b') {
          const next = text[i + 1];
          if (next === '[' || next === 'O') { this.escape = 'intro'; continue; }
          // A lone Esc (or alt+key) is a character of the line, echoed as ^[ (a tty's echoctl).
          this.line += ch;
          this.echo('^[');
          continue;
        }
        if ((ch === '\r' || ch === '\n') && this.pasting) {
          if (ch === '\n' && text[i - 1] === '\r') continue;
          this.line += '\n';
          this.echo('\r\n');
          continue;
        }
        if (ch === '\r' || ch === '\n') {
          this.echo('\r\n');
          const l = `${this.line}\n`;
          this.line = '';
          this.raw.unshift(Buffer.from(text.slice(i + 1 + (ch === '\r' && text[i + 1] === '\n' ? 1 : 0))));
          return Buffer.from(l);
        }
        if (ch === '\u007f' || ch === '\b') {
          if (this.line.length > 0) {
            const gone = Array.from(this.line.slice(-2)).at(-1)!;
            this.line = this.line.slice(0, -gone.length);
            this.echo(gone < ' ' ? '\b\b  \b\b' : '\b \b');
          }
          continue;
        }
        if (ch === '\u0003') {
          this.echo('^C\r\n');
          this.line = '';
          this.raw.unshift(Buffer.from(text.slice(i + 1)));
          this.onInterrupt();
          return Buffer.from('');
        }
        if (ch === '\u0004') {
          if (this.line.length === 0) {
            this.raw.unshift(Buffer.from(text.slice(i + 1)));
            return null;
          }
          continue;
        }
        if (ch < ' ' && ch !== '\t') continue;
        this.line += ch;
        this.echo(ch);
      }
    }
  }
}
