import { normalizeKey } from '@kubetile/rpc-schema/light';

/**
 * Raw terminal input → canonical key strings (`j`, `shift+g`, `ctrl+q`, `alt+shift+up`, `f1`…).
 * Pure: `decodeKeys` takes the text read so far and returns the keys it holds plus any trailing
 * incomplete escape sequence, which the caller keeps until more input arrives (`KeyDecoder`).
 */

export interface Decoded {
  keys: string[];
  /** An incomplete escape sequence at the end of the input, to prepend to the next chunk. */
  rest: string;
}

interface Mods {
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
}

const NO_MODS: Mods = { ctrl: false, alt: false, shift: false };

const withMods = (key: string, m: Mods): string =>
  `${m.ctrl ? 'ctrl+' : ''}${m.alt ? 'alt+' : ''}${m.shift ? 'shift+' : ''}${key}`;

/** xterm modifier parameter: 1 + (shift 1 | alt 2 | ctrl 4 | meta 8). */
function modsFromParam(p: number | undefined): Mods {
  if (p === undefined || !Number.isFinite(p) || p < 2) return NO_MODS;
  const bits = p - 1;
  return { shift: (bits & 1) !== 0, alt: (bits & 2) !== 0 || (bits & 8) !== 0, ctrl: (bits & 4) !== 0 };
}

const orMods = (a: Mods, b: Mods): Mods => ({ ctrl: a.ctrl || b.ctrl, alt: a.alt || b.alt, shift: a.shift || b.shift });

const LETTER_FINALS: Record<string, string> = {
  A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end',
  P: 'f1', Q: 'f2', R: 'f3', S: 'f4',
};

const TILDE_CODES: Record<number, string> = {
  1: 'home', 2: 'insert', 3: 'delete', 4: 'end', 5: 'pageup', 6: 'pagedown', 7: 'home', 8: 'end',
  11: 'f1', 12: 'f2', 13: 'f3', 14: 'f4', 15: 'f5', 17: 'f6', 18: 'f7', 19: 'f8', 20: 'f9', 21: 'f10',
  23: 'f11', 24: 'f12',
};

/**
 * The kitty keyboard protocol's own codes (Unicode private use) for keys that have no character:
 * with disambiguation on, the keypad's keys come as these (`CSI 57399 u` is keypad 0), and read as
 * the keys they type. Any other private-use code (F13 and up, media keys, locks) is not a key here.
 */
const KITTY_KEYPAD: Record<number, string> = {
  57399: '0', 57400: '1', 57401: '2', 57402: '3', 57403: '4', 57404: '5', 57405: '6', 57406: '7', 57407: '8', 57408: '9',
  57409: '.', 57410: '/', 57411: '*', 57412: '-', 57413: '+', 57414: 'enter', 57415: '=', 57416: ',',
  57417: 'left', 57418: 'right', 57419: 'up', 57420: 'down', 57421: 'pageup', 57422: 'pagedown', 57423: 'home', 57424: 'end',
  57425: 'insert', 57426: 'delete',
};
const PRIVATE_USE = (code: number): boolean => code >= 0xe000 && code <= 0xf8ff;

/** A CSI u code that names a character a key types (a letter, digit, mark, punctuation, symbol), else null. */
function typedChar(code: number): string | null {
  if (code <= 32 || code > 0x10ffff) return null;
  const ch = String.fromCodePoint(code);
  return /^[\p{L}\p{N}\p{M}\p{P}\p{S}]$/u.test(ch) ? ch : null;
}

/**
 * The keypad in application mode (DECKPAM, `ESC =`: an editor killed before it could undo it leaves
 * it on) sends `ESC O <final>`: these are the keys it types. Read as `alt+shift+o` and a letter, keypad
 * 9 would be `y` (yes to a question) and 8 `x`.
 */
const SS3_KEYPAD: Record<string, string> = {
  p: '0', q: '1', r: '2', s: '3', t: '4', u: '5', v: '6', w: '7', x: '8', y: '9',
  j: '*', k: '+', l: ',', m: '-', n: '.', o: '/', M: 'enter', X: '=', I: 'tab', ' ': 'space',
};

/** Linux console function keys: `ESC [ [ A` … `ESC [ [ E`. */
const LINUX_F: Record<string, string> = { A: 'f1', B: 'f2', C: 'f3', D: 'f4', E: 'f5' };

