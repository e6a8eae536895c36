import { MAX_CONSECUTIVE_CRASHES } from './abi.js';

/** When a crashed plugin instance is restarted, and when it is given up on. */
export interface CrashPolicy {
  /** This many crashes within `windowMs` stop the instance for good. */
  maxCrashes: number;
  windowMs: number;
  /**
   * This many crashes in a row — no successful command or tick between them — stop it too,
   * however slowly they come (a call that runs into a long timeout each time). Default 3.
   */
  maxConsecutive?: number;
  /** Delay before restart number n (1-based). */
  backoffMs(n: number): number;
}

export const DEFAULT_CRASH_POLICY: CrashPolicy = {
  maxCrashes: 3,
  windowMs: 60_000,
  backoffMs: (n) => Math.min(5_000, 250 * 2 ** (n - 1)),
};

export interface CrashVerdict {
  /** Stop for good; `why` says which rule did it. */
  stop: boolean;
  why: string;
  /** Crashes within the window. */
  count: number;
  delayMs: number;
}

export class CrashTracker {
  private times: number[] = [];
  private consecutive = 0;

  constructor(private readonly policy: CrashPolicy = DEFAULT_CRASH_POLICY) {}

  /** Records a crash: either stop, or restart after `delayMs`. */
  record(now: number): CrashVerdict {
    this.times = this.times.filter((t) => now - t < this.policy.windowMs);
    this.times.push(now);
    this.consecutive++;
    const count = this.times.length;
    const maxConsecutive = this.policy.maxConsecutive ?? MAX_CONSECUTIVE_CRASHES;
    const delayMs = this.policy.backoffMs(Math.max(count, this.consecutive));
    if (count >= this.policy.maxCrashes) return { stop: true, why: `${count} crashes within ${this.describeWindow()}`, count, delayMs };
    if (this.consecutive >= maxConsecutive) return { stop: true, why: `${this.consecutive} crashes in a row`, count, delayMs };
    return { stop: false, why: '', count, delayMs };
  }

  /** A command or tick went through: the crashes so far were not in a row. */
  succeeded(): void {
    this.consecutive = 0;
  }

  reset(): void {
    this.times = [];
    this.consecutive = 0;
  }

  describeWindow(): string {
    return `${Math.round(this.policy.windowMs / 1000)} s`;
  }
}
