import { describe, expect, it } from 'vitest';
import { grouped } from '../../src/util/grouped.js';

describe('grouped: counts with thousands separators', () => {
  it('writes a whole number as toLocaleString("en") does', () => {
    for (const n of [0, 7, 99, 500, 999, 1000, 1001, 12_500, 99_999, 100_000, 1_000_000, 123_456_789, 2 ** 31, -1234]) {
      expect(grouped(n)).toBe(n.toLocaleString('en'));
    }
  });
});
