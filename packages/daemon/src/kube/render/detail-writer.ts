import type { Style } from '@kubetile/rpc-schema';
import { plain, type Line } from './lines.js';
import { alignRows, type Cell, type Row } from './tabwriter.js';

/**
 * Collects a detail view: titled sections (`header` lines) of aligned `key: value` rows or small tables.
 * One instance per render call.
 */
export class DetailWriter {
  private readonly rows: Row[] = [];
  private sections = 0;

  section(title: string): void {
    if (this.sections++ > 0) this.rows.push({ cells: [{ text: '' }] });
    this.rows.push({ cells: [{ text: title }], style: 'header' });
  }

  /** `  Key:  value` aligned with its neighbours; `depth` adds two spaces per level. */
  kv(key: string, value: string, style?: Style, depth = 1): void {
    this.rows.push({ cells: [{ text: `${'  '.repeat(depth)}${key}:` }, { text: value, style }] });
  }

  /** A free line inside a section. */
  text(text: string, style?: Style, depth = 1): void {
    this.rows.push({ cells: [{ text: `${'  '.repeat(depth)}${text}` }], style });
  }

  /** A table row (cells aligned with the neighbouring table rows). */
  cells(cells: Cell[], style?: Style, depth = 1): void {
    const cs = cells.length > 0 ? [...cells] : [{ text: '' }];
    const first = cs[0] as Cell;
    cs[0] = { text: `${'  '.repeat(depth)}${first.text}`, style: first.style };
    this.rows.push({ cells: cs, style });
  }

  /** `<none>` for an empty section. */
  none(): void {
    this.text('<none>', 'dim');
  }

  lines(): Line[] {
    return this.rows.length === 0 ? [plain('')] : alignRows(this.rows);
  }
}
