import { charWidth } from './text.js';

// A CSI sequence (SGR and others) or an OSC string, at a given index.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/y;

/** Whether an SGR sequence starts with a reset (`ESC[m`, `ESC[0m`, `ESC[0;1m`), and whether it sets anything after it. */
function sgrReset(seq: string): { reset: boolean; more: boolean } {
  const params = seq.slice(2, -1).split(/[;:]/);
  const reset = params[0] === '' || params[0] === '0' || params[0] === '00';
  return { reset, more: params.length > 1 };
}

/**
 * Cells `start` (inclusive) to `end` (exclusive) of a line of text with escape codes: the styles
 * in effect at `start` are opened first and closed with a reset at the end when any is open. A wide
 * character cut by either edge becomes spaces, so the result is exactly the cells asked for (or
 * fewer when the line is shorter). Widths as `charWidth` counts them, like every line the client draws.
 *
 * The frame compositor lays floating boxes over pane rows with it. It replaces the slice-ansi
 * package, whose module builds an Intl.Segmenter when it loads (tens of milliseconds of the start).
 */
export function sliceAnsi(line: string, start: number, end = Number.POSITIVE_INFINITY): string {
  if (end <= start) return '';
  let out = '';
  /** SGR sequences in effect (since the last reset). */
  let active = '';
  let entered = false;
  let col = 0;
  let i = 0;
  const enter = (): void => {
    if (entered) return;
    entered = true;
    out += active;
  };
  /**
   * Whether the last character that takes cells was drawn as itself: the zero-width ones after it
   * (combining marks, joiners) go with it, and are dropped with it when it is outside the slice or
   * cut by an edge — the marks of a character under a floating box were drawn on the box's border.
   */
  let kept = false;
  while (i < line.length) {
    const code = line.charCodeAt(i);
    if (code === 0x1b) {
      if (col >= end) break;
      ESCAPE.lastIndex = i;
      const m = ESCAPE.exec(line);
      if (m) {
        const seq = m[0];
        i += seq.length;
        const sgr = seq.length >= 3 && seq[1] === '[' && seq.endsWith('m');
        if (sgr) {
          const r = sgrReset(seq);
          active = r.reset ? (r.more ? seq : '') : active + seq;
        }
        if (col >= start) {
          if (!entered && sgr) {
            // Styles opened at the left edge: in `active` already.
            continue;
          }
          enter();
          out += seq;
        }
        continue;
      }
    }
    const cp = line.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const w = charWidth(cp);
    if (w === 0) {
      if (kept) out += line.slice(i, i + len);
      i += len;
      continue;
    }
    if (col >= end) break;
    kept = false;
    if (col >= start) {
      enter();
      if (col + w > end) {
        out += ' '.repeat(end - col);
        col = end;
        break;
      }
      out += line.slice(i, i + len);
      kept = true;
    } else if (col + w > start) {
      // A wide character cut by the left edge.
      enter();
      out += ' '.repeat(Math.min(col + w, end) - start);
    }
    col += w;
    i += len;
  }
  if (entered && active) out += '\x1b[0m';
  return out;
}
