import type { Line, PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import { BasePane } from '../panes/base-pane.js';
import type { PaneContext } from '../panes/pane.js';
import { commandOrigin } from './command-origin.js';
import { fromPaneCommand } from './plugin-command.js';
import type { PluginSession, PluginState } from './plugin-session.js';
import { PluginTable } from './plugin-table.js';
import type { RichLine, RichRender } from './render-v2.js';
import { ViewportTracker } from './viewport-tracker.js';

/** PaneCommands the host also applies itself, scrolling a render taller than the pane. */
const HOST_SCROLL: ReadonlySet<PaneCommand['type']> = new Set(['scroll_up', 'scroll_down', 'page_up', 'page_down', 'go_to_top', 'go_to_bottom']);

/**
 * A pane whose content comes from a plugin (seed phase 1). Loading shows a spinner, Ready the
 * plugin's lines cut to the viewport (scrollable when the plugin renders more than fits), a stopped
 * plugin its reason in the error style. Commands are translated (lossy) and forwarded; focus and
 * size changes reach the plugin as commands.
 */
export class PluginPane extends BasePane {
  private state: PluginState = { kind: 'loading' };
  private lines: string[] = [];
  /** The last ABI v2 render's lines (spans), when the last render was a v2 one. */
  private rich: RichLine[] | null = null;
  /** A v2 render's table: sorted, filtered and scrolled here, like a resource list. */
  private readonly table = new PluginTable();
  private notice: string | null = null;
  private top = 0;
  private lastRows = 20;
  private closed: Promise<void> | null = null;
  private readonly sizes: ViewportTracker;

  constructor(
    ctx: PaneContext,
    key: string,
    private readonly session: PluginSession,
  ) {
    super(key, ctx);
    this.table.restore(ctx.args);
    this.sizes = new ViewportTracker((vp) => this.session.command({ type: 'resize', width: vp.cols, height: vp.rows }));
    session.start({
      state: (s) => {
        this.state = s;
        this.changed.emit();
      },
      render: (lines) => {
        this.lines = lines;
        this.rich = null;
        this.table.set(null);
        this.changed.emit();
      },
      rich: (r: RichRender) => {
        this.rich = r.lines;
        this.lines = [];
        this.table.set(r.table);
        this.changed.emit();
      },
      notice: (text) => {
        if (text === this.notice) return;
        this.notice = text;
        this.changed.emit();
      },
    });
  }

  title(): string {
    return this.key;
  }

  alias(): string {
    return 'PLG';
  }

  /** Loading, ready, restarting or error (tests and plugin/list). */
  get status(): PluginState {
    return this.state;
  }

  handleCommand(command: PaneCommand): void {
    // A v2 table moves, filters and sorts here, without calling the plugin; enter tells it the row.
    if (this.table.handles(command.type)) {
      if (this.table.command(command)) this.changed.emit();
      return;
    }
    if (command.type === 'select' && this.table.active) {
      const row = this.table.selected();
      this.session.command(row ? { type: 'select', row: row.index, ...(row.keyed ? { key: row.key } : {}) } : { type: 'select' }, commandOrigin());
      return;
    }
    if (HOST_SCROLL.has(command.type) && this.scroll(command.type)) this.changed.emit();
    const pc = fromPaneCommand(command);
    if (pc) this.session.command(pc, commandOrigin());
  }

  /** A v2 table's sort and filter, kept with the session like a resource list's. */
  persistState(): Record<string, unknown> {
    return this.table.persist();
  }

  /** `s` on a v2 table: sort by the next column (nothing for other renders). */
  cycleSort(): void {
    if (this.table.cycleSort()) this.changed.emit();
  }

  private get lineCount(): number {
    return this.rich ? this.rich.length : this.lines.length;
  }

  private scroll(type: PaneCommand['type']): boolean {
    const before = this.top;
    const maxTop = Math.max(0, this.lineCount - this.lastRows);
    const page = Math.max(1, this.lastRows - 1);
    const delta = type === 'scroll_up' ? -1 : type === 'scroll_down' ? 1 : type === 'page_up' ? -page : type === 'page_down' ? page : 0;
    if (type === 'go_to_top') this.top = 0;
    else if (type === 'go_to_bottom') this.top = maxTop;
    else this.top = Math.max(0, Math.min(maxTop, this.top + delta));
    return this.top !== before;
  }

  onFocus(focused: boolean): void {
    this.session.command({ type: 'focus', focused });
  }

  onResize(viewport: Viewport): void {
    this.sizes.note(viewport);
  }

  view(viewport: Viewport): PaneView {
    this.sizes.note(viewport);
    const title = this.title();
    const s = this.state;
    if (s.kind === 'loading') return { type: 'message', title, level: 'loading', text: `Loading plugin '${this.key}'…` };
    if (s.kind === 'error') return { type: 'message', title, level: 'error', text: s.message };
    const footer = s.kind === 'restarting' ? `restarting after crash ${s.crashes}: ${s.reason}` : undefined;
    if (this.table.active) {
      const caption: Line[] = (this.rich ?? []).map((l) => toLine(l, viewport.cols));
      // The reason a render was refused, wrapped (up to 4 lines) rather than cut.
      if (this.notice) {
        const cols = Math.max(1, viewport.cols);
        for (let i = 0; i < this.notice.length && i < cols * 4; i += cols) caption.push({ text: this.notice.slice(i, i + cols), style: 'error' });
      }
      return this.table.view(title, caption, viewport.rows, footer);
    }
    const rows = Math.max(1, viewport.rows - (footer ? 1 : 0) - (this.notice ? 1 : 0));
    this.lastRows = rows;
    const total = this.lineCount;
    const top = Math.min(this.top, Math.max(0, total - rows));
    const out: Line[] = this.rich
      ? this.rich.slice(top, top + rows).map((l) => toLine(l, viewport.cols))
      : this.lines.slice(top, top + rows).map((text) => ({ text: text.slice(0, viewport.cols) }));
    if (this.notice) out.push({ text: this.notice.slice(0, viewport.cols), style: 'error' });
    return {
      type: 'lines',
      title,
      lines: out,
      offset: top,
      total,
      ...(total > rows ? { badge: `${top + 1}-${Math.min(total, top + rows)}/${total}` } : {}),
      ...(footer ? { footer } : {}),
    };
  }

  /** Resolves once the plugin has seen plugin_on_close and its instance is released. */
  whenClosed(): Promise<void> {
    return this.closed ?? Promise.resolve();
  }

  override dispose(): void {
    this.sizes.dispose();
    this.closed ??= this.session.close();
    super.dispose();
  }
}

/** A v2 line as a view line: its spans (with their colours) cut to `cols` characters. */
function toLine(l: RichLine, cols: number): Line {
  const spans: NonNullable<Line['spans']> = [];
  let left = cols;
  for (const sp of l) {
    if (left <= 0) break;
    const text = sp.text.length > left ? sp.text.slice(0, left) : sp.text;
    left -= text.length;
    spans.push({ ...sp, text });
  }
  return { text: spans.map((sp) => sp.text).join(''), spans };
}
