import { charWidth } from '@kubetile/rpc-schema';
import { StreamLine, type LogLine } from '../../kube/logs/log-line.js';
import { cleanLogText, hasControl, TAB_STOP } from '../../kube/logs/sanitize.js';

/**
 * The start of what a line shows (sanitizeLogText's text), enough to cover its first `cells`
 * terminal cells: every character that starts before that cell is there. A view that shows cells
 * `[h, h + cols)` needs no more, and a line's tabs are expanded only that far: a 64 KiB line of
 * tabs is half a million cells, and expanding all of it for each line of every frame took ~5 ms a
 * line (a pane of such lines, 180 ms a frame, with the daemon answering nothing meanwhile).
 * `clean`: the line's cleanLogText (a pane keeps a long line's, see LineLayouts: cleaning 64 KiB of
 * CJK text walks all of it).
 */
export function visibleText(l: LogLine, cells: number, clean: (l: StreamLine) => CleanText = cleanText): string {
  if (!(l instanceof StreamLine)) return l.text;
  const c = clean(l);
  return finishUpTo(c.text, cells, c.control);
}

/** A stream line's cleanLogText, and whether it still has tabs or controls (what finishUpTo has to do). */
export interface CleanText {
  text: string;
  control: boolean;
}

export function cleanText(l: StreamLine): CleanText {
  const text = cleanLogText(l.raw);
  return { text, control: hasControl(text) };
}

/**
 * finishLogText (tabs to 8-column stops, other controls a space) of cleaned text, stopped once
 * `cells` cells are covered. `control`: whether `u` has tabs or controls, when known.
 */
export function finishUpTo(u: string, cells: number, control = hasControl(u)): string {
  if (!control) return u;
  let out = '';
  let cell = 0;
  let i = 0;
  while (i < u.length && cell < cells) {
    const cp = u.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    i += n;
    if (cp === 9) {
      // Stops are counted in UTF-16 units of the text (as expandTabs does): the output's length.
      const pad = Math.min(TAB_STOP - (out.length % TAB_STOP), cells - cell);
      out += ' '.repeat(pad);
      cell += pad;
    } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      out += ' ';
      cell++;
    } else {
      out += n === 2 ? u.slice(i - 2, i) : u[i - 1]!;
      cell += charWidth(cp);
    }
  }
  return out;
}
