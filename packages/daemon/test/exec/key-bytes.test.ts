import { describe, expect, it } from 'vitest';
import { keyBytes } from '../../src/panes/exec/key-bytes.js';
import { shellCommand, shQuote } from '../../src/panes/exec/shell-command.js';

/** Insert mode sends what an xterm sends for each key. */
describe('keys as a terminal sends them', () => {
  it('printable text, enter, backspace, tab, esc, space', () => {
    expect(keyBytes('a')).toBe('a');
    expect(keyBytes('shift+a')).toBe('A');
    expect(keyBytes('A')).toBe('A');
    expect(keyBytes(':')).toBe(':');
    expect(keyBytes('é')).toBe('é');
    expect(keyBytes('space')).toBe(' ');
    expect(keyBytes('enter')).toBe('\r');
    expect(keyBytes('backspace')).toBe('\x7f');
    expect(keyBytes('ctrl+backspace')).toBe('\x08');
    expect(keyBytes('tab')).toBe('\t');
    expect(keyBytes('shift+tab')).toBe('\x1b[Z');
    expect(keyBytes('esc')).toBe('\x1b');
  });

  it('ctrl+letter and ctrl+punctuation are control characters; alt prefixes ESC', () => {
    expect(keyBytes('ctrl+a')).toBe('\x01');
    expect(keyBytes('ctrl+c')).toBe('\x03');
    expect(keyBytes('ctrl+d')).toBe('\x04');
    expect(keyBytes('ctrl+z')).toBe('\x1a');
    expect(keyBytes('ctrl+shift+c')).toBe('\x03');
    expect(keyBytes('ctrl+space')).toBe('\x00');
    expect(keyBytes('ctrl+]')).toBe('\x1d');
    expect(keyBytes('ctrl+\\')).toBe('\x1c');
    expect(keyBytes('ctrl+_')).toBe('\x1f');
    expect(keyBytes('alt+b')).toBe('\x1bb');
    expect(keyBytes('alt+shift+b')).toBe('\x1bB');
    expect(keyBytes('ctrl+alt+a')).toBe('\x1b\x01');
    expect(keyBytes('alt+enter')).toBe('\x1b\r');
    expect(keyBytes('alt+backspace')).toBe('\x1b\x7f');
  });

  it('arrows, home and end: CSI, or SS3 in application cursor mode; modifiers as CSI 1;m', () => {
    expect(keyBytes('up')).toBe('\x1b[A');
    expect(keyBytes('down')).toBe('\x1b[B');
    expect(keyBytes('right')).toBe('\x1b[C');
    expect(keyBytes('left')).toBe('\x1b[D');
    expect(keyBytes('home')).toBe('\x1b[H');
    expect(keyBytes('end')).toBe('\x1b[F');
    expect(keyBytes('up', true)).toBe('\x1bOA');
    expect(keyBytes('left', true)).toBe('\x1bOD');
    expect(keyBytes('home', true)).toBe('\x1bOH');
    expect(keyBytes('ctrl+left')).toBe('\x1b[1;5D');
    expect(keyBytes('ctrl+left', true)).toBe('\x1b[1;5D');
    expect(keyBytes('shift+up')).toBe('\x1b[1;2A');
    expect(keyBytes('alt+right')).toBe('\x1b[1;3C');
  });

  it('page keys, insert, delete and function keys', () => {
    expect(keyBytes('pageup')).toBe('\x1b[5~');
    expect(keyBytes('pagedown')).toBe('\x1b[6~');
    expect(keyBytes('insert')).toBe('\x1b[2~');
    expect(keyBytes('delete')).toBe('\x1b[3~');
    expect(keyBytes('shift+delete')).toBe('\x1b[3;2~');
    expect(keyBytes('f1')).toBe('\x1bOP');
    expect(keyBytes('f4')).toBe('\x1bOS');
    expect(keyBytes('ctrl+f1')).toBe('\x1b[1;5P');
    expect(keyBytes('f5')).toBe('\x1b[15~');
    expect(keyBytes('f12')).toBe('\x1b[24~');
    expect(keyBytes('shift+f5')).toBe('\x1b[15;2~');
  });

  it('keys that are not keys send nothing', () => {
    expect(keyBytes('')).toBeNull();
    expect(keyBytes('ctrl+nope')).toBeNull();
    expect(keyBytes('hyper+a')).toBeNull();
    expect(keyBytes('ctrl+€')).toBeNull();
  });
});

describe('the first-shell script', () => {
  it('tries each shell with command -v, execs the first found, says so when none is there', () => {
    const argv = shellCommand(['zsh', 'bash', 'sh']);
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[2]).toBe(
      "command -v 'zsh' >/dev/null && exec 'zsh' || command -v 'bash' >/dev/null && exec 'bash' || command -v 'sh' >/dev/null && exec 'sh'; echo 'kubetile: none of zsh, bash, sh is in this container'; exit 127",
    );
    expect(shQuote("it's")).toBe(`'it'\\''s'`);
  });
});
