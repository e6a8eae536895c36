import type { LogLine } from '../../kube/logs/log-line.js';
import type { MatchList } from './log-scroll.js';

/**
 * A pane's matching lines followed by the lines its streams are in the middle of (no newline yet):
 * those take the absolute indexes right after the buffer's last, where each will be once
 * complete, so a view following or held in place does not jump when one is.
 */
export class WithProvisional implements MatchList {
  constructor(
    private readonly lines: MatchList,
    private readonly tail: readonly LogLine[],
  ) {}

  get matchBase(): number {
    return this.lines.matchBase;
  }

  get matchEnd(): number {
    return this.lines.matchEnd + this.tail.length;
  }

  get matchCount(): number {
    return this.lines.matchCount + this.tail.length;
  }

  match(abs: number): LogLine | undefined {
    const end = this.lines.matchEnd;
    return abs < end ? this.lines.match(abs) : this.tail[abs - end];
  }
}
