import { leafIds, type PaneView, type SessionLayout } from '@kubetile/rpc-schema/light';
import type { ToastLevel } from './theme.js';

/** Toasts kept at most (the newest; MAX_TOASTS of them are drawn). */
export const TOASTS_KEPT = 20;

export interface Size {
  cols: number;
  rows: number;
}

/** Where the connection to the daemon stands, as the UI shows it. */
export type ConnState =
  | { state: 'connecting'; message: string }
  | { state: 'connected' }
  | { state: 'reconnecting'; reason: string; attempts: number }
  | { state: 'exited'; reason: string };

export interface ToastItem {
  id: number;
  level: ToastLevel;
  text: string;
  expiresAt: number;
}

export interface PaneViewEntry {
  seq: number;
  view: PaneView;
}

export interface ClientState {
  size: Size;
  layout: SessionLayout | null;
  views: ReadonlyMap<number, PaneViewEntry>;
  /** Unexpired toasts, oldest first (the UI shows the last MAX_TOASTS). */
  toasts: readonly ToastItem[];
  conn: ConnState;
}

export const MAX_TOASTS = 3;
/** success/info 3 s, warn and error 5 s (KubeTile). */
export const toastDuration = (level: ToastLevel): number => (level === 'error' || level === 'warn' ? 5000 : 3000);

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface StoreOptions {
  clock?: Clock;
  /**
   * How listeners are told about changes: `sync` calls them at once; `batched` (the real client)
   * once per turn of the event loop, so a burst of notifications draws one frame.
   */
  notify?: 'sync' | 'batched';
}

/** The client's state: plain data, immutable updates, a subscribe for React's useSyncExternalStore. */
export class Store {
  private state: ClientState;
  private readonly listeners = new Set<() => void>();
  private readonly clock: Clock;
  private readonly batched: boolean;
  private scheduled = false;
  private toastTimer: unknown = null;
  private nextToastId = 1;

  constructor(size: Size, opts: StoreOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.batched = opts.notify === 'batched';
    this.state = { size, layout: null, views: new Map(), toasts: [], conn: { state: 'connecting', message: 'connecting…' } };
  }

  getState = (): ClientState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(patch: Partial<ClientState>): void {
    this.state = { ...this.state, ...patch };
    if (!this.batched) {
      this.emit();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.emit();
    });
  }

  private emit(): void {
    for (const fn of [...this.listeners]) fn();
  }

  setSize(size: Size): void {
    if (size.cols === this.state.size.cols && size.rows === this.state.size.rows) return;
    this.set({ size });
  }

  /** Draw again although nothing changed (after the terminal was cleared). */
  redraw(): void {
    this.set({ size: { ...this.state.size } });
  }

  /** A new layout; views of panes that are no longer in any tab are dropped. */
  setLayout(layout: SessionLayout): void {
    const live = new Set<number>();
    for (const t of layout.tabs) for (const id of leafIds(t.tree)) live.add(id);
    let views = this.state.views;
    if ([...views.keys()].some((id) => !live.has(id))) {
      views = new Map([...views].filter(([id]) => live.has(id)));
    }
    this.set({ layout, views });
  }

  /** A pane view; one older than the last applied for that pane is ignored (returns false). */
  applyView(paneId: number, seq: number, view: PaneView): boolean {
    const cur = this.state.views.get(paneId);
    if (cur && seq < cur.seq) return false;
    const views = new Map(this.state.views);
    views.set(paneId, { seq, view });
    this.set({ views });
    return true;
  }

  /** Forget views and their seqs (a new connection starts its own sequence). */
  resetViews(): void {
    this.set({ views: new Map() });
  }

  setConn(conn: ConnState): void {
    this.set({ conn });
  }

  pushToast(level: ToastLevel, text: string): void {
    const item: ToastItem = { id: this.nextToastId++, level, text, expiresAt: this.clock.now() + toastDuration(level) };
    // The same message again (a key pressed five times that does nothing) replaces the one shown, as
    // the newest: the stack showed it three times over and pushed the other messages out.
    const others = this.state.toasts.filter((t) => t.level !== level || t.text !== text);
    // The newest TOASTS_KEPT only: a daemon sending a toast for every frame this client cannot read
    // (another version's) grew the list until the first expired.
    this.set({ toasts: [...others.slice(-(TOASTS_KEPT - 1)), item] });
    this.scheduleToastExpiry();
  }

  private scheduleToastExpiry(): void {
    if (this.toastTimer !== null) this.clock.clearTimeout(this.toastTimer);
    this.toastTimer = null;
    if (this.state.toasts.length === 0) return;
    const next = Math.min(...this.state.toasts.map((t) => t.expiresAt));
    this.toastTimer = this.clock.setTimeout(() => {
      this.toastTimer = null;
      const now = this.clock.now();
      const toasts = this.state.toasts.filter((t) => t.expiresAt > now);
      if (toasts.length !== this.state.toasts.length) this.set({ toasts });
      this.scheduleToastExpiry();
    }, Math.max(0, next - this.clock.now()));
  }

  dispose(): void {
    if (this.toastTimer !== null) this.clock.clearTimeout(this.toastTimer);
    this.toastTimer = null;
    this.listeners.clear();
  }
}
