import type { Style } from '@kubetile/rpc-schema';
import { alignRows, type Cell, type Row } from './tabwriter.js';
import type { Line } from './lines.js';

export type CellIn = string | Cell;

const toCell = (c: CellIn): Cell => (typeof c === 'string' ? { text: c } : c);

/**
 * kubectl's describe `PrefixWriter` into a tabwriter, as rows of cells: `write(level, 'Name:', value)` is
 * `w.Write(LEVEL_n, "Name:\t%s\n", value)`. Level n indents by 2n spaces. One instance per render call.
 */
export class DescribeWriter {
  private readonly rows: Row[] = [];

  /** A row of tab-separated cells at `level`. */
  write(level: number, ...cells: CellIn[]): void {
    this.row(level, cells);
  }

  /** A row with a whole-line style. */
  row(level: number, cells: CellIn[], style?: Style): void {
    const cs = cells.map(toCell);
    if (cs.length === 0) cs.push({ text: '' });
    const first = cs[0] as Cell;
    cs[0] = { text: '  '.repeat(level) + first.text, style: first.style };
    this.rows.push({ cells: cs, style });
  }

  /** `Key:\tvalue`, the key styled accent at level 0. */
  kv(level: number, key: string, value: string, valueStyle?: Style): void {
    this.row(level, [{ text: `${key}:`, style: level === 0 ? 'accent' : undefined }, { text: value, style: valueStyle }]);
  }

  /** A title line without a value (`Containers:`), styled header at level 0. */
  section(level: number, title: string): void {
    this.row(level, [`${title}:`], level === 0 ? 'header' : undefined);
  }

  /** An empty line (kubectl's `\n` separators); it also ends every alignment block. */
  blank(): void {
    this.rows.push({ cells: [{ text: '' }] });
  }

  lines(): Line[] {
    return alignRows(this.rows);
  }
}
