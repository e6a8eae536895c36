import { describe, expect, it } from 'vitest';
import { grouped } from '../src/panes/resource/resource-list-pane.js';

/** The list's `loading 12,500 / ~100,000` footer writes counts as toLocaleString('en') does, without loading ICU's number formatting on the first rows' path. */
describe('loading footer counts', () => {
  it('groups thousands with commas like toLocaleString("en")', () => {
    for (const n of [0, 7, 99, 500, 999, 1000, 1001, 12_500, 99_999, 100_000, 1_000_000, 123_456_789, 2 ** 31, -1234]) {
      expect(grouped(n)).toBe(n.toLocaleString('en'));
    }
  });
});
