import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeKeys, KeyDecoder, PASTE_END, PASTE_START, type KeyDecoderOptions, type Paste } from '../src/input/decode-keys.js';

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

describe('KeyDecoder: bracketed paste', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const collect = (opts: Omit<KeyDecoderOptions, 'onPaste'> = {}) => {
    const events: Array<string | Paste> = [];
    const d = new KeyDecoder((k) => events.push(k), { ...opts, onPaste: (p) => events.push(p) });
    return { d, events };
  };

  it('a paste is text, never keys, in order with the keys around it', () => {
    const { d, events } = collect();
    d.push(`j${PASTE_START}dy\r\x04e\x1b[Ai\r${PASTE_END}k`);
    expect(events).toEqual(['j', { text: 'dy\r\x04e\x1b[Ai\r' }, 'k']);
  });

  it('finds both markers wherever the reads split them', () => {
    const whole = `x${PASTE_START}kubectl delete pod web-1\n${PASTE_END}q`;
    for (let a = 1; a < whole.length; a++) {
      for (const b of [a + 1, a + 3, whole.length - 1]) {
        if (b <= a || b >= whole.length) continue;
        const { d, events } = collect();
        d.push(whole.slice(0, a));
        d.push(whole.slice(a, b));
        d.push(whole.slice(b));
        // Right after the start's ESC, the ESC is the esc key already (a lone ESC is not held), the paste still a paste.
        const esc = a === 2 || (b === 2 && a < 2) ? ['esc'] : [];
        expect(events, `split at ${a}, ${b}`).toEqual(['x', ...esc, { text: 'kubectl delete pod web-1\n' }, 'q']);
      }
    }
  });

  it('the end marker one byte at a time', () => {
    const { d, events } = collect();
    d.push(PASTE_START);
    for (const ch of `a\x1b[20b${PASTE_END}`) d.push(ch);
    expect(events).toEqual([{ text: 'a\x1b[20b' }]);
  });

  it('both markers one byte at a time: the start ESC is the esc key, the rest still a paste', () => {
    const { d, events } = collect();
    for (const ch of `${PASTE_START}ab${PASTE_END}j`) d.push(ch);
    expect(events).toEqual(['esc', { text: 'ab' }, 'j']);
  });

  it('esc then [ typed apart are two keys', () => {
    vi.useFakeTimers();
    const { d, events } = collect();
    d.push('\x1b');
    d.push('[');
    vi.advanceTimersByTime(60);
    d.push('2');
    expect(events).toEqual(['esc', '[', '2']);
    d.dispose();
  });

  it('a paste longer than the limit is reported by its length, and the keys after it still come', () => {
    const { d, events } = collect({ maxPaste: 10 });
    d.push(PASTE_START + 'abcdefgh');
    d.push('ijklmnop' + PASTE_END + 'j');
    expect(events).toEqual([{ tooLong: 16 }, 'j']);
  });

  it('a paste whose end never comes ends after a second without input; keys are keys again', () => {
    vi.useFakeTimers();
    const { d, events } = collect({ pasteIdleMs: 1000 });
    d.push(`${PASTE_START}half a paste\x1b[20`);
    vi.advanceTimersByTime(999);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(events).toEqual([{ text: 'half a paste\x1b[20' }]);
    d.push('j');
    expect(events).toEqual([{ text: 'half a paste\x1b[20' }, 'j']);
    d.dispose();
  });

  it('an empty paste delivers nothing', () => {
    const { d, events } = collect();
    d.push(`${PASTE_START}${PASTE_END}j`);
    expect(events).toEqual(['j']);
  });
});
