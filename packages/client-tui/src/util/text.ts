import { charWidth, clipToCells, stringWidth } from '@kubetile/rpc-schema/light';

/**
 * Fitting text into a number of cells (widths as the daemon counts them: rpc-schema's
 * cell-width.ts). Text from the daemon is sanitised first so that control characters can never
 * move the cursor.
 */

export { charWidth, stringWidth };

// ESC sequences (CSI, OSC, other two-byte ones) and every other C0/C1 control character.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
/**
 * Bidirectional overrides, embeddings, isolates and marks: in a terminal that does bidi (VTE, mlterm,
 * Konsole) they reorder what follows — a label value or an event message could show a name reversed
 * or pose as another row's text. Dropped, as controls are.
 */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/**
 * Variation selectors 15 and 16 (text and emoji presentation). Cells are counted per code point (a
 * selector takes none), but kitty, WezTerm, Ghostty, iTerm2 and Windows Terminal draw `⚠️` / `❤️`
 * (a one-cell character + VS16) two cells wide, and `⌚︎` (a wide one + VS15) one: a row holding one
 * was a cell wider or narrower than laid out, and in a split it pushed the pane's border and the
 * next pane's text along. Dropped, the character shows in its default form, as wide on every terminal
 * as it is counted.
 */
const PRESENTATION = /[\ufe0e\ufe0f]/g;
/**
 * What makes several emoji one (a skin tone after an emoji, a zero-width joiner between two: `👍🏽`,
 * `👨‍👩‍👧‍👦`). Counted per code point they take 4 and 8 cells, as wcwidth terminals (xterm, VTE)
 * draw them; kitty, WezTerm, Ghostty, iTerm2 and Windows Terminal draw each as one emoji, 2 cells: the
 * row came out shorter than laid out, and in a split the pane's border and the next pane's text moved
 * left. Dropped, the emoji show one by one (`👍`, `👨👩👧👦`), as wide on every terminal as counted.
 */
const SKIN_TONES = /(?<=\p{Extended_Pictographic})[\u{1F3FB}-\u{1F3FF}]/gu;
const EMOJI_JOINERS = /(?<=\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}]?)\u200d(?=\p{Extended_Pictographic})/gu;

/** Anything `clean` changes; plain printable text has none. */
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[\x00-\x1f\x7f-\x9f\u061c\u200d-\u200f\u202a-\u202e\u2066-\u2069\ufe0e\ufe0f]|\ud83c[\udffb-\udfff]/;

function clean(s: string, skinTones: boolean): string {
  if (!NEEDS_WORK.test(s)) return s;
  const out = s.replace(ANSI, '').replace(/\t/g, '    ').replace(CONTROLS, '').replace(BIDI, '').replace(PRESENTATION, '');
  return (skinTones ? out.replace(SKIN_TONES, '') : out).replace(EMOJI_JOINERS, '');
}

/**
 * Text safe to print in one line: escape sequences removed, tabs as spaces, other controls, bidi
 * overrides, presentation selectors and what joins emoji into one dropped.
 */
export function sanitize(s: string): string {
  return clean(s, true);
}

/**
 * `sanitize` for the cells of a terminal's screen (an exec pane, laid out by the daemon's emulator
 * as a shell counts them: a skin tone takes two cells there): skin tones are kept, so that every
 * character stays in its column and the cursor on the character it is on.
 */
export function sanitizeCells(s: string): string {
  return clean(s, false);
}

// eslint-disable-next-line no-control-regex
const LINE_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text for a terminal that keeps its lines and tabs: escape sequences and every other control
 * character (C0, DEL, C1; carriage returns too) and bidi override removed, so that what a cluster or a plugin put in
 * a name, a message or a log can never set the terminal's title or clipboard, move its cursor or
 * clear it.
 */
export function forTerminal(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(s)) return s;
  return s.replace(ANSI, '').replace(LINE_CONTROLS, '');
}

/** Cut to at most `width` cells; when cut, the last cell becomes `…`. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(s) <= width) return s;
  const out = clipToCells(s, width - 1);
  return out + '…' + ' '.repeat(Math.max(0, width - 1 - stringWidth(out)));
}

/** Cut to at most `width` cells without an ellipsis. */
export const clip = clipToCells;

/** Exactly `width` cells: truncated with `…` when too long, padded with spaces otherwise. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const t = truncate(s, width);
  const pad = ' '.repeat(Math.max(0, width - stringWidth(t)));
  return align === 'right' ? pad + t : t + pad;
}

/** Exactly `width` cells with the text centred (truncated when too long). */
export function centre(s: string, width: number): string {
  if (width <= 0) return '';
  const t = truncate(s, width);
  const free = Math.max(0, width - stringWidth(t));
  const left = Math.floor(free / 2);
  return ' '.repeat(left) + t + ' '.repeat(free - left);
}

/**
 * Word-wraps text into lines of at most `width` cells (long words are cut), stopping after
 * `maxLines` lines. A character wider than the whole width (a wide one in a 1-cell column) shows
 * as `…`.
 */
export function wrap(s: string, width: number, maxLines = Number.MAX_SAFE_INTEGER): string[] {
  if (width <= 0 || maxLines <= 0) return [];
  const out: string[] = [];
  for (const para of s.split('\n')) {
    const before = out.length;
    let line = '';
    for (const word of sanitize(para).split(/ +/)) {
      let w = word;
      while (stringWidth(w) > width) {
        if (line) {
          out.push(line);
          line = '';
        }
        let head = clip(w, width);
        // Every turn takes at least one character, or a too-wide one would loop here forever.
        const taken = head || String.fromCodePoint(w.codePointAt(0)!);
        if (!head) head = '…';
        out.push(head);
        w = w.slice(taken.length);
        if (out.length >= maxLines) return out;
      }
      // A word cut to its last cell leaves nothing to place.
      if (!w && word) continue;
      if (!line) line = w;
      else if (stringWidth(line) + 1 + stringWidth(w) <= width) line += ' ' + w;
      else {
        out.push(line);
        line = w;
        if (out.length >= maxLines) return out;
      }
    }
    // An empty paragraph is an empty line; a paragraph that ended on a cut adds none.
    if (line || out.length === before) out.push(line);
    if (out.length >= maxLines) return out;
  }
  return out;
}
