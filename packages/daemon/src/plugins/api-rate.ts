/**
 * Requests one plugin (all its instances together) may make straight to the API server —
 * get_secret and k8s_logs, which are not served from the informers — as a token bucket: a burst
 * of API_BURST, then API_PER_SECOND. A plugin asking in a loop would otherwise send the API server
 * a thousand requests a second from the user's credentials (and get the user throttled).
 */
export const API_BURST = 50;
export const API_PER_SECOND = 20;

export class ApiRate {
  private tokens: number;
  private at: number;

  constructor(
    private readonly burst = API_BURST,
    private readonly perSecond = API_PER_SECOND,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.at = now();
  }

  /** Takes one request's token; throws, saying why, when there is none left. */
  take(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) / 1000) * this.perSecond);
    this.at = t;
    if (this.tokens < 1) {
      throw new Error(`too many requests to the API server: this plugin may make ${this.perSecond} a second (bursts of ${this.burst}); ask again later`);
    }
    this.tokens -= 1;
  }
}
