/** The editor holds at most this much text (a paste of a megabyte is refused beyond it). */
export const MAX_EDITOR_CHARS = 64 * 1024;
export const MAX_EDITOR_LINES = 5000;
const INDENT = '  ';

/**
 * A multi-line text buffer with a cursor (row, column in code points): typing, newline (keeping
 * the line's indentation), backspace/delete across lines, arrows, home/end, ±2-space indent.
 */
export class EditorBuffer {
  lines: string[] = [''];
  row = 0;
  col = 0;

  get text(): string {
    return this.lines.join('\n');
  }

  private size(): number {
    let n = this.lines.length - 1;
    for (const l of this.lines) n += l.length;
    return n;
  }

  setText(text: string): void {
    const t = text.slice(0, MAX_EDITOR_CHARS).replace(/\r\n?/g, '\n');
    this.lines = t.split('\n').slice(0, MAX_EDITOR_LINES);
    this.row = this.lines.length - 1;
    this.col = [...this.lines[this.row]!].length;
  }

  private line(): string[] {
    return [...this.lines[this.row]!];
  }

  /** Inserts text (newlines split lines); false when the buffer is full. */
  insert(text: string): boolean {
    const clean = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').replace(/\t/g, INDENT);
    if (this.size() + clean.length > MAX_EDITOR_CHARS) return false;
    for (const [i, part] of clean.split('\n').entries()) {
      if (i > 0 && !this.newline()) return false;
      if (part === '') continue;
      const cps = this.line();
      cps.splice(this.col, 0, ...part);
      this.lines[this.row] = cps.join('');
      this.col += [...part].length;
    }
    return true;
  }

  newline(): boolean {
    if (this.lines.length >= MAX_EDITOR_LINES) return false;
    const cps = this.line();
    const indent = /^ */.exec(this.lines[this.row]!)![0].slice(0, Math.min(this.col, 40));
    this.lines[this.row] = cps.slice(0, this.col).join('');
    this.lines.splice(this.row + 1, 0, indent + cps.slice(this.col).join(''));
    this.row++;
    this.col = indent.length;
    return true;
  }

  backspace(): void {
    if (this.col > 0) {
      const cps = this.line();
      cps.splice(this.col - 1, 1);
      this.lines[this.row] = cps.join('');
      this.col--;
    } else if (this.row > 0) {
      const prev = [...this.lines[this.row - 1]!].length;
      this.lines[this.row - 1] += this.lines[this.row]!;
      this.lines.splice(this.row, 1);
      this.row--;
      this.col = prev;
    }
  }

  delete(): void {
    const cps = this.line();
    if (this.col < cps.length) {
      cps.splice(this.col, 1);
      this.lines[this.row] = cps.join('');
    } else if (this.row < this.lines.length - 1) {
      this.lines[this.row] += this.lines[this.row + 1]!;
      this.lines.splice(this.row + 1, 1);
    }
  }

  move(dir: 'left' | 'right' | 'up' | 'down' | 'home' | 'end' | 'top' | 'bottom'): void {
    const len = (r: number): number => [...this.lines[r]!].length;
    switch (dir) {
      case 'left':
        if (this.col > 0) this.col--;
        else if (this.row > 0) {
          this.row--;
          this.col = len(this.row);
        }
        return;
      case 'right':
        if (this.col < len(this.row)) this.col++;
        else if (this.row < this.lines.length - 1) {
          this.row++;
          this.col = 0;
        }
        return;
      case 'up':
        if (this.row > 0) this.row--;
        this.col = Math.min(this.col, len(this.row));
        return;
      case 'down':
        if (this.row < this.lines.length - 1) this.row++;
        this.col = Math.min(this.col, len(this.row));
        return;
      case 'home':
        this.col = 0;
        return;
      case 'end':
        this.col = len(this.row);
        return;
      case 'top':
        this.row = 0;
        this.col = 0;
        return;
      case 'bottom':
        this.row = this.lines.length - 1;
        this.col = len(this.row);
        return;
    }
  }

  indent(): void {
    this.lines[this.row] = INDENT + this.lines[this.row]!;
    this.col += INDENT.length;
  }

  deindent(): void {
    const l = this.lines[this.row]!;
    const n = l.startsWith(INDENT) ? 2 : l.startsWith(' ') ? 1 : 0;
    this.lines[this.row] = l.slice(n);
    this.col = Math.max(0, this.col - n);
  }

  /** The text from the start up to the cursor (for completion). */
  beforeCursor(): string {
    return [...this.lines.slice(0, this.row), this.line().slice(0, this.col).join('')].join('\n');
  }

  /** Replaces the `prefix` just before the cursor with `word`. */
  replaceBefore(prefix: string, word: string): void {
    const n = [...prefix].length;
    const cps = this.line();
    if (this.col < n) return;
    cps.splice(this.col - n, n, ...word);
    this.lines[this.row] = cps.join('');
    this.col += [...word].length - n;
  }

  /** Puts the cursor at a 1-based character position of the text (a server error's position). */
  moveToPosition(pos: number): void {
    let left = Math.max(0, pos - 1);
    for (let r = 0; r < this.lines.length; r++) {
      const len = [...this.lines[r]!].length;
      if (left <= len) {
        this.row = r;
        this.col = left;
        return;
      }
      left -= len + 1;
    }
    this.move('bottom');
  }
}
