// One screen line as cells, and the bytes that turn one line into another on the terminal.
import { charWidth } from '@kubetile/rpc-schema/light';

/** A line of single-width characters: each cell's text and the SGR state it is drawn in. */
export interface Cells {
  chars: string[];
  /** SGR sequences in effect for each cell, since the last reset ('' for the default style). */
  styles: string[];
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[([0-9;:]*)m/y;

/**
 * The cells of `line` when it is plain enough to compare cell by cell: printable ASCII and other
 * single-cell characters (box drawing, …) with SGR escapes only. Null otherwise (wide or zero-width
 * characters, other escapes): that line is rewritten whole.
 */
export function toCells(line: string): Cells | null {
  const chars: string[] = [];
  const styles: string[] = [];
  let style = '';
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 0x1b) {
      SGR.lastIndex = i;
      const m = SGR.exec(line);
      if (!m) return null;
      style = afterSgr(style, m);
      i += m[0].length;
      continue;
    }
    if (!singleCell(c)) return null;
    chars.push(line[i]!);
    styles.push(style);
    i++;
  }
  return { chars, styles };
}

/**
 * The SGR state after sequence `m` (a match of SGR) drawn in `style`: its first parameter says
 * whether it resets; one with more parameters also sets a style.
 */
function afterSgr(style: string, m: RegExpExecArray): string {
  const params = m[1]!;
  let cut = 0;
  while (cut < params.length && params.charCodeAt(cut) !== 0x3b && params.charCodeAt(cut) !== 0x3a) cut++;
  const first = cut === params.length ? params : params.slice(0, cut);
  const reset = first === '' || first === '0' || first === '00';
  return intern(reset ? (cut < params.length ? m[0] : '') : style + m[0]);
}

/**
 * Characters compared cell by cell: printable ASCII, Latin-1 and the box-drawing / block / symbol
 * ranges the chrome and tables use (U+2010–U+27FF), each only where it takes exactly one cell
 * (charWidth: not the wide emoji there, not the combining marks for symbols at U+20D0–U+20FF).
 * A line with anything else is rewritten whole, so a column is never computed past a character
 * of another width.
 */
function singleCell(c: number): boolean {
  // Printable ASCII first: nearly every cell of a table.
  if (c >= 0x20 && c < 0x7f) return true;
  if (c < 0xa0 || (c >= 0x300 && c < 0x2010) || c >= 0x2800) return false;
  return charWidth(c) === 1;
}

/**
 * One string per distinct style, so that comparing two cells' styles (every cell of every changed
 * line, every frame) is a pointer comparison, not a walk through two concatenated strings.
 */
const styles = new Map<string, string>();
function intern(style: string): string {
  const known = styles.get(style);
  if (known !== undefined) return known;
  // A client sees a few dozen styles; a flood of distinct ones (plugin output) is not kept forever.
  if (styles.size >= 4096) styles.clear();
  styles.set(style, style);
  return style;
}

/** Unchanged cells between two changed runs worth skipping with a cursor move (which costs ~8 bytes). */
const MIN_GAP = 8;

/**
 * The bytes that change screen row `row` (1-based) from `prev` to `next`, both lines of the
 * compositor's output: only the runs of cells that differ, each at its column. Null when a cell
 * diff does not apply or would not save much (then the caller rewrites the line whole).
 */
export function diffLine(row: number, prev: string, next: string): string | null {
  return diffCells(row, toCells(prev), toCells(next));
}

/** diffLine on lines already cut into cells (the screen keeps the cells of what it painted last). */
export function diffCells(row: number, a: Cells | null, b: Cells | null): string | null {
  if (!a || !b) return null;
  const n = b.chars.length;
  let out = '';
  let changed = 0;
  let col = 0;
  while (col < n) {
    if (b.chars[col] === a.chars[col] && b.styles[col] === a.styles[col]) {
      col++;
      continue;
    }
    // A run of changed cells, extended over short unchanged gaps.
    let end = col + 1;
    let last = col;
    while (end < n && end - last <= MIN_GAP) {
      if (b.chars[end] !== a.chars[end] || b.styles[end] !== a.styles[end]) last = end;
      end++;
    }
    end = last + 1;
    out += `\x1b[${row};${col + 1}H\x1b[0m`;
    let style = '';
    for (let k = col; k < end; k++) {
      const s = b.styles[k]!;
      if (s !== style) {
        out += s.startsWith(style) ? s.slice(style.length) : `\x1b[0m${s}`;
        style = s;
      }
      out += b.chars[k]!;
    }
    changed += end - col;
    col = end;
  }
  // The old line was longer: clear what is past the new one.
  if (a.chars.length > n) out += `\x1b[${row};${n + 1}H\x1b[0m\x1b[K`;
  // Most of the line changed: a whole rewrite is as small and simpler.
  if (changed > n * 0.7) return null;
  return `${out}\x1b[0m`;
}

/**
 * diffLine without cutting either line into cells, when the two have the same shape: the same
 * length and the same escape sequences at the same places, differing only in single-cell
 * characters (a table row whose name or age changed, a page of a list replaced by another). Every
 * cell then has the same style on both sides, so one walk over the two strings finds the changed
 * cells. Undefined when the lines do not have the same shape (the caller diffs cells); otherwise
 * what diffCells would return: the bytes, or null when a whole rewrite is as small.
 */
export function diffSameShape(row: number, prev: string, next: string): string | null | undefined {
  const len = next.length;
  if (prev.length !== len) return undefined;
  let out = '';
  /** The run being written: its bytes up to its last changed cell, and the unchanged cells after it. */
  let run = '';
  let gap = '';
  let gapCells = 0;
  let inRun = false;
  let runStyle = '';
  let style = '';
  let col = 0;
  let changed = 0;
  let i = 0;
  const emit = (ch: string): string => {
    let o = '';
    if (style !== runStyle) {
      o += style.startsWith(runStyle) ? style.slice(runStyle.length) : `\x1b[0m${style}`;
      runStyle = style;
    }
    return o + ch;
  };
  while (i < len) {
    const c = next.charCodeAt(i);
    if (c === 0x1b) {
      SGR.lastIndex = i;
      const m = SGR.exec(next);
      if (!m || !prev.startsWith(m[0], i)) return undefined;
      style = afterSgr(style, m);
      i += m[0].length;
      continue;
    }
    if (!singleCell(c)) return undefined;
    const d = prev.charCodeAt(i);
    if (d === c) {
      if (inRun) {
        // An unchanged cell inside a run: kept if another change follows within MIN_GAP cells.
        gap += emit(next[i]!);
        gapCells++;
        if (gapCells >= MIN_GAP) {
          out += run;
          inRun = false;
        }
      }
    } else {
      if (!singleCell(d) || d === 0x1b) return undefined;
      if (!inRun) {
        inRun = true;
        runStyle = '';
        run = `\x1b[${row};${col + 1}H\x1b[0m`;
        gap = '';
        gapCells = 0;
        run += emit(next[i]!);
        changed++;
      } else {
        run += gap + emit(next[i]!);
        changed += gapCells + 1;
        gap = '';
        gapCells = 0;
      }
    }
    col++;
    i++;
  }
  if (inRun) out += run;
  if (changed > col * 0.7) return null;
  return `${out}\x1b[0m`;
}
