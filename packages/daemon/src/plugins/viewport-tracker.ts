import type { Viewport } from '@kubetile/rpc-schema';

const WINDOW_MS = 1000;

/**
 * Decides the size a plugin is told about. A pane may be shown to several clients at different
 * sizes in the same frame; telling the plugin each size in turn would make it re-render for each
 * (and every re-render makes every client ask again). So the plugin gets the largest size seen in
 * the last second, and a shrink is reported once the larger sizes have aged out.
 */
export class ViewportTracker {
  private seen: Array<{ vp: Viewport; at: number }> = [];
  private sent: Viewport | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onChange: (vp: Viewport) => void,
    private readonly now: () => number = Date.now,
  ) {}

  note(vp: Viewport): void {
    const t = this.now();
    this.seen = this.seen.filter((s) => t - s.at < WINDOW_MS && (s.vp.cols !== vp.cols || s.vp.rows !== vp.rows));
    this.seen.push({ vp: { cols: vp.cols, rows: vp.rows }, at: t });
    this.evaluate();
    if (this.seen.length > 1 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.evaluate();
      }, WINDOW_MS);
      this.timer.unref();
    }
  }

  /** The size last reported, if any. */
  get current(): Viewport | null {
    return this.sent;
  }

  private evaluate(): void {
    const t = this.now();
    let fresh = this.seen.filter((s) => t - s.at < WINDOW_MS);
    if (fresh.length === 0) fresh = this.seen.slice(-1);
    if (fresh.length === 0) return;
    const target = { cols: Math.max(...fresh.map((s) => s.vp.cols)), rows: Math.max(...fresh.map((s) => s.vp.rows)) };
    if (this.sent && this.sent.cols === target.cols && this.sent.rows === target.rows) return;
    this.sent = target;
    this.onChange(target);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
