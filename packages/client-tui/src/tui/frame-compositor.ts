import { bodyRect, layoutTab, type PaneView, type Rect } from '@kubetile/rpc-schema/light';
import { lineToAnsi } from './ansi.js';
import { overlayBox, statusLine, tabBarLine, toastBoxes, type Floating } from './chrome.js';
import { isLoading } from '../cli/view-text.js';
import { sliceAnsi } from '../util/slice-ansi.js';
import { stringWidth, wrap } from '../util/text.js';
import { paneLines } from './pane-lines.js';
import { lineWidth } from './segments.js';
import { MAX_TOASTS, type ClientState } from './store.js';

export const MIN_COLS = 20;
export const MIN_ROWS = 5;

interface PaneEntry {
  view: PaneView | undefined;
  title: string;
  focused: boolean;
  rect: Rect;
  spin: number;
  rows: string[];
}

/** Is the screen too small to draw panes (then the chrome alone says so)? */
export const tooSmall = (size: { cols: number; rows: number }): boolean => size.cols < MIN_COLS || size.rows < MIN_ROWS;

/** A loading message (drawn with a spinner); a list still waiting for its first page is not one. */
const loadingMessage = (v: PaneView | undefined): boolean => v?.type === 'message' && v.level === 'loading';

/**
 * Builds each frame as screen rows: ink renders the chrome (tab bar, overlays, toasts) and the
 * pane bodies and the status row are drawn beside it from their views and the layout — each pane's rows are kept until its
 * view, size, title or focus changes, so a frame costs what changed, not the whole screen. Where a
 * floating box (overlay, toast) covers panes, ink's cells are laid over them.
 */
export class FrameCompositor {
  private readonly panes = new Map<number, PaneEntry>();
  private chrome: string[] = [];

  /** The chrome as ink last rendered it (a full screen, blank where the panes go). */
  setChrome(frame: string): void {
    this.chrome = frame.split('\n');
    this.fromInk = true;
  }

  private fromInk = false;

  /**
   * Until ink has loaded and rendered once (it takes the longest to load), the chrome is drawn from
   * the same line functions its components use, so the first frame does not wait for it.
   */
  private chromeRows(state: ClientState): string[] {
    return this.fromInk ? this.chrome : earlyChrome(state);
  }

  /**
   * Whether every visible pane has a view that is not loading (the first content is on screen): not a
   * loading message, nor a list with no rows yet that says it is loading (a list's first view).
   */
  panesShown(state: ClientState): boolean {
    const rects = this.visible(state);
    if (rects.size === 0) return false;
    for (const [id] of rects) {
      const view = state.views.get(id)?.view;
      if (!view || isLoading(view)) return false;
    }
    return true;
  }

  /** Whether a visible pane shows a spinner (the painter then ticks `spin`). */
  animating(state: ClientState): boolean {
    for (const [id] of this.visible(state)) if (loadingMessage(state.views.get(id)?.view)) return true;
    return false;
  }

  private visible(state: ClientState): Map<number, Rect> {
    const layout = state.layout;
    const tab = layout?.tabs.find((t) => t.id === layout.activeTabId) ?? layout?.tabs[0];
    return tab ? layoutTab(tab.tree, tab.fullscreenPaneId, bodyRect(state.size)) : new Map();
  }

  /** The screen as `rows` lines (ANSI), for `state`. */
  compose(state: ClientState, spin = 0): string[] {
    const { cols, rows } = state.size;
    const chrome = this.chromeRows(state);
    if (tooSmall(state.size)) return Array.from({ length: rows }, (_, i) => chrome[i] ?? '');
    const layout = state.layout;
    const tab = layout?.tabs.find((t) => t.id === layout.activeTabId) ?? layout?.tabs[0];
    const rects = this.visible(state);
    const out: string[] = Array.from({ length: rows }, (_, i) => chrome[i] ?? '');
    out[rows - 1] = this.statusRow(state);
    // Pane rows, left to right on each screen row (the layout tiles the body exactly).
    const slots = [...rects].sort((a, b) => a[1].x - b[1].x);
    const drawn = new Map<number, string[]>();
    for (const [id, rect] of slots) {
      const entry = state.views.get(id);
      const title = entry?.view.title || layout?.paneTitles[String(id)] || `pane ${id}`;
      drawn.set(id, this.paneRows(id, rect, title, entry?.view, tab?.focusedPaneId === id, spin));
    }
    for (const id of [...this.panes.keys()]) if (!rects.has(id)) this.panes.delete(id);
    const body = bodyRect(state.size);
    for (let r = body.y; r < body.y + body.height && r < rows; r++) {
      let line = '';
      for (const [id, rect] of slots) {
        if (r < rect.y || r >= rect.y + rect.height) continue;
        line += drawn.get(id)![r - rect.y] ?? '';
      }
      out[r] = line;
    }
    // Floating boxes: the chrome has them; lay those cells over the panes.
    for (const box of floatingBoxes(state)) {
      const width = box.lines.reduce((w, l) => Math.max(w, lineWidth(l)), 0);
      for (let i = 0; i < box.lines.length; i++) {
        const r = body.y + box.y + i;
        if (r >= rows) break;
        const under = out[r]!;
        const over = sliceAnsi(chrome[r] ?? '', box.x, box.x + width);
        out[r] = `${sliceAnsi(under, 0, box.x)}\x1b[0m${over}\x1b[0m${sliceAnsi(under, box.x + width, cols)}`;
      }
    }
    return out;
  }

