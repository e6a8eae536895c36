/** When a crashed plugin instance is restarted, and when it is given up on. */
export interface CrashPolicy {
  /** This many crashes within `windowMs` stop the instance for good. */
  maxCrashes: number;
  windowMs: number;
  /** Delay before restart number n (1-based). */
  backoffMs(n: number): number;
}

export const DEFAULT_CRASH_POLICY: CrashPolicy = {
  maxCrashes: 3,
  windowMs: 60_000,
  backoffMs: (n) => Math.min(5_000, 250 * 2 ** (n - 1)),
};

export class CrashTracker {
  private times: number[] = [];

  constructor(private readonly policy: CrashPolicy = DEFAULT_CRASH_POLICY) {}

  /** Records a crash: either stop, or restart after `delayMs`. `count` is crashes in the window. */
  record(now: number): { stop: boolean; count: number; delayMs: number } {
    this.times = this.times.filter((t) => now - t < this.policy.windowMs);
    this.times.push(now);
    const count = this.times.length;
    return { stop: count >= this.policy.maxCrashes, count, delayMs: this.policy.backoffMs(count) };
  }

  reset(): void {
    this.times = [];
  }

  describeWindow(): string {
    return `${Math.round(this.policy.windowMs / 1000)} s`;
  }
}
