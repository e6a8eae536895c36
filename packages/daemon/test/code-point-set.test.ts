import { describe, expect, it } from 'vitest';
import { codePointSet } from '../src/util/code-point-set.js';

describe('codePointSet', () => {
  const marks = codePointSet(/^\p{Mn}$/u, 0x300);

  it('agrees with its expression on every code point of the BMP and beyond it', () => {
    const re = /^\p{Mn}$/u;
    for (let cp = 0x300; cp <= 0x2ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      if (marks(cp) !== re.test(String.fromCodePoint(cp))) throw new Error(`U+${cp.toString(16)}`);
    }
  });

  it('holds nothing below its start, and no lone surrogate', () => {
    expect(marks(0x301)).toBe(true);
    expect(codePointSet(/^\p{Mn}$/u, 0x302)(0x301)).toBe(false);
    expect(marks(0xd800)).toBe(false);
    expect(marks(0xdc00)).toBe(false);
  });

  it('refuses an expression whose test() would move on', () => {
    expect(() => codePointSet(/\p{Mn}/gu, 0)).toThrow(/global or sticky/);
  });
});
