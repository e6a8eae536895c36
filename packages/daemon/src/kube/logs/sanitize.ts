import { codePointSet } from '../../util/code-point-set.js';

/**
 * Terminal control in a log line: escape sequences (CSI, OSC, DCS/SOS/PM/APC, their 8-bit C1
 * forms, two-byte ESC sequences) are removed whole, so a log can never move the cursor, change
 * the title, write the clipboard or switch character sets on a client's terminal.
 */
const ESCAPES =
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?|[\x90\x98\x9e\x9f][^\x1b\x9c]*(?:\x1b\\|\x9c)?|\x1b[ -/]*[0-~]?/g;
/** Anything that may still drive a terminal once escapes are gone (C0, DEL, C1). */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;
/** Cheap test: most lines have nothing to clean. */
const NEEDS_WORK = /[\x00-\x1f\x7f-\x9f]/;

/**
 * Zero-width code points (combining marks, format characters, separators, Hangul jamo vowels and
 * finals: what rpc-schema's charWidth counts as no cell) after the first MAX_MARKS in a row.
 */
const MARKS = '[\\p{Mn}\\p{Me}\\p{Cf}\\p{Zl}\\p{Zp}\\u1160-\\u11ff\\ud7b0-\\ud7ff]';
const MAX_MARKS = 16;
const MARK = new RegExp(`^${MARKS}$`, 'u');
const MARK_RUNS = new RegExp(`(${MARKS}{${MAX_MARKS}})${MARKS}+`, 'gu');
const PAST_LATIN = /[^\u0000-\u02ff]/;
/** Whether a code point is one of MARKS (none is below U+0300). */
const isMark = codePointSet(MARK, 0x300);

/**
 * True when more than MAX_MARKS zero-width code points follow each other: a loop over UTF-16 units
 * with a table (the regular expression alone took ~18 ns a character on CJK text).
 */
function hasMarkRun(s: string): boolean {
  // Most log lines have no character past U+02FF: a native scan says so without the loop.
  if (!PAST_LATIN.test(s)) return false;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x300) {
      run = 0;
      continue;
    }
    let cp = c;
    if (c >= 0xd800 && c <= 0xdbff) {
      cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
    }
    if (!isMark(cp)) run = 0;
    else if (++run > MAX_MARKS) return true;
  }
  return false;
}

const TAB = 8;

function expandTabs(s: string): string {
  let out = '';
  let col = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) !== 9) continue;
    out += s.slice(from, i);
    col += i - from;
    const pad = TAB - (col % TAB);
    out += ' '.repeat(pad);
    col += pad;
    from = i + 1;
  }
  return out + s.slice(from);
}

/**
 * What a terminal would be left showing of a line redrawn with carriage returns (a progress bar):
 * the last text after a `\r` (a trailing `\r`, as in CRLF, redraws nothing).
 */
function lastRedraw(s: string): string {
  const parts = s.split('\r');
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i] !== '') return parts[i]!;
  return '';
}

/**
 * A log line made safe to show: escape sequences removed, tabs expanded to 8-column stops, only
 * the last redraw of a line redrawn with carriage returns kept, any other control character shown as a space (as KubeTile did),
 * runs of zero-width code points cut to MAX_MARKS.
 */
export function sanitizeLogText(s: string): string {
  return finishLogText(cleanLogText(s));
}

/**
 * The first steps of sanitizeLogText: escape sequences, earlier redraws and overlong runs of marks
 * removed. Tabs and other control characters are left for finishLogText (or for a view that
 * expands only the part it shows: a 64 KiB line of tabs is half a million cells).
 */
export function cleanLogText(s: string): string {
  // "Zalgo" text (a letter under thousands of accents) is one cell; walking and sending all of them
  // for every row of every frame took the daemon ~7 ms per 64 KiB line shown.
  const t = hasMarkRun(s) ? s.replace(MARK_RUNS, '$1') : s;
  if (!NEEDS_WORK.test(t)) return t;
  const u = t.replace(ESCAPES, '');
  return u.includes('\r') ? lastRedraw(u) : u;
}

/** True when cleaned text still has a tab or control character (finishLogText has work to do). */
export const hasControl = (u: string): boolean => NEEDS_WORK.test(u);

/** The last step of sanitizeLogText on cleaned text: tabs expanded to 8-column stops, any other control character a space. */
export function finishLogText(u: string): string {
  if (!NEEDS_WORK.test(u)) return u;
  return (u.includes('\t') ? expandTabs(u) : u).replace(CONTROL, ' ');
}

/** Tab stops every TAB columns, counted in UTF-16 units of the cleaned text from its start. */
export const TAB_STOP = TAB;
