import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeKeys, KeyDecoder } from '../src/input/decode-keys.js';

const keys = (s: string): string[] => decodeKeys(s).keys;

describe('decodeKeys', () => {
  it('printable characters, with upper case as shift+letter', () => {
    expect(keys('j')).toEqual(['j']);
    expect(keys('G')).toEqual(['shift+g']);
    expect(keys(':')).toEqual([':']);
    expect(keys('/')).toEqual(['/']);
    expect(keys('+')).toEqual(['+']);
    expect(keys('?')).toEqual(['?']);
    expect(keys('1')).toEqual(['1']);
    expect(keys(' ')).toEqual(['space']);
  });

  it('UTF-8 characters, also several and astral ones', () => {
    expect(keys('é')).toEqual(['é']);
    expect(keys('日本')).toEqual(['日', '本']);
    expect(keys('😀x')).toEqual(['😀', 'x']);
  });

  it('enter, tab, shift+tab, backspace, esc', () => {
    expect(keys('\r')).toEqual(['enter']);
    expect(keys('\n')).toEqual(['enter']);
    expect(keys('\t')).toEqual(['tab']);
    expect(keys('\x1b[Z')).toEqual(['shift+tab']);
    expect(keys('\x7f')).toEqual(['backspace']);
    expect(keys('\x08')).toEqual(['backspace']);
    expect(keys('\x1b')).toEqual(['esc']);
  });

  it('ctrl+letter bytes and ctrl+space', () => {
    expect(keys('\x01')).toEqual(['ctrl+a']);
    expect(keys('\x11')).toEqual(['ctrl+q']);
    expect(keys('\x14')).toEqual(['ctrl+t']);
    expect(keys('\x17')).toEqual(['ctrl+w']);
    expect(keys('\x1a')).toEqual(['ctrl+z']);
    expect(keys('\x03')).toEqual(['ctrl+c']);
    expect(keys('\x00')).toEqual(['ctrl+space']);
    expect(keys('\x1c\x1d\x1f')).toEqual(['ctrl+\\', 'ctrl+]', 'ctrl+_']);
  });

  it('alt+char, alt+shift+char and alt with ctrl keys', () => {
    expect(keys('\x1bv')).toEqual(['alt+v']);
    expect(keys('\x1bV')).toEqual(['alt+shift+v']);
    expect(keys('\x1b1')).toEqual(['alt+1']);
    expect(keys('\x1bx')).toEqual(['alt+x']);
    expect(keys('\x1b\r')).toEqual(['alt+enter']);
    expect(keys('\x1b\x7f')).toEqual(['alt+backspace']);
    expect(keys('\x1b ')).toEqual(['alt+space']);
    expect(keys('\x1b\x01')).toEqual(['ctrl+alt+a']);
  });

  it('arrows in CSI and SS3 form', () => {
    expect(keys('\x1b[A\x1b[B\x1b[C\x1b[D')).toEqual(['up', 'down', 'right', 'left']);
    expect(keys('\x1bOA\x1bOB\x1bOC\x1bOD')).toEqual(['up', 'down', 'right', 'left']);
    expect(keys('\x1b[H\x1b[F\x1bOH\x1bOF')).toEqual(['home', 'end', 'home', 'end']);
  });

  it('modified arrows, home and end: every xterm modifier', () => {
    const mods: Record<number, string> = {
      2: 'shift+', 3: 'alt+', 4: 'alt+shift+', 5: 'ctrl+', 6: 'ctrl+shift+', 7: 'ctrl+alt+', 8: 'ctrl+alt+shift+',
    };
    for (const [m, prefix] of Object.entries(mods)) {
      expect(keys(`\x1b[1;${m}A`)).toEqual([`${prefix}up`]);
      expect(keys(`\x1b[1;${m}B`)).toEqual([`${prefix}down`]);
      expect(keys(`\x1b[1;${m}C`)).toEqual([`${prefix}right`]);
      expect(keys(`\x1b[1;${m}D`)).toEqual([`${prefix}left`]);
      expect(keys(`\x1b[1;${m}H`)).toEqual([`${prefix}home`]);
      expect(keys(`\x1b[1;${m}F`)).toEqual([`${prefix}end`]);
    }
    expect(keys('\x1b[1;4A')).toEqual(['alt+shift+up']);
    // ESC-prefixed arrows (alt+arrow in some terminals).
    expect(keys('\x1b\x1b[A')).toEqual(['alt+up']);
  });

  it('function keys', () => {
    expect(keys('\x1bOP\x1bOQ\x1bOR\x1bOS')).toEqual(['f1', 'f2', 'f3', 'f4']);
    const tilde = { 11: 'f1', 12: 'f2', 13: 'f3', 14: 'f4', 15: 'f5', 17: 'f6', 18: 'f7', 19: 'f8', 20: 'f9', 21: 'f10', 23: 'f11', 24: 'f12' };
    for (const [n, name] of Object.entries(tilde)) expect(keys(`\x1b[${n}~`)).toEqual([name]);
    expect(keys('\x1b[1;2P')).toEqual(['shift+f1']);
    expect(keys('\x1b[15;5~')).toEqual(['ctrl+f5']);
    expect(keys('\x1b[[A\x1b[[E')).toEqual(['f1', 'f5']);
  });

  it('home, end, insert, delete, page up and down, with modifiers', () => {
    expect(keys('\x1b[1~\x1b[4~\x1b[7~\x1b[8~')).toEqual(['home', 'end', 'home', 'end']);
    expect(keys('\x1b[2~')).toEqual(['insert']);
    expect(keys('\x1b[3~')).toEqual(['delete']);
    expect(keys('\x1b[5~\x1b[6~')).toEqual(['pageup', 'pagedown']);
    expect(keys('\x1b[5;5~\x1b[6;5~')).toEqual(['ctrl+pageup', 'ctrl+pagedown']);
    expect(keys('\x1b[3;2~')).toEqual(['shift+delete']);
    expect(keys('\x1b[6;3~')).toEqual(['alt+pagedown']);
  });

  it('CSI u and modifyOtherKeys forms', () => {
    expect(keys('\x1b[113;5u')).toEqual(['ctrl+q']);
    expect(keys('\x1b[108;6u')).toEqual(['ctrl+shift+l']);
    expect(keys('\x1b[27;6;76~')).toEqual(['ctrl+shift+l']);
    expect(keys('\x1b[13;3u')).toEqual(['alt+enter']);
  });

  it('the kitty keyboard protocol (disambiguate), which the client asks terminals for', () => {
    // Keys legacy bytes cannot tell apart: ctrl+shift+p from ctrl+p, ctrl+enter from enter, esc from a sequence.
    expect(keys('\x1b[112;6u\x1b[112;5u')).toEqual(['ctrl+shift+p', 'ctrl+p']);
    expect(keys('\x1b[13;5u\x1b[27u\x1b[9;2u')).toEqual(['ctrl+enter', 'esc', 'shift+tab']);
    expect(keys('\x1b[105;5u\x1b[32;5u\x1b[118;3u')).toEqual(['ctrl+i', 'ctrl+space', 'alt+v']);
    // Alternate-key sub-fields are ignored; lock bits (caps 64, num 128) are not modifiers.
    expect(keys('\x1b[112:80;6u\x1b[113;133u')).toEqual(['ctrl+shift+p', 'ctrl+q']);
    // The keypad comes as private-use codes: read as the keys it types.
    expect(keys('\x1b[57400u\x1b[57399u\x1b[57414u\x1b[57412u\x1b[57419u\x1b[57422u')).toEqual(['1', '0', 'enter', '-', 'up', 'pagedown']);
    // Other private-use codes (F13, media keys, caps lock) and code points past Unicode are no key, and nothing after them is lost.
    expect(keys('\x1b[57376u\x1b[57428u\x1b[57358ux')).toEqual(['x']);
    expect(keys('\x1b[1114112u\x1b[99999999999u\x1b[1114111;5uy')).toEqual(['y']);
  });

  it('several keys in one chunk (fast typing, tmux send-keys)', () => {
    expect(keys('abc')).toEqual(['a', 'b', 'c']);
    expect(keys('/web\r')).toEqual(['/', 'w', 'e', 'b', 'enter']);
    expect(keys('jj\x1b[Bk\x1bvG\x11')).toEqual(['j', 'j', 'down', 'k', 'alt+v', 'shift+g', 'ctrl+q']);
    expect(keys('\x1b\x1b')).toEqual(['esc', 'esc']);
    expect(keys('\x1b[A\x1b')).toEqual(['up', 'esc']);
  });

  it('drops unknown and private sequences without eating the keys after them', () => {
    expect(keys('\x1b[?1;2cx')).toEqual(['x']);
    expect(keys('\x1b[200~')).toEqual([]);
    expect(keys('\x1b[99zq')).toEqual(['q']);
  });

  it('keeps an incomplete escape sequence for the next chunk when not final', () => {
    expect(decodeKeys('a\x1b[1;', false)).toEqual({ keys: ['a'], rest: '\x1b[1;' });
    expect(decodeKeys('\x1b[', false)).toEqual({ keys: [], rest: '\x1b[' });
    expect(decodeKeys('\x1bO', false)).toEqual({ keys: [], rest: '\x1bO' });
    // A lone ESC at the end is the esc key right away.
    expect(decodeKeys('\x1b', false)).toEqual({ keys: ['esc'], rest: '' });
    // At the end of input (final), `ESC [` is alt+[.
    expect(decodeKeys('\x1b[', true).keys).toEqual(['alt+[']);
  });
});

describe('KeyDecoder', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('joins a sequence split across chunks', () => {
    const out: string[] = [];
    const d = new KeyDecoder((k) => out.push(k));
    d.push('x\x1b[1;');
    d.push('3A');
    expect(out).toEqual(['x', 'alt+up']);
  });

  it('flushes a dangling sequence after a short delay', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const d = new KeyDecoder((k) => out.push(k), 50);
    d.push('\x1b[');
    expect(out).toEqual([]);
    vi.advanceTimersByTime(60);
    expect(out).toEqual(['alt+[']);
    d.dispose();
  });
});
