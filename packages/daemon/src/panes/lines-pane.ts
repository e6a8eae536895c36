import type { Line, LinesView, PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import { BasePane } from './base-pane.js';
import type { PaneContext, PaneRequests } from './pane.js';
import { TableCursor } from './table-cursor.js';

const H_STEP = 8;

/**
 * A scrollable list of text lines with follow, wrap, horizontal scroll and a live filter.
 * Subclasses supply the lines; the view is cut to the viewport (never all lines).
 */
export abstract class LinesPane extends BasePane {
  /** Index of the first display row shown when not following. */
  protected top = 0;
  protected follow = false;
  protected wrap = false;
  protected hscroll = 0;
  protected filter = '';
  /** Rows of content shown last time (for page sizes); a sensible default before the first view. */
  private lastRows = 20;
  private readonly requests: PaneRequests;
  /** The selected line of a pane with a cursor (see hasCursor), kept on its line by lineId. */
  private readonly cursor = new TableCursor();

  constructor(key: string, ctx: PaneContext) {
    super(key, ctx);
    this.requests = ctx.requests;
  }

  protected abstract lines(): Line[];
  protected footerExtra(): string {
    return '';
  }
  protected supportsFollow(): boolean {
    return true;
  }

  /**
   * Panes whose lines are objects (xray's nodes): the navigation keys move a cursor over the shown lines
   * instead of scrolling, and the subclass acts on selectedLine(). The others scroll.
   */
  protected hasCursor(): boolean {
    return false;
  }
  /** What keeps the cursor on its line while lines come and go (a pane with a cursor names its lines). */
  protected lineId(line: Line): string {
    return line.text;
  }

  /** The lines `query` keeps (not empty): by default each line holding it, whatever the case. */
  protected filterLines(all: Line[], query: string): Line[] {
    const q = query.toLowerCase();
    return all.filter((l) => l.text.toLowerCase().includes(q));
  }

  private filtered(): Line[] {
    const all = this.lines();
    if (!this.filter) return all;
    return this.filterLines(all, this.filter);
  }

  /** The line under the cursor, of the lines shown (the filter's); null without a cursor or lines. */
  protected selectedLine(): Line | null {
    if (!this.hasCursor()) return null;
    const src = this.filtered();
    return src[this.cursor.select(src, (l) => this.lineId(l))] ?? null;
  }

  /** The lines shown, their display rows (a wrapped line is several) and the first row of each line. */
  private displayRows(cols: number): { src: Line[]; rows: Line[]; firstRow: number[] } {
    const src = this.filtered();
    if (!this.wrap) return { src, rows: src, firstRow: src.map((_, i) => i) };
    const out: Line[] = [];
    const firstRow: number[] = [];
    for (const l of src) {
      firstRow.push(out.length);
      if (l.text.length <= cols) out.push(l);
      else for (let i = 0; i < l.text.length; i += cols) out.push({ text: l.text.slice(i, i + cols), ...(l.style ? { style: l.style } : {}) });
    }
    return { src, rows: out, firstRow };
  }

  handleCommand(cmd: PaneCommand): void {
    if (this.hasCursor() && this.cursor.navigate(cmd, this.filtered(), (l) => this.lineId(l))) {
      this.changed.emit();
      return;
    }
    const page = Math.max(1, this.lastRows - 1);
    switch (cmd.type) {
      case 'scroll_up':
      case 'select_prev':
        this.scrollBy(-1);
        break;
      case 'scroll_down':
      case 'select_next':
        this.scrollBy(1);
        break;
      case 'page_up':
        this.scrollBy(-page);
        break;
      case 'page_down':
        this.scrollBy(page);
        break;
      case 'go_to_top':
        this.follow = false;
        this.top = 0;
        break;
      case 'go_to_bottom':
        this.top = Number.MAX_SAFE_INTEGER;
        if (this.supportsFollow()) this.follow = true;
        break;
      case 'toggle_follow':
        if (!this.supportsFollow()) return;
        this.follow = !this.follow;
        if (this.follow) this.top = Number.MAX_SAFE_INTEGER;
        break;
      case 'toggle_wrap':
        this.wrap = !this.wrap;
        this.hscroll = 0;
        break;
      case 'scroll_left':
        this.hscroll = Math.max(0, this.hscroll - H_STEP);
        break;
      case 'scroll_right':
        if (!this.wrap) this.hscroll += H_STEP;
        break;
      case 'filter':
        this.filter = cmd.query;
        this.top = 0;
        this.cursor.reset();
        break;
      case 'clear_filter':
        this.filter = '';
        break;
      case 'back':
        // esc: the filter first, then the pane goes (k9s's back; xray, help, a command's output stayed).
        if (this.filter) {
          this.filter = '';
          this.top = 0;
          break;
        }
        this.requests.close('back');
        return;
      default:
        return;
    }
    this.changed.emit();
  }

  private scrollBy(delta: number): void {
    if (this.follow && delta < 0) {
      // Scrolling up leaves follow mode where the view currently is.
      this.follow = false;
      this.top = Math.max(0, this.lastTotal - this.lastRows);
    }
    this.top = Math.max(0, Math.min(this.top, Math.max(0, this.lastTotal - 1)) + delta);
  }
  private lastTotal = 0;

  view(viewport: Viewport): PaneView {
    return this.linesView(viewport);
  }

  protected linesView(viewport: Viewport): LinesView {
    const footer = this.footer();
    const rows = Math.max(1, viewport.rows - (footer ? 1 : 0));
    this.lastRows = rows;
    const { src, rows: display, firstRow } = this.displayRows(viewport.cols);
    const total = display.length;
    this.lastTotal = total;
    const maxTop = Math.max(0, total - rows);
    let top = this.follow ? maxTop : Math.min(this.top, maxTop);
    if (top < 0) top = 0;
    if (!this.follow && this.top > maxTop) this.top = maxTop;
    // A cursor: the window follows it (its line's first row in sight).
    let cursor: number | null = null;
    if (this.hasCursor()) {
      const sel = this.cursor.select(src, (l) => this.lineId(l));
      cursor = sel >= 0 ? (firstRow[sel] ?? null) : null;
      top = this.cursor.window(cursor ?? -1, rows, total);
    }
    const lines = display.slice(top, top + rows).map((l) => this.cut(l, viewport.cols));
    return {
      type: 'lines',
      title: this.title(),
      lines,
      offset: top,
      total,
      ...(cursor !== null ? { cursor } : {}),
      follow: this.follow,
      wrap: this.wrap,
      badge: this.filter ? `${total}/${this.lines().length}` : `${total}`,
      ...(footer ? { footer } : {}),
    };
  }

  private cut(l: Line, cols: number): Line {
    if (this.wrap) return l;
    const text = l.text.slice(this.hscroll, this.hscroll + cols);
    if (!l.spans) return { ...l, text };
    return { ...l, text, spans: cutSpans(l.spans, this.hscroll, cols) };
  }

  private footer(): string {
    const parts: string[] = [];
    if (this.supportsFollow()) parts.push(this.follow ? 'FOLLOW' : 'PAUSED');
    parts.push(this.wrap ? 'WRAP' : 'NOWRAP');
    if (this.filter) parts.push(`filter:"${this.filter}"`);
    const extra = this.footerExtra();
    if (extra) parts.push(extra);
    return parts.join(' | ');
  }
}

function cutSpans(spans: NonNullable<Line['spans']>, from: number, width: number): NonNullable<Line['spans']> {
  const out: NonNullable<Line['spans']> = [];
  let pos = 0;
  for (const s of spans) {
    const start = pos;
    const end = pos + s.text.length;
    pos = end;
    const a = Math.max(start, from);
    const b = Math.min(end, from + width);
    if (b > a) out.push({ ...s, text: s.text.slice(a - start, b - start) });
  }
  return out;
}
