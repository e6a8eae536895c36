import type { PaneCommand } from '@kubetile/rpc-schema';

/**
 * The selection of a table pane kept by row id (the row stays selected as rows move), moved by the
 * navigation commands (j/k wrap around, pages, top/bottom), and the window of rows shown around it.
 */
export class TableCursor {
  private id: string | null = null;
  private index = 0;
  private top = 0;
  /** Body rows of the last view (a page). */
  private shown = 20;

  /** The selected row's index in `rows` (-1 when there are none), following its id. */
  select<T>(rows: readonly T[], idOf: (r: T) => string): number {
    if (rows.length === 0) return -1;
    if (this.id !== null) {
      const found = rows.findIndex((r) => idOf(r) === this.id);
      if (found >= 0) return (this.index = found);
    }
    this.index = Math.min(Math.max(0, this.index), rows.length - 1);
    this.id = idOf(rows[this.index]!);
    return this.index;
  }

  /** Moves for a navigation command; false when `cmd` is not one. */
  navigate<T>(cmd: PaneCommand, rows: readonly T[], idOf: (r: T) => string): boolean {
    const cur = this.select(rows, idOf);
    const page = Math.max(1, this.shown - 1);
    let to: number;
    switch (cmd.type) {
      case 'select_next':
      case 'scroll_down':
        to = cur + 1 >= rows.length ? 0 : cur + 1;
        break;
      case 'select_prev':
      case 'scroll_up':
        to = cur - 1 < 0 ? rows.length - 1 : cur - 1;
        break;
      case 'page_down':
        to = cur + page;
        break;
      case 'page_up':
        to = cur - page;
        break;
      case 'go_to_top':
        to = 0;
        break;
      case 'go_to_bottom':
        to = rows.length - 1;
        break;
      default:
        return false;
    }
    if (rows.length > 0) {
      this.index = Math.max(0, Math.min(rows.length - 1, to));
      this.id = idOf(rows[this.index]!);
    }
    return true;
  }

  /** Forgets the selection (a new filter starts at the top). */
  reset(): void {
    this.id = null;
    this.index = 0;
  }

  /** The first row to show so that `sel` is in sight in `bodyRows` rows of `total`. */
  window(sel: number, bodyRows: number, total: number): number {
    this.shown = bodyRows;
    if (sel >= 0) {
      if (sel < this.top) this.top = sel;
      if (sel >= this.top + bodyRows) this.top = sel - bodyRows + 1;
    }
    this.top = Math.max(0, Math.min(this.top, Math.max(0, total - bodyRows)));
    return this.top;
  }
}
