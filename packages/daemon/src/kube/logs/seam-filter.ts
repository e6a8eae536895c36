import { compareTime } from './log-line.js';

/** Where a reader stopped: the last line's timestamp and how many lines carried exactly it. */
export interface SeamMark {
  sec: number;
  nano: number;
  count: number;
}

/**
 * Drops the lines a resumed read repeats. `sinceTime` has second precision, so a resume reads
 * the last line's whole second again; lines before the mark are dropped, and of the lines with
 * exactly the mark's timestamp as many as were already seen. The first new line ends the seam:
 * everything after it is new (the server sends a log in order).
 */
export class SeamFilter {
  private remaining: number;
  private open = true;

  constructor(private readonly mark: SeamMark) {
    this.remaining = mark.count;
  }

  get done(): boolean {
    return !this.open;
  }

  accept(sec: number, nano: number): boolean {
    if (!this.open) return true;
    const c = compareTime(sec, nano, this.mark.sec, this.mark.nano);
    if (c < 0) return false;
    if (c === 0 && this.remaining > 0) {
      this.remaining--;
      return false;
    }
    this.open = false;
    return true;
  }
}

/** Keeps a SeamMark up to date as lines go by. */
export class SeamTracker {
  mark: SeamMark | null = null;

  see(sec: number, nano: number): void {
    const m = this.mark;
    if (m && m.sec === sec && m.nano === nano) m.count++;
    else this.mark = { sec, nano, count: 1 };
  }

  /** The same as `see` for each line, in one step. */
  seeAll(lines: readonly { sec: number; nano: number }[]): void {
    const n = lines.length;
    if (n === 0) return;
    const last = lines[n - 1]!;
    let i = n - 1;
    while (i > 0 && lines[i - 1]!.sec === last.sec && lines[i - 1]!.nano === last.nano) i--;
    const m = this.mark;
    if (i === 0 && m && m.sec === last.sec && m.nano === last.nano) m.count += n;
    else this.mark = { sec: last.sec, nano: last.nano, count: n - i };
  }
}