/** A key from a single (non-escape) character, or null for one we cannot name. */
function keyOfChar(ch: string): string | null {
  const c = ch.codePointAt(0)!;
  if (c === 0x0d || c === 0x0a) return 'enter';
  if (c === 0x09) return 'tab';
  if (c === 0x7f || c === 0x08) return 'backspace';
  if (c === 0x00) return 'ctrl+space';
  if (c >= 0x01 && c <= 0x1a) return `ctrl+${String.fromCharCode(c + 0x60)}`;
  if (c === 0x1c) return 'ctrl+\\';
  if (c === 0x1d) return 'ctrl+]';
  if (c === 0x1e) return 'ctrl+^';
  if (c === 0x1f) return 'ctrl+_';
  if (c < 0x20 || (c >= 0x80 && c < 0xa0)) return null;
  if (ch === ' ') return 'space';
  try {
    return normalizeKey(ch);
  } catch {
    return null;
  }
}

/** Adds alt to a key produced by keyOfChar (e.g. `ctrl+a` → `ctrl+alt+a`, `shift+v` → `alt+shift+v`). */
function addAlt(key: string): string {
  try {
    return normalizeKey(`alt+${key}`);
  } catch {
    return key;
  }
}

/** `key` with modifiers, normalized (`shift+9` stays as the terminal said); null if it is no key. */
function keyWithMods(key: string, m: Mods): string | null {
  try {
    return normalizeKey(withMods(key, m));
  } catch {
    return null;
  }
}

type Parsed = { kind: 'key'; key: string | null; length: number } | { kind: 'incomplete' };

/** Parses an escape sequence starting at `s[i] === ESC`. */
function parseEscape(s: string, i: number, final: boolean): Parsed {
  const next = s[i + 1];
  if (next === undefined) return { kind: 'key', key: 'esc', length: 1 };
  if (next === '[') return parseCsi(s, i, final);
  if (next === 'O') {
    const f = s[i + 2];
    if (f === undefined) return final ? { kind: 'key', key: 'alt+shift+o', length: 2 } : { kind: 'incomplete' };
    // SS3 with an optional modifier digit (`ESC O 2 P` from some terminals).
    let j = i + 2;
    let mod: number | undefined;
    if (f >= '1' && f <= '9') {
      mod = Number(f);
      j++;
      if (s[j] === undefined) return final ? { kind: 'key', key: null, length: j - i } : { kind: 'incomplete' };
    }
    const name = LETTER_FINALS[s[j]!];
    if (name) return { kind: 'key', key: withMods(name, modsFromParam(mod)), length: j - i + 1 };
    const pad = SS3_KEYPAD[s[j]!];
    if (pad) return { kind: 'key', key: keyWithMods(pad, modsFromParam(mod)), length: j - i + 1 };
    // Keypad 5 with num lock off (`begin`): no key here.
    if (s[j] === 'E') return { kind: 'key', key: null, length: j - i + 1 };
    if (mod === undefined) {
      // Not an SS3 key we know: ESC O is alt+shift+o and the char is typed next.
      return { kind: 'key', key: 'alt+shift+o', length: 2 };
    }
    return { kind: 'key', key: null, length: j - i + 1 };
  }
  if (next === '\x1b') {
    // ESC ESC <seq>: some terminals send alt+arrow this way. A lone ESC ESC is two esc keys.
    const third = s[i + 2];
    if (third === '[' || third === 'O') {
      const inner = parseEscape(s, i + 1, final);
      if (inner.kind === 'incomplete') return inner;
      return { kind: 'key', key: inner.key === null ? null : addAlt(inner.key), length: inner.length + 1 };
    }
    return { kind: 'key', key: 'esc', length: 1 };
  }
  // ESC <char>: alt+char.
  const cp = next.codePointAt(0)!;
  const ch = String.fromCodePoint(cp);
  const k = keyOfChar(ch);
  return { kind: 'key', key: k === null ? null : addAlt(k), length: 1 + ch.length };
}

