import { describe, expect, it } from 'vitest';
import { RateLimit } from '../../src/plugins/rate-limit.js';
import { CollectionBudget } from '../../src/plugins/read-budget.js';

describe('a plugin\'s read limits', () => {
  it('collections: a new one past the limit is refused until an old one has gone unread for the window', () => {
    let now = 0;
    const b = new CollectionBudget(3, 60_000, () => now);
    for (const k of ['a', 'b', 'c']) b.admit(k);
    expect(() => b.admit('d')).toThrow(/already reads 3 collections .*within the last 60 s/);
    // Reading one it has is fine, and keeps it.
    now = 59_000;
    b.admit('a');
    expect(() => b.admit('d')).toThrow(/already reads 3/);
    now = 60_000; // b and c unread for 60 s: they no longer count
    b.admit('d');
    b.admit('e');
    expect(() => b.admit('f')).toThrow(/already reads 3/);
  });

  it('API requests: a burst, then the rate; never more than the burst saved up', () => {
    let now = 0;
    const r = new RateLimit(5, 10, 'too many: 10 a second (bursts of 5)', () => now);
    for (let i = 0; i < 5; i++) r.take();
    expect(() => r.take()).toThrow('too many: 10 a second (bursts of 5)');
    now = 100; // one token back
    r.take();
    expect(() => r.take()).toThrow();
    now = 1_000_000; // idle for long: only the burst
    for (let i = 0; i < 5; i++) r.take();
    expect(() => r.take()).toThrow();
  });
});
