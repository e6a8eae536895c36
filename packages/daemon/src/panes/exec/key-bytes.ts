import { parseKey, type KeyChord } from '@kubetile/rpc-schema';

/**
 * Insert mode: a key string (`a`, `shift+a`, `ctrl+c`, `alt+b`, `up`, `f5`, `esc`) → the bytes an
 * xterm-like terminal sends for it, so the program in the container reads what it would read
 * from a real terminal. `appCursor` is the emulated terminal's application cursor keys mode
 * (DECCKM, set by full-screen programs): arrows and home/end are then sent as SS3, not CSI.
 */

const ESC = '\x1b';
const CSI = `${ESC}[`;
const SS3 = `${ESC}O`;

/** xterm's modifier parameter: 1 + shift 1 + alt 2 + ctrl 4. */
const modParam = (k: KeyChord): number => 1 + (k.shift ? 1 : 0) + (k.alt ? 2 : 0) + (k.ctrl ? 4 : 0);
const hasMods = (k: KeyChord): boolean => k.shift || k.alt || k.ctrl;

/** Arrows, home and end: the final letter of their CSI/SS3 sequence. */
const CURSOR_FINALS: Record<string, string> = { up: 'A', down: 'B', right: 'C', left: 'D', home: 'H', end: 'F' };
/** Keys sent as `CSI n ~`. */
const TILDE_CODES: Record<string, number> = {
  insert: 2, delete: 3, pageup: 5, pagedown: 6,
  f5: 15, f6: 17, f7: 18, f8: 19, f9: 20, f10: 21, f11: 23, f12: 24,
};
/** F1–F4 are SS3 P–S (CSI 1;m P–S with modifiers). */
const PF_FINALS: Record<string, string> = { f1: 'P', f2: 'Q', f3: 'R', f4: 'S' };

/** Control characters for ctrl+ with a punctuation key (ctrl+letter is computed). */
const CTRL_PUNCT: Record<string, string> = {
  space: '\x00', '@': '\x00', '2': '\x00', '[': ESC, '3': ESC, '\\': '\x1c', '4': '\x1c', ']': '\x1d', '5': '\x1d',
  '^': '\x1e', '6': '\x1e', '_': '\x1f', '-': '\x1f', '7': '\x1f', '/': '\x1f', '?': '\x7f', '8': '\x7f',
};

/** The bytes for a key, or null for a key a terminal sends nothing for. */
export function keyBytes(key: string, appCursor = false): string | null {
  let k: KeyChord;
  try {
    k = parseKey(key);
  } catch {
    return null;
  }
  const name = k.key;
  const alt = (s: string): string => (k.alt ? ESC + s : s);

  const cursor = CURSOR_FINALS[name];
  if (cursor) {
    if (hasMods(k)) return `${CSI}1;${modParam(k)}${cursor}`;
    return (appCursor ? SS3 : CSI) + cursor;
  }
  const tilde = TILDE_CODES[name];
  if (tilde !== undefined) return hasMods(k) ? `${CSI}${tilde};${modParam(k)}~` : `${CSI}${tilde}~`;
  const pf = PF_FINALS[name];
  if (pf) return hasMods(k) ? `${CSI}1;${modParam(k)}${pf}` : SS3 + pf;

  switch (name) {
    case 'enter':
      return alt('\r');
    case 'tab':
      return k.shift ? `${CSI}Z` : alt('\t');
    case 'backspace':
      return alt(k.ctrl ? '\x08' : '\x7f');
    case 'esc':
      return alt(ESC);
    case 'space':
      return k.ctrl ? alt('\x00') : alt(' ');
  }

  const chars = [...name];
  if (chars.length !== 1) return null;
  if (k.ctrl) {
    const lower = name.toLowerCase();
    if (lower >= 'a' && lower <= 'z') return alt(String.fromCharCode(lower.charCodeAt(0) - 0x60));
    const c = CTRL_PUNCT[name];
    return c === undefined ? null : alt(c);
  }
  return alt(k.shift ? name.toUpperCase() : name);
}
