/** Call counts and recent call times of one plugin (all its instances), for `plugin/list`. */
export class CallStats {
  calls = 0;
  errors = 0;
  private readonly times: number[] = [];
  private next = 0;

  constructor(private readonly window = 1024) {}

  record(ms: number, ok: boolean): void {
    this.calls++;
    if (!ok) this.errors++;
    if (this.times.length < this.window) this.times.push(ms);
    else this.times[this.next] = ms;
    this.next = (this.next + 1) % this.window;
  }

  /** The p-th percentile (0..100) of the recent call times in ms, or null before any call. */
  percentile(p: number): number | null {
    if (this.times.length === 0) return null;
    const sorted = [...this.times].sort((a, b) => a - b);
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return Math.round(sorted[i]! * 1000) / 1000;
  }
}
