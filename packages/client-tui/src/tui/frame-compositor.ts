import { bodyRect, layoutTab, type PaneView, type Rect } from '@kubetile/rpc-schema/light';
import { lineToAnsi } from './ansi.js';
import { overlayBox, statusLine, tabBarLine, toastBoxes, type Floating } from './chrome.js';
import { isLoading } from '../cli/view-text.js';
import { sliceAnsi } from '../util/slice-ansi.js';
import { stringWidth, wrap } from '../util/text.js';
import { paneAnsiRows } from './pane-lines.js';
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

/** A rectangle of the screen, in screen cells. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

const sameRegion = (a: Region | null, b: Region | null): boolean =>
  a === b || (!!a && !!b && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);

/**
 * Builds each frame as screen rows. ink renders the floating UI (the overlay and the toasts) into a
 * frame the size of the screen region they cover (`inkRegion`), and the compositor lays those cells
 * over the rest, which it draws itself from the same line functions: the tab bar, the pane bodies
 * and the status row. Each pane's rows are kept until its view, size, title or focus changes, so a
 * frame costs what changed, not the whole screen.
 */
export class FrameCompositor {
  private readonly panes = new Map<number, PaneEntry>();
  /** ink's last frame (rows of its region) and the region it was rendered for. */
  private ink: { rows: string[]; region: Region | null } | null = null;

  /** The frame ink last rendered, for `region` (`inkRegion` of the state it rendered). */
  setChrome(frame: string, region: Region | null): void {
    this.ink = { rows: frame.split('\n'), region };
  }

  /**
   * ink's rows when its last frame is of this state's region; otherwise (ink not loaded yet, or a
   * frame of another state) null, and the compositor draws the same boxes from their line functions,
   * so a frame never waits for ink and never shows a box where another state had it.
   */
  private inkRows(state: ClientState): { rows: string[]; region: Region } | null {
    const region = inkRegion(state);
    return region && this.ink && sameRegion(this.ink.region, region) ? { rows: this.ink.rows, region } : null;
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
    const ink = this.inkRows(state);
    if (tooSmall(state.size)) {
      const chrome = ink?.rows ?? earlyChrome(state);
      return Array.from({ length: rows }, (_, i) => chrome[i] ?? '');
    }
    const layout = state.layout;
    const tab = layout?.tabs.find((t) => t.id === layout.activeTabId) ?? layout?.tabs[0];
    const rects = this.visible(state);
    const out: string[] = Array.from({ length: rows }, () => '');
    out[0] = this.tabRow(state);
    out[rows - 1] = this.statusRow(state);
    // Pane rows, left to right on each screen row (the layout tiles the body exactly).
    const slots = [...rects].sort((a, b) => a[1].x - b[1].x);
    const drawn = new Map<number, string[]>();
    for (const [id, rect] of slots) {
      const entry = state.views.get(id);
      const title = entry?.view.title || layout?.paneTitles[String(id)] || `pane ${id}`;
      drawn.set(id, this.paneRows(id, rect, title, entry?.view, tab?.focusedPaneId === id, spin));
    }
    // A pane of another tab keeps its rows (switching back to it draws nothing anew) until it is gone.
    for (const id of [...this.panes.keys()]) if (!rects.has(id) && !state.views.has(id)) this.panes.delete(id);
    const body = bodyRect(state.size);
    for (let r = body.y; r < body.y + body.height && r < rows; r++) {
      let line = '';
      for (const [id, rect] of slots) {
        if (r < rect.y || r >= rect.y + rect.height) continue;
        line += drawn.get(id)![r - rect.y] ?? '';
      }
      out[r] = line;
    }
    // Floating boxes over the panes, each covering its rectangle (a later box over an earlier one):
    // their cells from ink's frame of the region, or drawn from their lines until ink has one.
    for (const box of floatingBoxes(state)) {
      const width = boxWidth(box);
      for (let i = 0; i < box.lines.length; i++) {
        const r = body.y + box.y + i;
        if (r >= body.y + body.height || r >= rows) break;
        const under = out[r]!;
        const line = box.lines[i]!;
        const over = ink ? sliceAnsi(ink.rows[r - ink.region.y] ?? '', box.x - ink.region.x, box.x - ink.region.x + width) : `${lineToAnsi(line)}${' '.repeat(width - lineWidth(line))}`;
        out[r] = `${sliceAnsi(under, 0, box.x)}\x1b[0m${over}\x1b[0m${sliceAnsi(under, box.x + width, cols)}`;
      }
    }
    return out;
  }