function parseCsi(s: string, i: number, final: boolean): Parsed {
  let j = i + 2;
  // Linux console F1–F5: ESC [ [ A–E.
  if (s[j] === '[') {
    const f = s[j + 1];
    if (f === undefined) return final ? { kind: 'key', key: null, length: 3 } : { kind: 'incomplete' };
    return { kind: 'key', key: LINUX_F[f] ?? null, length: 4 };
  }
  const start = j;
  while (j < s.length && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x3f) j++; // parameter bytes
  while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++; // intermediate bytes
  if (j >= s.length) {
    if (!final) return { kind: 'incomplete' };
    // Input ended inside the sequence: `ESC [` alone is alt+[.
    return j === start ? { kind: 'key', key: 'alt+[', length: 2 } : { kind: 'key', key: null, length: j - i };
  }
  const fc = s.charCodeAt(j);
  if (fc < 0x40 || fc > 0x7e) {
    // Not a CSI after all: treat `ESC [` as alt+[ and carry on after it.
    return { kind: 'key', key: 'alt+[', length: 2 };
  }
  const finalChar = s[j]!;
  const params = s.slice(start, j);
  const length = j - i + 1;
  if (finalChar === 'M' && j === start) {
    // An X10/normal mouse report (`ESC [ M` and three characters: button, column, row; mouse
    // tracking left on by an editor that was killed): the three are the report, never keys (a
    // click at column 88 would otherwise type `y`).
    let end = j + 1;
    for (let n = 0; n < 3; n++) {
      if (end >= s.length) return final ? { kind: 'key', key: null, length: end - i } : { kind: 'incomplete' };
      end += String.fromCodePoint(s.codePointAt(end)!).length;
    }
    return { kind: 'key', key: null, length: end - i };
  }
  if (/[<=>?]/.test(params)) return { kind: 'key', key: null, length }; // private sequences (replies, mouse)
  const nums = params.split(';').map((p) => (p === '' ? undefined : Number(p.split(':')[0])));
  if (finalChar === 'Z') return { kind: 'key', key: withMods('tab', orMods(modsFromParam(nums[1]), { ...NO_MODS, shift: true })), length };
  if (finalChar === 'u' || (finalChar === '~' && nums[0] === 27)) {
    // CSI u (fixterms / kitty): `code;mods u`; xterm modifyOtherKeys: `27;mods;code ~`.
    const code = finalChar === 'u' ? nums[0] : nums[2];
    const modParam = nums[1];
    if (code === undefined) return { kind: 'key', key: null, length };
    const base =
      code === 13 ? 'enter' : code === 9 ? 'tab' : code === 27 ? 'esc' : code === 127 ? 'backspace' : code === 32 ? 'space'
      : PRIVATE_USE(code) ? (KITTY_KEYPAD[code] ?? null)
      : typedChar(code);
    if (base === null) return { kind: 'key', key: null, length };
    try {
      return { kind: 'key', key: normalizeKey(withMods(base, modsFromParam(modParam))), length };
    } catch {
      return { kind: 'key', key: null, length };
    }
  }
  if (finalChar === '~') {
    const name = nums[0] === undefined ? undefined : TILDE_CODES[nums[0]];
    return { kind: 'key', key: name ? withMods(name, modsFromParam(nums[1])) : null, length };
  }
  const name = LETTER_FINALS[finalChar];
  if (name) return { kind: 'key', key: withMods(name, modsFromParam(nums.length > 1 ? nums[1] : undefined)), length };
  return { kind: 'key', key: null, length };
}

/**
 * Decodes input text into key strings. `final` (default true) treats input that ends inside an
 * escape sequence as complete; with `final: false` that tail is returned in `rest` instead.
 */
export function decodeKeys(input: string, final = true): Decoded {
  const keys: string[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === '\x1b') {
      const p = parseEscape(input, i, final);
      if (p.kind === 'incomplete') return { keys, rest: input.slice(i) };
      if (p.key !== null) keys.push(p.key);
      i += p.length;
      continue;
    }
    const cp = input.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const k = keyOfChar(ch);
    if (k !== null) keys.push(k);
    i += ch.length;
  }
  return { keys, rest: '' };
}

/** Bracketed paste (mode 2004): the terminal sends a paste between these two sequences. */
export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

/** What a bracketed paste delivers: its text, or how long it was when it was too long to send. */
export type Paste = { text: string } | { tooLong: number };

export interface KeyDecoderOptions {
  /** A lone escape-sequence start is flushed as keys after this long (ms). */
  flushMs?: number;
  /** A bracketed paste, whole (its text never becomes keys). Without it, pastes are dropped. */
  onPaste?: (paste: Paste) => void;
  /** The longest paste kept, in UTF-16 units; a longer one is reported as `tooLong`. */
  maxPaste?: number;
  /** A paste whose end marker has not come after this long without input ends there (ms). */
  pasteIdleMs?: number;
}

/**
 * Stateful wrapper for a stream: keeps an incomplete escape sequence until the next chunk, and
 * flushes it as-is when nothing follows within `flushMs` (a lone ESC at the end of a chunk is esc
 * right away, as terminals send escape sequences in one write). Text between PASTE_START and
 * PASTE_END is a paste, whole, across any number of chunks; it is never read as keys. A paste whose
 * end never comes (a terminal that lost it) ends after `pasteIdleMs` without input, so the keys
 * after it are not swallowed.
 */
