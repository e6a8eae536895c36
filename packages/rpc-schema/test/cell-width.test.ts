import { describe, expect, it } from 'vitest';
import { charWidth, stringWidth } from '../src/cell-width.js';

const w = (s: string): number => stringWidth(s);

describe('cell widths (what the daemon and the client both count)', () => {
  it('counts ASCII, wide East Asian characters and emoji', () => {
    expect(w('web-1')).toBe(5);
    expect(w('日本')).toBe(4);
    expect(w('０１２')).toBe(6); // fullwidth digits
    expect(w('😀🚀')).toBe(4);
    expect(w('䷀')).toBe(2); // U+4DC0, a Yijing hexagram: wide since Unicode 14
  });

  it('counts combining marks, format characters and Hangul jamo that join as zero', () => {
    expect(w('e\u0301')).toBe(1);
    expect(w('x\u20dd')).toBe(1); // combining enclosing circle
    expect(w('नमस्ते')).toBe(4); // Devanagari: the vowel signs and virama are marks
    expect(w('\u2066a\u2069')).toBe(1); // bidi isolates
    expect(w('\u202ea')).toBe(1); // right-to-left override
    expect(w('か\u3099')).toBe(2); // a combining voiced sound mark is not wide
    expect(w('\u1100\u1161')).toBe(2); // a Hangul syllable from its jamo
    expect(w('a\u200bb')).toBe(2);
  });

  it('counts controls as zero and the drawn format characters as one', () => {
    expect(charWidth(0x1b)).toBe(0);
    expect(charWidth(0x9b)).toBe(0);
    expect(charWidth(0xad)).toBe(1); // soft hyphen
    expect(charWidth(0x0600)).toBe(1); // Arabic number sign
  });

  it('gives the same answer from the cache as on the first look-up', () => {
    const first = [0x300, 0x4e00, 0x1f600, 0x20dd].map(charWidth);
    expect([0x300, 0x4e00, 0x1f600, 0x20dd].map(charWidth)).toEqual(first);
    expect(first).toEqual([0, 2, 2, 0]);
  });

  it('does not throw on values that are not code points', () => {
    expect(charWidth(-1)).toBe(1);
    expect(charWidth(0x110000)).toBe(1);
    expect(charWidth(0xd800)).toBe(1); // a lone surrogate shows as a replacement character
  });
});
