/**
 * Key strings: `[ctrl+][alt+][shift+]<key>`, lower-case, e.g. `j`, `shift+g`, `ctrl+q`,
 * `alt+v`, `alt+shift+up`, `f1`, `enter`. An upper-case letter means shift+letter.
 * The canonical form orders modifiers ctrl, alt, shift, and keeps `ctrl+shift+x` distinct
 * from `ctrl+x` (KubeTile folded them together; we do not).
 */
export const NAMED_KEYS = [
  'tab', 'enter', 'esc', 'backspace', 'delete', 'insert', 'up', 'down', 'left', 'right',
  'home', 'end', 'pageup', 'pagedown', 'space',
  'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10', 'f11', 'f12',
] as const;
const NAMED = new Set<string>(NAMED_KEYS);
const ALIASES: Record<string, string> = {
  escape: 'esc', return: 'enter', del: 'delete', pgup: 'pageup', pgdn: 'pagedown', ' ': 'space',
  arrowup: 'up', arrowdown: 'down', arrowleft: 'left', arrowright: 'right', backtab: 'shift+tab',
};

export interface KeyChord {
  key: string;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
}

export class KeyParseError extends Error {}

/** Parses a key string; throws KeyParseError naming what is wrong. */
export function parseKey(input: string): KeyChord {
  const raw = input.trim();
  if (raw.length === 0) throw new KeyParseError('empty key string');
  // A single '+' is the plus key; otherwise '+' separates modifiers.
  const parts = raw === '+' ? ['+'] : raw.endsWith('++') ? [...raw.slice(0, -2).split('+'), '+'] : raw.split('+');
  const chord: KeyChord = { key: '', ctrl: false, alt: false, shift: false };
  for (let i = 0; i < parts.length - 1; i++) {
    const m = parts[i]!.toLowerCase();
    if (m === 'ctrl' || m === 'control' || m === 'c') chord.ctrl = true;
    else if (m === 'alt' || m === 'meta' || m === 'm') chord.alt = true;
    else if (m === 'shift' || m === 's') chord.shift = true;
    else throw new KeyParseError(`unknown modifier '${parts[i]}' in key '${input}'`);
  }
  let key = parts[parts.length - 1]!;
  if (key.length === 0) throw new KeyParseError(`missing key after '+' in '${input}'`);
  const alias = ALIASES[key.toLowerCase()];
  if (alias) {
    if (alias.startsWith('shift+')) {
      chord.shift = true;
      key = alias.slice(6);
    } else key = alias;
  }
  if ([...key].length === 1) {
    if (key >= 'A' && key <= 'Z') {
      chord.shift = true;
      key = key.toLowerCase();
    }
  } else {
    key = key.toLowerCase();
    if (!NAMED.has(key)) throw new KeyParseError(`unknown key '${parts[parts.length - 1]}' in '${input}'`);
  }
  chord.key = key;
  return chord;
}

export function formatKey(chord: KeyChord): string {
  return `${chord.ctrl ? 'ctrl+' : ''}${chord.alt ? 'alt+' : ''}${chord.shift ? 'shift+' : ''}${chord.key}`;
}

/** Canonical form of a key string (throws KeyParseError on invalid input). */
export function normalizeKey(input: string): string {
  return formatKey(parseKey(input));
}

/** The text a key types, for text inputs (filters, selectors): a printable char or null. */
export function keyText(key: string): string | null {
  let chord: KeyChord;
  try {
    chord = parseKey(key);
  } catch {
    return null;
  }
  if (chord.ctrl || chord.alt) return null;
  if (chord.key === 'space') return ' ';
  if ([...chord.key].length !== 1) return null;
  return chord.shift ? chord.key.toUpperCase() : chord.key;
}

/** A human label: `Ctrl+Q`, `Alt+Shift+Up`, `Shift+G`, `F1`. */
export function displayKey(key: string): string {
  try {
    const c = parseKey(key);
    // A plain letter reads as typed (`f`); with modifiers it is upper-cased like a keycap (`Ctrl+Q`).
    const single = [...c.key].length === 1;
    const name = single ? (c.ctrl || c.alt || c.shift ? c.key.toUpperCase() : c.key) : c.key.charAt(0).toUpperCase() + c.key.slice(1);
    return `${c.ctrl ? 'Ctrl+' : ''}${c.alt ? 'Alt+' : ''}${c.shift ? 'Shift+' : ''}${name}`;
  } catch {
    return key;
  }
}
