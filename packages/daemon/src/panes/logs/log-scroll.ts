import type { LogLine } from '../../kube/logs/log-line.js';

/** The lines a logs pane can show, by absolute index (a LogBuffer's matching lines, maybe with lines still coming after them). */
export interface MatchList {
  readonly matchBase: number;
  readonly matchEnd: number;
  readonly matchCount: number;
  match(abs: number): LogLine | undefined;
}

/** One screen row: the `sub`-th wrapped row of the matching line at absolute index `abs`. */
export interface RowRef {
  line: LogLine;
  abs: number;
  sub: number;
}

interface Pos {
  abs: number;
  sub: number;
}

const before = (a: Pos, b: Pos): boolean => a.abs < b.abs || (a.abs === b.abs && a.sub < b.sub);

const H_STEP = 8;

/**
 * Where a logs pane looks: follow (the newest rows) or a position held as (line, wrapped row) in
 * absolute match indexes, so lines arriving or old lines dropping never move what is shown. A view
 * and a scroll cost the rows shown, never the buffer size.
 */
export class LogScroll {
  follow = true;
  wrap = false;
  hscroll = 0;
  private top: Pos = { abs: 0, sub: 0 };
  private lastTop: Pos = { abs: 0, sub: 0 };
  private rows = 20;
  private rowsOf: (l: LogLine) => number = () => 1;

  /** The rows to show in a viewport of `rows` rows; `rowsOf` is how many rows a line wraps to. */
  window(buf: MatchList, rows: number, rowsOf: (l: LogLine) => number): RowRef[] {
    this.rows = rows;
    this.rowsOf = rowsOf;
    let pos: Pos;
    if (this.follow || buf.matchCount === 0) pos = this.bottomTop(buf, rows);
    else {
      const abs = Math.min(Math.max(this.top.abs, buf.matchBase), buf.matchEnd - 1);
      const line = buf.match(abs)!;
      pos = { abs, sub: abs === this.top.abs ? Math.min(this.top.sub, rowsOf(line) - 1) : 0 };
      // Near the end, show a full page rather than empty rows below (and stay there as lines come).
      const bottom = this.bottomTop(buf, rows);
      if (before(bottom, pos)) pos = bottom;
      this.top = pos;
    }
    this.lastTop = pos;
    const out: RowRef[] = [];
    let { abs, sub } = pos;
    while (out.length < rows && abs < buf.matchEnd) {
      const line = buf.match(abs)!;
      const n = rowsOf(line);
      for (; sub < n && out.length < rows; sub++) out.push({ line, abs, sub });
      abs++;
      sub = 0;
    }
    return out;
  }

  /** The top of the last page. */
  private bottomTop(buf: MatchList, rows: number): Pos {
    let need = rows;
    let abs = buf.matchEnd - 1;
    while (abs >= buf.matchBase) {
      const n = this.rowsOf(buf.match(abs)!);
      if (n >= need) return { abs, sub: n - need };
      need -= n;
      if (abs === buf.matchBase) break;
      abs--;
    }
    return { abs: Math.max(buf.matchBase, abs), sub: 0 };
  }

  /** The row offset shown at the top (in matching lines), for the view's `offset`. */
  topIndex(buf: MatchList): number {
    return Math.max(0, this.lastTop.abs - buf.matchBase);
  }

  /** Scrolls by `n` rows; scrolling up while following pauses where the view is. */
  scroll(buf: MatchList, n: number): void {
    if (this.follow) {
      if (n >= 0) return;
      this.follow = false;
      this.top = { ...this.lastTop };
    }
    // Up from a position below what was last shown (a taller view showed a full page) starts from what was shown.
    if (n < 0 && before(this.lastTop, this.top)) this.top = { ...this.lastTop };
    let { abs, sub } = this.top;
    if (abs < buf.matchBase) {
      abs = buf.matchBase;
      sub = 0;
    }
    if (buf.matchCount === 0) return;
    while (n > 0) {
      const line = buf.match(abs);
      if (!line) break;
      if (sub + 1 < this.rowsOf(line)) sub++;
      else if (abs + 1 < buf.matchEnd) {
        abs++;
        sub = 0;
      } else break;
      n--;
    }
    while (n < 0) {
      if (sub > 0) sub--;
      else if (abs - 1 >= buf.matchBase) {
        abs--;
        sub = this.rowsOf(buf.match(abs)!) - 1;
      } else break;
      n++;
    }
    this.top = { abs, sub };
  }

  page(buf: MatchList, dir: 1 | -1): void {
    this.scroll(buf, dir * Math.max(1, this.rows - 1));
  }

  toTop(buf: MatchList): void {
    this.follow = false;
    this.top = { abs: buf.matchBase, sub: 0 };
  }

  toBottom(): void {
    this.follow = true;
  }

  toggleFollow(): void {
    this.follow = !this.follow;
    if (!this.follow) this.top = { ...this.lastTop };
  }

  toggleWrap(): void {
    this.wrap = !this.wrap;
    this.hscroll = 0;
    this.top = { abs: this.lastTop.abs, sub: 0 };
  }

  left(): void {
    this.hscroll = Math.max(0, this.hscroll - H_STEP);
  }

  /** Sideways, up to `maxH`: where the widest line shown ends at the pane's right edge (never into blank columns). */
  right(maxH = Number.POSITIVE_INFINITY): void {
    if (!this.wrap) this.hscroll = Math.max(this.hscroll, Math.min(this.hscroll + H_STEP, maxH));
  }

  /** The filter changed (absolute indexes start over): keep following, else go to the first match. */
  filterChanged(buf: MatchList): void {
    this.top = { abs: buf.matchBase, sub: 0 };
    this.lastTop = { ...this.top };
  }
}
