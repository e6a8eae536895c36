import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeKeys, KeyDecoder } from '../src/input/decode-keys.js';

/**
 * What a terminal left in a mode kubetile did not ask for sends (an editor killed while it had the
 * keypad in application mode or mouse tracking on): it must never turn into keys the user did
 * not press — above all not `y` (yes to a question), `space` (mark) or letters that act.
 */

const keys = (s: string): string[] => decodeKeys(s).keys;

describe('decodeKeys: modes left on by another program', () => {
  it('the keypad in application mode (ESC O p … ESC O y) types its digits, not alt+shift+o and a letter', () => {
    expect(keys('\x1bOy')).toEqual(['9']);
    expect(keys('\x1bOx')).toEqual(['8']);
    expect(keys('\x1bOp\x1bOq\x1bOr\x1bOs\x1bOt\x1bOu\x1bOv\x1bOw')).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(keys('\x1bOM')).toEqual(['enter']);
    expect(keys('\x1bOk\x1bOm\x1bOj\x1bOo\x1bOn')).toEqual(['+', '-', '*', '/', '.']);
    // Keypad 5 with num lock off: no key.
    expect(keys('\x1bOE')).toEqual([]);
    // Arrows and F1–F4 in SS3 form are as before.
    expect(keys('\x1bOA\x1bOP')).toEqual(['up', 'f1']);
  });

  it('an X10 mouse report (ESC [ M b x y) is no keys, also when split across reads', () => {
    // A press at column 88 (x = 32 + 88 = "x"… "y" is column 89), row 1.
    expect(keys('\x1b[M y!')).toEqual([]);
    expect(keys('\x1b[M#y!j')).toEqual(['j']);
    // Coordinates past 95 arrive as bytes that are not UTF-8 (U+FFFD once decoded).
    expect(keys('\x1b[M \uFFFD\uFFFDk')).toEqual(['k']);
    expect(decodeKeys('\x1b[M y', false)).toEqual({ keys: [], rest: '\x1b[M y' });
    // SGR and urxvt reports stay no keys.
    expect(keys('\x1b[<0;89;1M\x1b[<0;89;1m\x1b[32;89;1M')).toEqual([]);
  });
});

describe('KeyDecoder: a mouse report cut across reads', () => {
  afterEach(() => vi.useRealTimers());

  it('gives no keys for the report, and the key after it', () => {
    vi.useFakeTimers();
    const got: string[] = [];
    const d = new KeyDecoder((k) => got.push(k));
    d.push('\x1b[M');
    d.push(' y');
    d.push('!');
    d.push('j');
    vi.advanceTimersByTime(100);
    expect(got).toEqual(['j']);
  });
});
