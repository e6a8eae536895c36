import { describe, expect, it } from 'vitest';
import { displayKey, KeyParseError, keyText, normalizeKey, parseKey } from '../src/index.js';

describe('key strings', () => {
  it('normalises modifier order and case', () => {
    expect(normalizeKey('Shift+Alt+Up')).toBe('alt+shift+up');
    expect(normalizeKey('ctrl+Q')).toBe('ctrl+shift+q');
    expect(normalizeKey('G')).toBe('shift+g');
    expect(normalizeKey('shift+g')).toBe('shift+g');
    expect(normalizeKey('Escape')).toBe('esc');
    expect(normalizeKey('F1')).toBe('f1');
    expect(normalizeKey(':')).toBe(':');
    expect(normalizeKey('/')).toBe('/');
    expect(normalizeKey('+')).toBe('+');
    expect(normalizeKey('ctrl++')).toBe('ctrl++');
    expect(normalizeKey('backtab')).toBe('shift+tab');
  });
  it('keeps ctrl+shift+p distinct from ctrl+p', () => {
    expect(normalizeKey('ctrl+shift+p')).not.toBe(normalizeKey('ctrl+p'));
  });
  it('rejects unknown modifiers and keys with a message naming them', () => {
    expect(() => parseKey('hyper+x')).toThrow(KeyParseError);
    expect(() => parseKey('hyper+x')).toThrow(/unknown modifier 'hyper'/);
    expect(() => parseKey('ctrl+banana')).toThrow(/unknown key 'banana'/);
    expect(() => parseKey('')).toThrow(/empty/);
    expect(() => parseKey('ctrl+')).toThrow(/missing key/);
  });
  it('tells the text a key types', () => {
    expect(keyText('a')).toBe('a');
    expect(keyText('shift+a')).toBe('A');
    expect(keyText('space')).toBe(' ');
    expect(keyText('ctrl+a')).toBeNull();
    expect(keyText('enter')).toBeNull();
    expect(keyText('é')).toBe('é');
  });
  it('renders human labels', () => {
    expect(displayKey('ctrl+q')).toBe('Ctrl+Q');
    expect(displayKey('alt+shift+up')).toBe('Alt+Shift+Up');
    expect(displayKey('f1')).toBe('F1');
    expect(displayKey('f')).toBe('f');
    expect(displayKey('shift+s')).toBe('Shift+S');
  });
});