export class KeyDecoder {
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Inside a paste: its text so far (emptied once it is longer than maxPaste: only its length is
   * kept then), its length, and the tail that may be the start of PASTE_END.
   */
  private paste: { parts: string[]; length: number; tail: string } | null = null;
  private readonly flushMs: number;
  private readonly maxPaste: number;
  private readonly pasteIdleMs: number;
  private readonly onPasteFn: ((paste: Paste) => void) | null;
  /** The last read ended with a lone ESC, given as the esc key. */
  private loneEsc = false;

  constructor(
    private readonly onKey: (key: string) => void,
    opts: number | KeyDecoderOptions = {},
  ) {
    const o = typeof opts === 'number' ? { flushMs: opts } : opts;
    this.flushMs = o.flushMs ?? 50;
    this.maxPaste = o.maxPaste ?? Number.MAX_SAFE_INTEGER;
    this.pasteIdleMs = o.pasteIdleMs ?? 1000;
    this.onPasteFn = o.onPaste ?? null;
  }

  push(chunk: string): void {
    this.clearTimer();
    let input = this.pending + chunk;
    this.pending = '';
    // A lone ESC at the end of a read is the esc key at once (see above); if the reads after it
    // bring the rest of PASTE_START, that was a paste's start split after its first byte: the esc
    // went out (harmless: it only backs out), the paste is still a paste, not keys. Until they
    // tell, a beginning of that rest waits (at most flushMs, like any unfinished sequence).
    if (this.loneEsc && !this.paste) {
      const rest = PASTE_START.slice(1);
      if (input.startsWith(rest)) {
        this.startPaste();
        input = input.slice(rest.length);
      } else if (rest.startsWith(input)) {
        this.pending = input;
        this.arm(() => this.flush(), this.flushMs);
        return;
      }
    }
    this.loneEsc = false;
    while (input) {
      if (this.paste) {
        input = this.pasteChunk(input);
        continue;
      }
      const start = input.indexOf(PASTE_START);
      if (start < 0) {
        const { keys, rest } = decodeKeys(input, false);
        this.pending = rest;
        this.loneEsc = rest === '' && input.endsWith('\x1b') && !input.endsWith('\x1b\x1b');
        for (const k of keys) this.onKey(k);
        break;
      }
      // What came before the paste is complete: it ends where the paste's marker begins.
      for (const k of decodeKeys(input.slice(0, start), true).keys) this.onKey(k);
      this.startPaste();
      input = input.slice(start + PASTE_START.length);
    }
    if (this.paste) this.arm(() => this.endPaste(), this.pasteIdleMs);
    else if (this.pending) this.arm(() => this.flush(), this.flushMs);
  }

  private startPaste(): void {
    this.paste = { parts: [], length: 0, tail: '' };
  }

  /** Takes paste text up to PASTE_END (then ends the paste); returns the input after the marker. */
  private pasteChunk(input: string): string {
    const p = this.paste!;
    const joined = p.tail + input;
    const end = joined.indexOf(PASTE_END);
    if (end < 0) {
      // Keep back what could be the start of the end marker split across reads.
      const keep = Math.min(joined.length, PASTE_END.length - 1);
      this.keepPaste(joined.slice(0, joined.length - keep));
      p.tail = joined.slice(joined.length - keep);
      return '';
    }
    this.keepPaste(joined.slice(0, end));
    p.tail = '';
    this.endPaste();
    return joined.slice(end + PASTE_END.length);
  }

  private keepPaste(text: string): void {
    const p = this.paste!;
    if (!text) return;
    p.length += text.length;
    if (p.length <= this.maxPaste) p.parts.push(text);
    else p.parts.length = 0;
  }

  private endPaste(): void {
    const p = this.paste;
    if (!p) return;
    this.clearTimer();
    this.keepPaste(p.tail);
    this.paste = null;
    if (p.length === 0 || !this.onPasteFn) return;
    this.onPasteFn(p.length > this.maxPaste ? { tooLong: p.length } : { text: p.parts.join('') });
  }

  private arm(run: () => void, ms: number): void {
    this.timer = setTimeout(run, ms);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  flush(): void {
    this.clearTimer();
    this.loneEsc = false;
    this.endPaste();
    const p = this.pending;
    this.pending = '';
    if (p) for (const k of decodeKeys(p, true).keys) this.onKey(k);
  }

  dispose(): void {
    this.clearTimer();
    this.pending = '';
    this.paste = null;
  }
}