  private status: { layout: ClientState['layout']; conn: ClientState['conn']; cols: number; row: string } | null = null;

  /** The status row (drawn here, not by ink: it changes with every key typed into a filter), kept until its inputs change. */
  private statusRow(state: ClientState): string {
    const st = this.status;
    if (st && st.layout === state.layout && st.conn === state.conn && st.cols === state.size.cols) return st.row;
    const row = lineToAnsi(statusLine(state.layout, state.conn, state.size.cols));
    this.status = { layout: state.layout, conn: state.conn, cols: state.size.cols, row };
    return row;
  }

  private paneRows(id: number, rect: Rect, title: string, view: PaneView | undefined, focused: boolean, spin: number): string[] {
    const e = this.panes.get(id);
    const s = loadingMessage(view) ? spin : 0;
    if (
      e &&
      e.view === view &&
      e.title === title &&
      e.focused === focused &&
      e.spin === s &&
      e.rect.x === rect.x &&
      e.rect.y === rect.y &&
      e.rect.width === rect.width &&
      e.rect.height === rect.height
    ) {
      return e.rows;
    }
    const rows = paneLines(rect, title, view, focused, s).map((l) => lineToAnsi(l));
    this.panes.set(id, { view, title, focused, rect: { ...rect }, spin: s, rows });
    return rows;
  }
}

/** Floating boxes (overlay, then toasts over it) of a state, in body coordinates. */
function floatingBoxes(state: Pick<ClientState, 'size' | 'layout' | 'toasts'>): Floating[] {
  const body = bodyRect(state.size);
  const boxes: Floating[] = [];
  const o = state.layout?.overlay;
  if (o) {
    const b = overlayBox(o, state.size.cols, body.height);
    if (b) boxes.push(b);
  }
  boxes.push(...toastBoxes(state.toasts, state.size.cols, body.height, MAX_TOASTS));
  return boxes;
}

/**
 * How many screen rows ink must draw for a state: the tab bar, and the body down to the lowest
 * floating box. The compositor draws the rest (the panes and the status row) and reads only the
 * tab bar and the boxes' cells from ink's frame, so the rows below are not ink's to make: ink's
 * output pipeline costs per cell of its frame (each cell's style diffed against its neighbour's),
 * and a tab switch rendering the whole 160×50 screen took several times a pane frame's CPU.
 */
export function inkRows(state: Pick<ClientState, 'size' | 'layout' | 'toasts'>): number {
  const body = bodyRect(state.size);
  let bottom = body.y;
  for (const box of floatingBoxes(state)) bottom = Math.max(bottom, body.y + Math.min(body.height, box.y + box.lines.length));
  return Math.min(state.size.rows, bottom);
}

/**
 * The chrome as ink draws it (App's Chrome), from the same line functions: the tab bar, the status
 * bar, the floating boxes over a blank body — what the screen shows until ink has rendered once.
 */
export function earlyChrome(state: ClientState): string[] {
  const { cols, rows } = state.size;
  if (tooSmall(state.size)) return wrap(`terminal too small (${cols}x${rows})`, cols).slice(0, rows);
  const out: string[] = Array.from({ length: rows }, () => '');
  out[0] = lineToAnsi(tabBarLine(state.layout, cols));
  out[rows - 1] = lineToAnsi(statusLine(state.layout, state.conn, cols));
  const body = bodyRect(state.size);
  for (const box of floatingBoxes(state)) {
    box.lines.forEach((l, i) => {
      const r = body.y + box.y + i;
      if (r >= body.y + body.height || r >= rows) return;
      // A later box covers an earlier one only where it is drawn.
      const under = out[r]!;
      const pad = Math.max(0, box.x - stringWidth(plainText(under)));
      out[r] = `${sliceAnsi(under, 0, box.x)}${' '.repeat(pad)}${lineToAnsi(l)}\x1b[0m${sliceAnsi(under, box.x + lineWidth(l), cols)}`;
    });
  }
  return out;
}

const plainText = (s: string): string => s.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '');
