import type { Column, Line, PaneCommand, Row, TableView } from '@kubetile/rpc-schema';
import type { RichRow, RichTable } from './render-v2.js';
import { sortRows } from './table-order.js';

/** Moves the table handles itself: the plugin is not called for them. */
const MOVES: ReadonlySet<PaneCommand['type']> = new Set(['select_next', 'select_prev', 'scroll_up', 'scroll_down', 'page_up', 'page_down', 'go_to_top', 'go_to_bottom']);
const LOCAL: ReadonlySet<PaneCommand['type']> = new Set([...MOVES, 'filter', 'clear_filter', 'sort_by_column', 'toggle_sort_order']);

/**
 * A plugin's v2 table as the user works it, in the daemon as for built-in lists: sorted by the
 * column the user picks (typed: numbers, durations, bytes and timestamps by value; text in
 * natural order; blanks last), filtered by `/`, scrolled and selected with the list keys, the
 * selection following its row's key across renders. No key of these calls the plugin.
 */
export class PluginTable {
  private table: RichTable | null = null;
  private sortCol: number | null = null;
  private desc = false;
  /** The user chose the sort (the plugin's own sort no longer applies). */
  private userSort = false;
  private filter = '';
  private selectedKey: string | null = null;
  private selectedIndex = 0;
  private top = 0;
  private lastRows = 20;
  private order: RichRow[] | null = null;

  /** The user's sort and filter as a pane's persisted args (restored by `restore`). */
  persist(): Record<string, unknown> {
    return {
      tableFilter: this.filter || undefined,
      tableSort: this.userSort && this.sortCol !== null ? this.sortCol : undefined,
      tableSortDesc: this.userSort && this.desc ? true : undefined,
    };
  }

  /** Takes the sort and filter back from a pane's args (a restored session); anything odd is ignored. */
  restore(args: Record<string, unknown>): void {
    if (typeof args.tableFilter === 'string') this.filter = args.tableFilter.slice(0, 1024);
    const col = args.tableSort;
    if (typeof col === 'number' && Number.isInteger(col) && col >= 0 && col < 64) {
      this.sortCol = col;
      this.desc = args.tableSortDesc === true;
      this.userSort = true;
    }
  }

  get active(): boolean {
    return this.table !== null;
  }

  /** A new render's table (null: the plugin shows lines now; the user's sort and filter are kept). */
  set(table: RichTable | null): void {
    if (table && !this.userSort) {
      this.sortCol = table.sort?.column ?? null;
      this.desc = table.sort?.desc ?? false;
    }
    if (table && this.sortCol !== null && this.sortCol >= table.columns.length) this.sortCol = null;
    this.table = table;
    this.order = null;
  }

  /** Whether `type` is handled here (for a table on screen). */
  handles(type: PaneCommand['type']): boolean {
    return this.table !== null && LOCAL.has(type);
  }

  /** Rows after filter and sort (cached until the table, filter or sort change). */
  rows(): RichRow[] {
    if (this.order) return this.order;
    const t = this.table;
    if (!t) return [];
    const q = this.filter.toLowerCase();
    let rows = q ? t.rows.filter((r) => r.search.includes(q)) : t.rows.slice();
    if (this.sortCol !== null) rows = sortRows(rows, t.columns, this.sortCol, this.desc);
    this.order = rows;
    return rows;
  }

  /** Index of the selected row in `rows()`, following its key; -1 when there are none. */
  private selection(): number {
    const rows = this.rows();
    if (rows.length === 0) return -1;
    if (this.selectedKey !== null) {
      if (rows[this.selectedIndex]?.key === this.selectedKey) return this.selectedIndex;
      const found = rows.findIndex((r) => r.key === this.selectedKey);
      if (found >= 0) return (this.selectedIndex = found);
    }
    this.selectedIndex = Math.min(Math.max(0, this.selectedIndex), rows.length - 1);
    this.selectedKey = rows[this.selectedIndex]!.key;
    return this.selectedIndex;
  }

  private move(to: number): void {
    const rows = this.rows();
    if (rows.length === 0) return;
    this.selectedIndex = Math.max(0, Math.min(rows.length - 1, to));
    this.selectedKey = rows[this.selectedIndex]!.key;
  }

