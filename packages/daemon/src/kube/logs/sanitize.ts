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
 * the last redraw of a line redrawn with carriage returns kept, any other control character shown as a space (as KubeTile did).
 */
export function sanitizeLogText(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  let t = s.replace(ESCAPES, '');
  if (t.includes('\r')) t = lastRedraw(t);
  if (t.includes('\t')) t = expandTabs(t);
  return t.replace(CONTROL, ' ');
}
