import { bodyRect, contentViewport, layoutTab, type PaneTree, type PaneView, type SessionLayout, type Viewport } from '@kubetile/rpc-schema';
import type { ClientSink } from '../session/client-sink.js';
import { IdleScavenger } from '@kubetile/rpc-schema/idle-scavenge';
import { sharedViews } from './shared-views.js';

const FRAME_MS = 16;
/**
 * Frames that may go out back to back before the 16 ms pacing applies. Two: a key that lands just
 * after a background frame (the age column's once-a-second repaint) is not held for the rest of
 * that frame's 16 ms; a sustained stream of changes is still paced at one frame per 16 ms.
 */
const BURST = 2;

export interface FrameSource {
  /** The layout for this client, or null when it is gone. */
  layout(): SessionLayout | null;
  /** The tree of the client's active tab. */
  activeTab(): { tree: PaneTree; fullscreenPaneId: number | null } | null;
  size(): Viewport;
  render(paneId: number, viewport: Viewport): PaneView | null;
  /** Called as a changed layout goes out: its number for this client (SessionLayout.seq). */
  layoutSent?(): number;
}

let seqCounter = 0;
/** One for the daemon: scavenges wait for a moment without frames (see IdleScavenger). */
const scavenger = new IdleScavenger({ idleMs: 15, fill: 0.3 });

/**
 * Coalesces updates per client: at most one frame per ~16 ms (two may go back to back), each carrying the latest layout
 * and the latest view of every dirty visible pane. A backlogged (slow) client is skipped until
 * its socket drains, then gets the newest state — never a backlog of stale frames.
 */
export class FrameScheduler {
  private layoutDirty = true;
  private readonly dirtyPanes = new Set<number>();
  private allDirty = true;
  private timer: { cancel(): void } | null = null;
  /** The pending frame goes out on the next turn (a frame was allowed), not after the pacing wait. */
  private due = false;
  /** Frames that may go out now (refilled at one per FRAME_MS, up to BURST), as of `tokensAt`. */
  private tokens = BURST;
  private tokensAt = performance.now();
  private waitingDrain = false;
  private closed = false;
  /** Inside `send` (a pane's render may toast: that must not start another frame within this one). */
  private sending = false;
  /** What this client was last sent, so unchanged layouts and views are not sent again. */
  private lastLayout = '';
  /** Per pane: the last view's JSON, its number, and its rows' JSON when the client keeps them (`sameRows`). */
  private readonly lastViews = new Map<number, { json: string; seq: number; rows: string | null }>();

  constructor(
    private readonly sink: ClientSink,
    private readonly source: FrameSource,
  ) {}

  markLayout(): void {
    sharedViews.invalidateAll();
    this.layoutDirty = true;
    this.allDirty = true;
    this.schedule();
  }

  markPane(paneId: number): void {
    sharedViews.invalidate(paneId);
    this.dirtyPanes.add(paneId);
    this.schedule();
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
    this.due = false;
  }

  /** Sends everything pending right now (used after attach and in tests). */
  flushNow(): void {
    this.timer?.cancel();
    this.timer = null;
    this.due = false;
    this.flush();
  }

  /**
   * Sends the pending frame now if it was only waiting for the end of this turn (a frame is
   * allowed: see BURST), not for the pacing. After a key: its frame leaves with the key's answer,
   * not one event-loop turn later behind whatever else that turn runs; a frame held for pacing
   * stays held, so held keys still coalesce.
   */
  flushDue(): void {
    if (!this.due) return;
    this.flushNow();
  }

  /**
   * Sends the pending frame now, even one held for pacing: called before a notification (a toast)
   * goes to this client, so it never arrives ahead of the state it speaks of ("deleted Pod x" with
   * the confirmation dialog still open, for a script or for the screen). Notifications are rare
   * next to frames; a slow (backlogged) client still waits for its drain.
   */
  flushPending(): void {
    if (this.closed || this.sending || this.waitingDrain || !this.timer) return;
    this.flushNow();
  }

  private schedule(): void {
    if (this.closed || this.timer || this.waitingDrain) return;
    // Leading edge: while a frame is allowed (see BURST) it goes out as soon as the current burst
    // of work is done (setImmediate); past that, changes wait for the pacing and coalesce.
    const wait = (1 - this.refill()) * FRAME_MS;
    const run = (): void => {
      this.timer = null;
      this.due = false;
      this.flush();
    };
    if (wait <= 0) {
      const h = setImmediate(run);
      this.due = true;
      this.timer = { cancel: () => clearImmediate(h) };
    } else {
      const h = setTimeout(run, wait);
      this.timer = { cancel: () => clearTimeout(h) };
    }
  }

  /** The tokens now. */
  private refill(): number {
    const now = performance.now();
    this.tokens = Math.min(BURST, this.tokens + (now - this.tokensAt) / FRAME_MS);
    this.tokensAt = now;
    return this.tokens;
  }

  private flush(): void {
    if (this.closed) return;
    if (this.sink.backlogged()) {
      if (!this.waitingDrain) {
        this.waitingDrain = true;
        this.sink.onDrain(() => {
          this.waitingDrain = false;
          this.schedule();
        });
      }
      return;
    }
    this.sending = true;
    try {
      if (this.sink.batch) this.sink.batch(() => this.send());
      else this.send();
    } finally {
      this.sending = false;
    }
  }

  /** The frame: the layout if it changed and the views of the dirty visible panes that changed. */
  private send(): void {
    let sent = false;
    if (this.layoutDirty) {
      const layout = this.source.layout();
      const json = layout ? JSON.stringify(layout) : '';
      if (layout && json !== this.lastLayout) {
        this.sink.layout(this.source.layoutSent ? { ...layout, seq: this.source.layoutSent() } : layout);
        this.lastLayout = json;
        sent = true;
      }
      this.layoutDirty = false;
    }
    const tab = this.source.activeTab();
    if (!tab) return;
    const rects = layoutTab(tab.tree, tab.fullscreenPaneId, bodyRect(this.source.size()));
    if (this.allDirty) for (const id of this.lastViews.keys()) if (!rects.has(id)) this.lastViews.delete(id);
    for (const [paneId, rect] of rects) {
      if (!this.allDirty && !this.dirtyPanes.has(paneId)) continue;
      // Rendered and serialised once per pane and size for all the clients that show it (see SharedViews).
      const viewport = contentViewport(rect);
      const shared = sharedViews.get(tab.tree, paneId, viewport, () => this.source.render(paneId, viewport));
      if (!shared) continue;
      // A view equal to the last one sent is skipped: keys often change nothing on screen.
      const last = this.lastViews.get(paneId);
      if (last?.json === shared.json) continue;
      const seq = ++seqCounter;
      // A table whose rows are the ones this client already has (a key that moved the selection):
      // the rest of the view only, drawn over the rows the client kept (`rowsOf`).
      const rows = this.sink.sameRows ? shared.rowsJson() : null;
      if (rows !== null && last?.rows === rows && shared.view.type === 'table') {
        this.sink.view(paneId, seq, { ...shared.view, columns: [], rows: [], rowsOf: last.seq });
      } else this.sink.view(paneId, seq, shared.view, shared);
      this.lastViews.set(paneId, { json: shared.json, seq, rows });
      sent = true;
    }
    // Only a frame that sent something counts toward the 16 ms pacing: an empty one must not
    // delay the next real change (e.g. a plugin's render arriving just after the keystroke).
    if (sent) {
      this.tokens = Math.max(0, this.refill() - 1);
      scavenger.busy();
    }
    this.allDirty = false;
    this.dirtyPanes.clear();
  }
}