  private tab: { key: string; row: string } | null = null;

  /**
   * The tab bar (drawn here, not by ink: a tab switch is then a frame of pane rows), kept while what
   * it shows is the same (every key brings a new layout; few change the tabs).
   */
  private tabRow(state: ClientState): string {
    const layout = state.layout;
    const key = layout
      ? `${state.size.cols}\0${layout.session}\0${layout.activeTabId}\0${layout.tabs.map((t) => `${t.id}\x01${t.title}\x01${t.namespace}`).join('\0')}\0${(layout.status.namespaces ?? []).join('\x01')}`
      : `${state.size.cols}`;
    if (this.tab?.key === key) return this.tab.row;
    const row = lineToAnsi(tabBarLine(layout, state.size.cols));
    this.tab = { key, row };
    return row;
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
    const rows = paneAnsiRows(rect, title, view, focused, s);
    this.panes.set(id, { view, title, focused, rect: { ...rect }, spin: s, rows });
    return rows;
  }
}

/** The last floating boxes made, and what they were made from (a frame asks for them several times). */
let lastBoxes: { size: ClientState['size']; overlay: unknown; toasts: ClientState['toasts']; boxes: Floating[] } | null = null;

/** Floating boxes (overlay, then toasts over it) of a state, in body coordinates. */
export function floatingBoxes(state: Pick<ClientState, 'size' | 'layout' | 'toasts'>): Floating[] {
  const overlay = state.layout?.overlay;
  const l = lastBoxes;
  if (l && l.size === state.size && l.overlay === overlay && l.toasts === state.toasts) return l.boxes;
  const boxes = makeFloatingBoxes(state);
  lastBoxes = { size: state.size, overlay, toasts: state.toasts, boxes };
  return boxes;
}

function makeFloatingBoxes(state: Pick<ClientState, 'size' | 'layout' | 'toasts'>): Floating[] {
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

const widths = new WeakMap<Floating, number>();

/** A floating box's width: its widest line (measured once per box: a frame asks several times). */
export function boxWidth(box: Floating): number {
  let w = widths.get(box);
  if (w === undefined) {
    w = box.lines.reduce((m, l) => Math.max(m, lineWidth(l)), 0);
    widths.set(box, w);
  }
  return w;
}

/**
 * The screen region ink draws for a state: the rectangle around the floating boxes (clipped to the
 * body), the whole screen when it is too small for panes (ink then draws the message), or null when
 * nothing floats (ink draws nothing). ink's output pipeline costs per cell of its frame (each cell an
 * object, its style diffed against its neighbour's): a centred dialog drawn in a full-width frame
 * down to its last row cost several times a pane frame's CPU; in a frame its own size, a fraction.
 */
export function inkRegion(state: Pick<ClientState, 'size' | 'layout' | 'toasts'>): Region | null {
  const { cols, rows } = state.size;
  if (tooSmall(state.size)) return { x: 0, y: 0, width: cols, height: rows };
  const body = bodyRect(state.size);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const box of floatingBoxes(state)) {
    const top = body.y + box.y;
    const bottom = Math.min(body.y + body.height, top + box.lines.length);
    if (bottom <= top) continue;
    x0 = Math.min(x0, box.x);
    x1 = Math.max(x1, Math.min(cols, box.x + boxWidth(box)));
    y0 = Math.min(y0, top);
    y1 = Math.max(y1, bottom);
  }
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/**
 * The chrome from the line functions alone: the tab bar, the status bar, the floating boxes over a
 * blank body (what ink's Chrome draws of it, laid where the compositor lays it), or the message of a
 * terminal too small for panes.
 */
export function earlyChrome(state: ClientState): string[] {
  const { cols, rows } = state.size;
  if (tooSmall(state.size)) return wrap(`terminal too small (${cols}x${rows})`, cols, rows);
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
