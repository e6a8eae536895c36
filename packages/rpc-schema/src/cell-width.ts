import { eastAsianWidth } from 'get-east-asian-width';

/**
 * How many terminal cells a code point takes, as the daemon (which wraps and scrolls text into a
 * pane of N columns) and the client (which paints it) must both count it: 0 for combining marks,
 * format characters and controls, 2 for East Asian Wide and Fullwidth ones (emoji included), 1
 * otherwise — what glibc's wcwidth and the common terminals say for nearly every code point. Both
 * sides use this one table; a terminal that counts a character differently shifts what follows it
 * on that row only.
 *
 * The categories come from the Unicode data built into the JavaScript engine (\p{…}) and the East
 * Asian Width table of get-east-asian-width; each code point is looked up once and then cached.
 */

/** Marks and format characters (zero width), line and paragraph separators. */
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\p{Zl}\p{Zp}]$/u;

/**
 * Format characters that are drawn: the soft hyphen and the prepended concatenation marks (Arabic
 * number signs and the like), one cell each in wcwidth.
 */
const DRAWN_FORMAT = new Set([0x00ad, 0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06dd, 0x070f, 0x0890, 0x0891, 0x08e2, 0x110bd, 0x110cd]);

/** Width + 1 of each code point once looked up (0: not yet). */
const cache = new Uint8Array(0x110000);

function lookUp(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  // Hangul medial vowels and final consonants join the syllable before them.
  if ((cp >= 0x1160 && cp <= 0x11ff) || (cp >= 0xd7b0 && cp <= 0xd7ff)) return 0;
  if (cp >= 0xd800 && cp <= 0xdfff) return 1;
  if (!DRAWN_FORMAT.has(cp) && ZERO.test(String.fromCodePoint(cp))) return 0;
  return eastAsianWidth(cp) === 2 ? 2 : 1;
}

/** Cells a code point takes: 0, 1 or 2. Control characters count 0 (sanitise text first). */
export function charWidth(cp: number): 0 | 1 | 2 {
  if (cp >= 0x20 && cp < 0x7f) return 1;
  if (!(cp >= 0 && cp < 0x110000)) return 1;
  const known = cache[cp]!;
  if (known !== 0) return (known - 1) as 0 | 1 | 2;
  const w = lookUp(cp);
  cache[cp] = w + 1;
  return w;
}

/** Printable ASCII only: one cell per character (pod names, ages, most of what a table shows). */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Cells a string takes (code point by code point; no grapheme clusters). */
export function stringWidth(s: string): number {
  // The common case without walking code points (every cell of every row, several times per frame).
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** The longest start of `s` that fits in `width` cells (a wide character that would cross the edge is left out). */
export function clipToCells(s: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(s) <= width) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = charWidth(ch.codePointAt(0)!);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out;
}
