import { afterEach, describe, expect, it, vi } from 'vitest';
import { IdleScavenger, scavengeAfterSlice } from '../src/idle-scavenge.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('IdleScavenger', () => {
  it('scavenges once the client is quiet after a frame, only when the young generation is filling, and frames push it back', () => {
    vi.useFakeTimers();
    let used = 1;
    let runs = 0;
    const s = new IdleScavenger({ idleMs: 15, fill: 0.3, youngGen: () => ({ used, capacity: 10 }), minorGc: () => runs++ });
    // Young generation 10% full: nothing scheduled.
    s.busy();
    vi.advanceTimersByTime(100);
    expect(runs).toBe(0);
    // 50% full: a frame, then another 10 ms later (pushes it back), then quiet.
    used = 5;
    s.busy();
    vi.advanceTimersByTime(10);
    s.busy();
    vi.advanceTimersByTime(10);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(5);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(100);
    expect(runs).toBe(1);
    s.dispose();
  });

  it('does nothing when V8 offers no minor GC', () => {
    vi.useFakeTimers();
    const s = new IdleScavenger({ youngGen: () => ({ used: 9, capacity: 10 }), minorGc: null });
    s.busy();
    expect(vi.getTimerCount()).toBe(0);
    s.dispose();
  });

  it("runs V8's own minor GC (exposed at run time) without error", async () => {
    const s = new IdleScavenger({ idleMs: 1, fill: 0 });
    s.busy();
    await new Promise((r) => setTimeout(r, 30));
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    s.dispose();
  });
});

describe('scavengeAfterSlice', () => {
  it('scavenges after a slice only once the young generation holds the given bytes, and not without a minor GC', () => {
    let runs = 0;
    const gc = () => () => runs++;
    expect(scavengeAfterSlice(4 << 20, () => ({ used: (4 << 20) - 1, capacity: 16 << 20 }), gc)).toBe(false);
    expect(runs).toBe(0);
    expect(scavengeAfterSlice(4 << 20, () => ({ used: 4 << 20, capacity: 16 << 20 }), gc)).toBe(true);
    expect(runs).toBe(1);
    expect(scavengeAfterSlice(4 << 20, () => ({ used: 9 << 20, capacity: 16 << 20 }), () => null)).toBe(false);
    expect(runs).toBe(1);
  });

  it("with V8's own young generation and minor GC: below the threshold nothing, at 0 bytes a real scavenge", () => {
    expect(scavengeAfterSlice(Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(scavengeAfterSlice(0)).toBe(true);
  });
});
