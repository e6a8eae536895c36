import { compareTime } from './log-line.js';

/** Where a reader stopped: the last line's timestamp and how many lines carried exactly it. */
export interface SeamMark {
  sec: number;
  nano: number;
  count: number;
}

/** A timestamp. */
export interface SeamTime {
  sec: number;
  nano: number;
}

/**
 * Drops the lines a resumed read repeats. `sinceTime` has second precision, so a resume reads
 * the last line's whole second again: lines are dropped until the last line seen has come again
 * (as many lines with exactly the mark's timestamp as were seen), or a line newer than any seen;
 * everything after is new (the server sends a log in order). In a log whose timestamps went back
 * (a node's clock stepped back), the resume also re-reads the lines from before the step, newer
 * than the mark: dropping only the lines before the mark delivered them all a second time.
 */
export class SeamFilter {
  private remaining: number;
  private open = true;
  private readonly newest: SeamTime;

  /** `newest`: the newest timestamp seen (the mark's when absent: a log in order). */
  constructor(
    private readonly mark: SeamMark,
    newest?: SeamTime,
  ) {
    this.remaining = mark.count;
    this.newest = newest && compareTime(newest.sec, newest.nano, mark.sec, mark.nano) > 0 ? { sec: newest.sec, nano: newest.nano } : { sec: mark.sec, nano: mark.nano };
  }

  get done(): boolean {
    return !this.open;
  }

  /** Whether `accept` would take a line with this timestamp now (without counting it). */
  peek(sec: number, nano: number): boolean {
    if (!this.open || this.remaining === 0) return true;
    if (compareTime(sec, nano, this.mark.sec, this.mark.nano) === 0) return false;
    return compareTime(sec, nano, this.newest.sec, this.newest.nano) > 0;
  }

  accept(sec: number, nano: number): boolean {
    if (!this.open) return true;
    if (this.remaining > 0 && compareTime(sec, nano, this.mark.sec, this.mark.nano) === 0) {
      this.remaining--;
      return false;
    }
    // Past the last line seen, or newer than all seen: new from here on.
    if (this.remaining === 0 || compareTime(sec, nano, this.newest.sec, this.newest.nano) > 0) {
      this.open = false;
      return true;
    }
    return false;
  }
}

/** Keeps a SeamMark up to date as lines go by, and the newest timestamp seen. */
export class SeamTracker {
  mark: SeamMark | null = null;
  newest: SeamTime | null = null;

  see(sec: number, nano: number): void {
    const m = this.mark;
    if (m && m.sec === sec && m.nano === nano) m.count++;
    else this.mark = { sec, nano, count: 1 };
    this.seeTime(sec, nano);
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
    for (let k = 0; k < n; k++) this.seeTime(lines[k]!.sec, lines[k]!.nano);
  }

  private seeTime(sec: number, nano: number): void {
    const w = this.newest;
    if (!w) this.newest = { sec, nano };
    else if (compareTime(sec, nano, w.sec, w.nano) > 0) {
      w.sec = sec;
      w.nano = nano;
    }
  }
}
