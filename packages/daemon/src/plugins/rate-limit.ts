/**
 * How often one plugin (all its instances together) may do something costly to others, as a token
 * bucket: a burst, then so many a second; past it the call is refused with `refusal`, which says
 * what the limit is, so the plugin (and its author reading the error) can ask again later.
 */
export class RateLimit {
  private tokens: number;
  private at: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly refusal: string,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.at = now();
  }

  /** Takes one token; throws the refusal when there is none left. */
  take(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) / 1000) * this.perSecond);
    this.at = t;
    if (this.tokens < 1) throw new Error(this.refusal);
    this.tokens -= 1;
  }
}

/**
 * Requests straight to the API server — get_secret and k8s_logs, which are not served from the
 * informers. A plugin asking in a loop would otherwise send the API server a thousand requests a
 * second from the user's credentials (and get the user throttled).
 */
export const API_BURST = 50;
export const API_PER_SECOND = 20;
export const apiRate = (): RateLimit =>
  new RateLimit(API_BURST, API_PER_SECOND, `too many requests to the API server: this plugin may make ${API_PER_SECOND} a second (bursts of ${API_BURST}); ask again later`);

/**
 * clipboard_write: each one is an OSC 52 sequence to every terminal looking at the pane and
 * replaces what the user copied. A plugin writing in a loop kept the user's clipboard its own
 * and the terminals busy; a few in a row (copying a name, then a value) are what a user does.
 */
export const CLIPBOARD_BURST = 5;
export const CLIPBOARD_PER_SECOND = 1;
export const clipboardRate = (): RateLimit =>
  new RateLimit(
    CLIPBOARD_BURST,
    CLIPBOARD_PER_SECOND,
    `too many: a plugin may copy ${CLIPBOARD_PER_SECOND} text a second (${CLIPBOARD_BURST} in a row); not copied`,
  );
