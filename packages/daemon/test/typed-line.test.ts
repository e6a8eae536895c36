import { describe, expect, it } from 'vitest';
import { appendTyped, MAX_TYPED } from '../src/session/typed-line.js';

describe('appendTyped', () => {
  it('adds text up to the limit, says when the line fills, and takes nothing once it is full', () => {
    expect(appendTyped('ab', 'c')).toEqual({ line: 'abc', full: false, filled: false });
    const almost = 'x'.repeat(MAX_TYPED - 1);
    expect(appendTyped(almost, 'y')).toEqual({ line: `${almost}y`, full: false, filled: true });
    expect(appendTyped(`${almost}y`, 'z')).toEqual({ line: `${almost}y`, full: true, filled: false });
    // A paste past the limit is cut there.
    const cut = appendTyped('ab', 'q'.repeat(5_000_000));
    expect(cut.line).toHaveLength(MAX_TYPED);
    expect(cut.filled).toBe(true);
  });

  it('never cuts a character in two', () => {
    const almost = 'x'.repeat(MAX_TYPED - 1);
    const r = appendTyped(almost, '😀😀');
    expect(r.line).toBe(almost);
    expect(r.filled).toBe(true);
  });
});
