import { parseKey } from '@kubetile/rpc-schema';

/** Keys whose legacy terminal encoding is another key's: the client can only ever receive the other one. */
const SAME_BYTES: Record<string, string> = {
  'ctrl+h': 'backspace (both are 0x08)',
  'ctrl+i': 'tab (both are 0x09)',
  'ctrl+j': 'enter (0x0a)',
  'ctrl+m': 'enter (both are 0x0d)',
  'ctrl+[': 'esc (both are 0x1b)',
  'ctrl+alt+h': 'alt+backspace',
  'ctrl+alt+i': 'alt+tab',
  'ctrl+alt+m': 'alt+enter',
  'ctrl+alt+[': 'alt+esc',
};

/**
 * Why a terminal can never deliver `key` to kubetile as that key, or null when it can. Terminals
 * encode keys as bytes; several combinations share their bytes with another key, so a binding on
 * them never fires (KubeTile's `ctrl+shift+l` was one). `key` must be canonical.
 */
export function unsendableReason(key: string): string | null {
  const same = SAME_BYTES[key];
  if (same) return `terminals send '${key}' as ${same}, so this binding can never fire; choose another key`;
  const chord = parseKey(key);
  if (chord.ctrl && chord.shift && /^[a-z]$/.test(chord.key)) {
    return `terminals send '${key}' exactly as '${key.replace('shift+', '')}' (the shift is lost), so this binding can never fire; choose another key`;
  }
  if (chord.ctrl && /^[0-9]$/.test(chord.key)) {
    return `terminals send no code of their own for '${key}' (ctrl with a digit), so this binding can never fire; choose another key`;
  }
  return null;
}
