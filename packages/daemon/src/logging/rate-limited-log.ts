import type { Logger } from 'pino';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Log lines caused by one peer (a socket connection), at most `burst` per window. The rest are
 * counted, and the count is logged once ("suppressed N log lines") when the window ends or the
 * peer goes: a connection flooding bad frames costs a few lines, not a line per frame.
 */
export class RateLimitedLog {
  private windowStart = 0;
  private inWindow = 0;
  private suppressed = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly burst: number,
    private readonly windowMs: number,
  ) {}

  debug(obj: object, msg: string): void {
    this.log('debug', obj, msg);
  }
  info(obj: object, msg: string): void {
    this.log('info', obj, msg);
  }
  warn(obj: object, msg: string): void {
    this.log('warn', obj, msg);
  }
  error(obj: object, msg: string): void {
    this.log('error', obj, msg);
  }

  private log(level: Level, obj: object, msg: string): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const now = Date.now();
    if (now - this.windowStart >= this.windowMs) {
      this.flush();
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (this.inWindow < this.burst) {
      this.inWindow++;
      this.logger[level](obj, msg);
      return;
    }
    this.suppressed++;
    if (!this.timer) {
      // Report at the end of the window even when nothing more comes.
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.windowStart + this.windowMs - now);
      this.timer.unref();
    }
  }

  /** Logs how many lines were suppressed, if any (call when the peer goes). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.suppressed === 0) return;
    const n = this.suppressed;
    this.suppressed = 0;
    this.logger.warn({ suppressed: n }, `suppressed ${n} log lines (more than ${this.burst} in ${this.windowMs / 1000} s)`);
  }
}
