import { inkRegion, type FrameCompositor } from './frame-compositor.js';
import type { Store } from './store.js';

/** How often a loading spinner moves. */
const SPIN_MS = 100;

/**
 * Paints the screen when the store or the chrome changes, at most once per turn of the event loop
 * (a burst of notifications paints one frame), and ticks the spinner while a pane is loading.
 */
export class ScreenPainter {
  private spin = 0;
  private spinTimer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private disposed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly compositor: FrameCompositor,
    private readonly paint: (lines: string[]) => void,
  ) {
    this.unsubscribe = store.subscribe(() => this.schedule());
  }

  /** ink rendered the chrome anew (ink renders in step with the store: the frame is of its state). */
  setChrome(frame: string): void {
    this.compositor.setChrome(frame, inkRegion(this.store.getState()));
    this.schedule();
  }

  schedule(): void {
    if (this.scheduled || this.disposed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.disposed) this.draw();
    });
  }

  /** Paints now. */
  draw(): void {
    const state = this.store.getState();
    this.paint(this.compositor.compose(state, this.spin));
    const animating = this.compositor.animating(state);
    if (animating && !this.spinTimer) {
      this.spinTimer = setInterval(() => {
        this.spin++;
        this.schedule();
      }, SPIN_MS);
      this.spinTimer.unref();
    } else if (!animating && this.spinTimer) {
      clearInterval(this.spinTimer);
      this.spinTimer = null;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    if (this.spinTimer) clearInterval(this.spinTimer);
    this.spinTimer = null;
  }
}