  /** The selected row (what `select` tells the plugin), or null. */
  selected(): RichRow | null {
    const i = this.selection();
    return i >= 0 ? this.rows()[i]! : null;
  }

  /** `s`: the next column (ascending), after the last the plugin's order. */
  cycleSort(): boolean {
    const t = this.table;
    if (!t) return false;
    const next = this.sortCol === null ? 0 : this.sortCol + 1;
    this.sortCol = next < t.columns.length ? next : null;
    this.desc = false;
    this.userSort = true;
    this.order = null;
    return true;
  }

  /** Applies a list command; true when the view changed. */
  command(cmd: PaneCommand): boolean {
    const t = this.table;
    if (!t) return false;
    const cur = this.selection();
    const n = this.rows().length;
    const page = Math.max(1, this.lastRows - 1);
    switch (cmd.type) {
      case 'select_next':
      case 'scroll_down':
        // Wrap around at the ends, as the built-in lists do.
        this.move(cur + 1 >= n ? 0 : cur + 1);
        break;
      case 'select_prev':
      case 'scroll_up':
        this.move(cur - 1 < 0 ? n - 1 : cur - 1);
        break;
      case 'page_down':
        this.move(cur + page);
        break;
      case 'page_up':
        this.move(cur - page);
        break;
      case 'go_to_top':
        this.move(0);
        break;
      case 'go_to_bottom':
        this.move(n - 1);
        break;
      case 'filter':
        this.filter = cmd.query;
        this.order = null;
        this.selectedIndex = 0;
        this.selectedKey = null;
        break;
      case 'clear_filter':
        this.filter = '';
        this.order = null;
        break;
      case 'sort_by_column':
        if (cmd.column >= t.columns.length) return false;
        this.sortCol = cmd.column;
        this.desc = false;
        this.userSort = true;
        this.order = null;
        break;
      case 'toggle_sort_order':
        this.desc = !this.desc;
        this.userSort = true;
        this.order = null;
        break;
      default:
        return false;
    }
    return true;
  }

  /** The table cut to `rows` lines (caption, header and footer included) of a viewport. */
  view(title: string, caption: Line[], rows: number, footer: string | undefined): TableView {
    const t = this.table!;
    const all = this.rows();
    const sel = this.selection();
    const foot = [this.filter ? `/${this.filter}` : '', footer ?? ''].filter(Boolean).join(' | ');
    const captionRows = Math.min(caption.length, Math.max(0, rows - 2));
    const body = Math.max(1, rows - captionRows - 1 - (foot ? 1 : 0));
    this.lastRows = body;
    if (sel >= 0) {
      if (sel < this.top) this.top = sel;
      if (sel >= this.top + body) this.top = sel - body + 1;
    }
    this.top = Math.max(0, Math.min(this.top, Math.max(0, all.length - body)));
    const columns: Column[] = t.columns.map((c, i) => ({ id: `c${i}`, title: c.title, align: c.align, ...(c.width ? { width: c.width } : {}) }));
    const visible: Row[] = all.slice(this.top, this.top + body).map((r) => {
      const cells: Record<string, string> = {};
      const looks: NonNullable<Row['looks']> = {};
      r.cells.forEach((c, i) => {
        cells[`c${i}`] = c.text;
        if (c.look) looks[`c${i}`] = c.look;
      });
      return { id: r.key, cells, ...(Object.keys(looks).length > 0 ? { looks } : {}) };
    });
    const total = t.rows.length;
    return {
      type: 'table',
      title,
      badge: this.filter ? `${all.length}/${total}` : `${total}`,
      columns,
      rows: visible,
      offset: this.top,
      total: all.length,
      unfiltered: total,
      selected: sel >= 0 ? sel : null,
      ...(this.sortCol !== null ? { sort: { column: `c${this.sortCol}`, order: this.desc ? ('desc' as const) : ('asc' as const) } } : {}),
      ...(this.filter ? { filter: this.filter } : {}),
      ...(all.length === 0 ? { empty: this.filter ? 'No matches' : 'No rows' } : {}),
      ...(captionRows > 0 ? { caption: caption.slice(0, captionRows) } : {}),
      ...(foot ? { footer: foot } : {}),
    };
  }
}
