import type { TermRun } from '@kubetile/rpc-schema';
import { wrapStarts } from '../logs/line-render.js';
import { grouped } from '../../util/grouped.js';

/** A line of the record: a label as it is, or a value's line, wrapped to the pane's width. */
export type RecordLine = { runs: TermRun[] } | { value: string; dim: boolean };

/** The indent of a value under its column's label. */
const INDENT = '  ';
/** Rows one value line may wrap into at most (a value is bounded by max_result_bytes; this bounds the rows made of it). */
const MAX_ROWS_PER_LINE = 2000;

/**
 * `v` in the query pane: the row under the cursor whole, each value under its column's name and
 * type, long values wrapped to the pane's width (they were cut at its edge, with no way to see
 * the rest), made again when the width changes; scrolled by rows.
 */
export class RecordView {
  offset = 0;
  private cols = -1;
  private rows: TermRun[][] = [];

  constructor(private readonly source: readonly RecordLine[]) {}

  /** The wrapped rows for a pane `cols` wide. */
  lines(cols: number): TermRun[][] {
    if (cols !== this.cols) {
      this.cols = cols;
      this.rows = this.source.flatMap((l) => ('runs' in l ? [l.runs] : wrapValue(l.value, cols - INDENT.length).map((t) => [{ text: `${INDENT}${t}`, ...(l.dim ? { dim: true } : {}) }])));
      this.offset = Math.min(this.offset, Math.max(0, this.rows.length - 1));
    }
    return this.rows;
  }

  scroll(step: number): void {
    this.offset = Math.max(0, Math.min(Math.max(0, this.rows.length - 1), this.offset + step));
  }
}

function wrapValue(text: string, cols: number): string[] {
  if (text === '') return [''];
  const starts = wrapStarts([{ text }], Math.max(1, cols));
  const out: string[] = [];
  const n = Math.min(starts.length, MAX_ROWS_PER_LINE);
  for (let i = 0; i < n; i++) out.push(text.slice(starts[i], starts[i + 1]));
  if (starts.length > n) out.push(`… ${grouped(text.length - starts[n]!)} more characters (y copies the row whole)`);
  return out;
}
