import { describe, expect, it } from 'vitest';
import { naturalKey } from '../src/panes/resource/sort-keys.js';

/** The definition naturalKey's one-pass ASCII path must agree with: fold accents and case, pad digit runs to 16. */
const reference = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\d+/g, (d) => (d.length >= 16 ? d : d.padStart(16, '0')));

/** A small deterministic generator (the same strings every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('naturalKey', () => {
  it('orders digit runs by value and folds case and accents', () => {
    const sorted = ['pod-10', 'Pod-9', 'pod-2', 'émile-1', 'Emile-0', 'pod-2a', 'pod-02'].sort((a, b) => {
      const ka = naturalKey(a);
      const kb = naturalKey(b);
      return ka < kb ? -1 : ka > kb ? 1 : a < b ? -1 : 1;
    });
    expect(sorted).toEqual(['Emile-0', 'émile-1', 'pod-02', 'pod-2', 'pod-2a', 'Pod-9', 'pod-10']);
    expect(naturalKey('web-5d9c7b8f6-x2k4p')).toBe('web-0000000000000005d0000000000000009c0000000000000007b0000000000000008f0000000000000006-x0000000000000002k0000000000000004p');
    expect(naturalKey('Running')).toBe('running');
    expect(naturalKey('plain-text')).toBe('plain-text');
    expect(naturalKey('12345678901234567')).toBe('12345678901234567'); // 17 digits: left as they are
    expect(naturalKey('')).toBe('');
  });

  it('is the reference definition for any text: ASCII, capitals, long digit runs, accents, control characters, astral', () => {
    const alphabet = ['a', 'z', 'A', 'Z', '0', '5', '9', '-', '.', ' ', '~', '\x7f', '\x1f', '\t', 'é', 'Å', 'ß', 'İ', 'ﬁ', '①', '٣', '😀', '\u0301'];
    const r = rng(7);
    for (let n = 0; n < 20_000; n++) {
      let s = '';
      const len = Math.floor(r() * 24);
      for (let i = 0; i < len; i++) {
        // Mostly digits and letters, so runs of every length up to and past 16 occur.
        const pick = r();
        s += pick < 0.45 ? String(Math.floor(r() * 10)) : pick < 0.8 ? alphabet[Math.floor(r() * 7)]! : alphabet[Math.floor(r() * alphabet.length)]!;
      }
      if (naturalKey(s) !== reference(s)) expect({ text: s, key: naturalKey(s) }).toEqual({ text: s, key: reference(s) });
    }
  });
});
