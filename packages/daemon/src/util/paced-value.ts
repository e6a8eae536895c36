import { performance } from 'node:perf_hooks';

/** How many times its own cost a recomputation waits before the next (its share of the daemon's CPU: ~1/(1+FACTOR)). */
export const PACE_FACTOR = 10;
/** The longest a value is served stale. */
export const PACE_MAX_WAIT_MS = 2_000;

/**
 * A value derived from data that may change on every watch event (a summary of 100k pods, a tree of a
 * workload's pods), recomputed at most as often as its cost allows: after a computation that took T ms,
 * the next one waits until PACE_FACTOR × T ms later (at most PACE_MAX_WAIT_MS); meanwhile the last value
 * is served and `due` is called once the wait is over, so the owner draws again with the newest data.
 * A cheap value (small stores) is recomputed at once; an expensive one cannot take the daemon's main
 * thread from everything else (`:pulse` on 100k pods under 2,000 events/s recounted ~100 ms per frame).
 */
export class PacedValue<V> {
  private last: { key: string; value: V } | null = null;
  private notBefore = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly due: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The value for `key`: the one kept when the key is the same, else `compute()`'s (or the last one, while pacing). */
  get(key: string, compute: () => V): V {
    const last = this.last;
    if (last !== null && last.key === key) return last.value;
    const t0 = this.now();
    if (last !== null && t0 < this.notBefore) {
      this.wake(this.notBefore - t0);
      return last.value;
    }
    const value = compute();
    const t1 = this.now();
    this.notBefore = t1 + Math.min(PACE_MAX_WAIT_MS, (t1 - t0) * PACE_FACTOR);
    this.last = { key, value };
    return value;
  }

  /** Forgets the value (a scope change: the next get computes at once). */
  reset(): void {
    this.last = null;
    this.notBefore = 0;
    this.stop();
  }

  /** No call of `due` after this. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private wake(ms: number): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.due();
    }, Math.ceil(ms));
    this.timer.unref();
  }
}
