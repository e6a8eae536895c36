import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PACE_FACTOR, PACE_MAX_WAIT_MS, PacedValue } from '../../src/util/paced-value.js';

/** A clock the test moves; a computation "takes" `cost` ms on it. */
let clock = 0;
let due = 0;
let computed = 0;
const make = (): PacedValue<string> => new PacedValue<string>(() => due++, () => clock);
const costly = (cost: number, value: string) => (): string => {
  computed++;
  clock += cost;
  return value;
};

beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
  due = 0;
  computed = 0;
});
afterEach(() => vi.useRealTimers());

describe('PacedValue', () => {
  it('the same key is served without computing', () => {
    const p = make();
    expect(p.get('a', costly(5, 'A'))).toBe('A');
    expect(p.get('a', costly(5, 'X'))).toBe('A');
    expect(computed).toBe(1);
  });

  it('a cheap value follows every change at once', () => {
    const p = make();
    p.get('a', costly(0, 'A'));
    expect(p.get('b', costly(0, 'B'))).toBe('B');
    expect(p.get('c', costly(0, 'C'))).toBe('C');
    expect(computed).toBe(3);
    expect(due).toBe(0);
  });

  it('an expensive one waits its cost × the factor, serving the last value, then says it is due once', () => {
    const p = make();
    p.get('a', costly(100, 'A')); // took 100 ms: the next not before +1,000 ms
    clock += 10;
    expect(p.get('b', costly(100, 'B'))).toBe('A');
    expect(p.get('c', costly(100, 'C'))).toBe('A');
    expect(computed).toBe(1);
    vi.advanceTimersByTime(100 * PACE_FACTOR - 10 - 1);
    expect(due).toBe(0);
    vi.advanceTimersByTime(1);
    expect(due).toBe(1);
    clock += 100 * PACE_FACTOR;
    expect(p.get('c', costly(100, 'C'))).toBe('C');
    expect(computed).toBe(2);
  });

  it('never waits longer than the cap', () => {
    const p = make();
    p.get('a', costly(10_000, 'A'));
    expect(p.get('b', costly(1, 'B'))).toBe('A');
    vi.advanceTimersByTime(PACE_MAX_WAIT_MS);
    expect(due).toBe(1);
  });

  it('reset computes at once and cancels the pending call; stop cancels it too', () => {
    const p = make();
    p.get('a', costly(100, 'A'));
    p.get('b', costly(100, 'B'));
    p.reset();
    expect(p.get('b', costly(100, 'B'))).toBe('B');
    p.get('c', costly(100, 'C'));
    p.stop();
    vi.advanceTimersByTime(PACE_MAX_WAIT_MS * 2);
    expect(due).toBe(0);
  });
});
