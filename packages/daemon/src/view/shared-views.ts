import type { PaneView, Viewport } from '@kubetile/rpc-schema';

/** One rendered view, its JSON and its UTF-8 bytes, shared by every client that shows the pane at that size. */
export interface SharedView {
  readonly view: PaneView;
  readonly json: string;
  /** The JSON as UTF-8, made once for all clients that send it. */
  bytes(): Buffer;
  /**
   * A table view's columns and rows as JSON (null for other views): two views with the same are drawn
   * from the same rows, so a client that keeps the last one is sent the rest only (`rowsOf`).
   */
  rowsJson(): string | null;
}

class Entry implements SharedView {
  private buf: Buffer | null = null;
  private rows: string | null | undefined = undefined;
  constructor(
    readonly view: PaneView,
    readonly json: string,
  ) {}
  bytes(): Buffer {
    return (this.buf ??= Buffer.from(this.json, 'utf8'));
  }
  rowsJson(): string | null {
    if (this.rows === undefined) this.rows = this.view.type === 'table' ? JSON.stringify([this.view.columns, this.view.rows]) : null;
    return this.rows;
  }
}

/**
 * Views rendered in this turn of the event loop, per tab tree, pane and viewport size: when a change shows
 * on N clients, the pane renders and serialises once per size, not N times. An entry lives until a
 * change to its pane is announced (`invalidate`, from every scheduler's markPane), any layout change
 * (`invalidateAll`), or the end of the turn, whichever comes first; a pane's view depends only on
 * the pane's state and the viewport (never on the client), so within those bounds it is the same.
 */
export class SharedViews {
  /** Per scope (the tab's tree: clients showing a pane share it, and it is one workspace's own), per pane, per size. */
  private readonly scopes = new Map<object, Map<number, Map<string, Entry>>>();
  private clearing = false;

  get(scope: object, paneId: number, viewport: Viewport, render: () => PaneView | null): SharedView | null {
    const size = `${viewport.cols}x${viewport.rows}`;
    let panes = this.scopes.get(scope);
    const hit = panes?.get(paneId)?.get(size);
    if (hit) return hit;
    const view = render();
    if (!view) return null;
    const e = new Entry(view, JSON.stringify(view));
    if (!panes) this.scopes.set(scope, (panes = new Map()));
    let sizes = panes.get(paneId);
    if (!sizes) panes.set(paneId, (sizes = new Map()));
    sizes.set(size, e);
    if (!this.clearing) {
      this.clearing = true;
      setImmediate(() => this.invalidateAll());
    }
    return e;
  }

  invalidate(paneId: number): void {
    for (const panes of this.scopes.values()) panes.delete(paneId);
  }

  invalidateAll(): void {
    this.scopes.clear();
    this.clearing = false;
  }
}

/** The daemon's one cache (every client's scheduler renders through it). */
export const sharedViews = new SharedViews();
