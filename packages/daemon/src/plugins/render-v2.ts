import type { TermColor, TextLook } from '@kubetile/rpc-schema';
import {
  TABLE_MAX_CELL_BYTES,
  TABLE_MAX_COLUMNS,
  TABLE_MAX_ROWS,
  V2_MAX_CAPTION_LINES,
  V2_MAX_LINES,
  V2_MAX_SPANS_PER_LINE,
  V2_MAX_TEXT_BYTES,
} from './abi.js';
import { renderJson, TERMINAL_UNSAFE } from './render-payload.js';
import { formatCell } from './cell-format.js';
import { sortRows } from './table-order.js';

/**
 * ABI v2 renders (plugins exporting `plugin_abi_v2`): styled lines and typed tables. Everything a
 * plugin sends is checked here, refused whole with a reason naming the first thing wrong (its JSON
 * path); nothing a plugin writes reaches a terminal unchecked (no control characters, no bidi
 * overrides, a closed set of colours).
 */

export type ColumnType = 'string' | 'number' | 'duration' | 'bytes' | 'timestamp';
export const COLUMN_TYPES: readonly ColumnType[] = ['string', 'number', 'duration', 'bytes', 'timestamp'];

export interface RichSpan extends TextLook {
  text: string;
}
/** A line: its spans, left to right (a v1-style plain line is one span). */
export type RichLine = RichSpan[];

export interface RichColumn {
  title: string;
  type: ColumnType;
  align: 'left' | 'right';
  /** Width hint in cells. */
  width?: number;
}

/** A string in string columns, a finite number in the others; null is a blank cell. */
export type CellValue = string | number | null;

export interface RichCell {
  value: CellValue;
  /** What is shown: the plugin's `text`, else the value formatted for its column's type. */
  text: string;
  look?: TextLook;
}

export interface RichRow {
  /** The row's key (the plugin's, or `#<index>`): the selection follows it across renders. */
  key: string;
  /** Whether the plugin gave the key. */
  keyed: boolean;
  /** Position in the plugin's `rows` (what `select` reports). */
  index: number;
  cells: RichCell[];
  /** Lower-cased shown texts, for the filter. */
  search: string;
}

export interface RichTable {
  columns: RichColumn[];
  rows: RichRow[];
  /** The plugin's initial sort (the user's sort key replaces it). */
  sort: { column: number; desc: boolean } | null;
}

export interface RichRender {
  lines: RichLine[];
  table: RichTable | null;
}

export type RichRead =
  | { ok: true; render: RichRender | null }
  | { ok: false; kind: 'oversize' | 'invalid'; reason: string };

/** The 16 named colours (the user's own ANSI palette: indices 0–15). `gray`/`grey` = bright black. */
export const NAMED_COLORS: Readonly<Record<string, number>> = {
  black: 0, red: 1, green: 2, yellow: 3, blue: 4, magenta: 5, cyan: 6, white: 7,
  bright_black: 8, bright_red: 9, bright_green: 10, bright_yellow: 11, bright_blue: 12, bright_magenta: 13, bright_cyan: 14, bright_white: 15,
  gray: 8, grey: 8,
};

class Invalid extends Error {}

// C0/C1 controls (ESC, CSI, BEL, line breaks…) and bidirectional overrides: refused in any text.
const FORBIDDEN = TERMINAL_UNSAFE;


const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string ${JSON.stringify(v.length > 24 ? `${v.slice(0, 24)}…` : v)}`;
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : 'a number out of range';
  return `${typeof v === 'object' ? 'an object' : `a ${typeof v}`}`;
}

/** Reads one v2 render; `source` (`plugin_on_command`…) starts every reason. */
export function readRenderV2(bytes: Uint8Array | null, source: string): RichRead {
  const read = renderJson(bytes, source, true);
  if (!read.ok) return read;
  if (read.empty) return { ok: true, render: null };
  return parseRenderV2(read.json, source);
}

/** Checks an already parsed v2 render (host_send_render's request). */
export function parseRenderV2(json: unknown, source: string): RichRead {
  try {
    return { ok: true, render: new Reader().render(json) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, kind: 'invalid', reason: `${source} sent an invalid v2 render: ${err.message}` };
    throw err;
  }
}

/**
 * The plain text of a render (sinks without rich views; tests): its lines, then the table's
 * header and rows in the plugin's own sort.
 */
export function plainText(r: RichRender): string[] {
  const out = r.lines.map((l) => l.map((s) => s.text).join(''));
  const t = r.table;
  if (t) {
    out.push(t.columns.map((c) => c.title).join('  '));
    const rows = t.sort ? sortRows(t.rows.slice(), t.columns, t.sort.column, t.sort.desc) : t.rows;
    for (const row of rows) out.push(row.cells.map((c) => c.text).join('  '));
  }
  return out;
}

class Reader {
  private bytes = 0;

  render(json: unknown): RichRender {
    if (!isObject(json)) throw new Invalid(`expected an object {"lines":[…],"table":{…}}, got ${describe(json)}`);
    this.keys(json, '(root)', ['lines', 'table']);
    const table = json.table === undefined || json.table === null ? null : this.table(json.table);
    const lines = json.lines === undefined ? [] : this.lines(json.lines, table ? V2_MAX_CAPTION_LINES : V2_MAX_LINES, table !== null);
    if (json.lines === undefined && !table) throw new Invalid('has neither "lines" nor "table"');
    return { lines, table };
  }

  private keys(o: Record<string, unknown>, at: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) throw new Invalid(`${at}: unknown field ${JSON.stringify(k.slice(0, 40))} (allowed: ${allowed.join(', ')})`);
    }
  }

  private text(v: unknown, at: string, max = TABLE_MAX_CELL_BYTES * 64): string {
    if (typeof v !== 'string') throw new Invalid(`${at}: expected a string, got ${describe(v)}`);
    const bad = FORBIDDEN.exec(v);
    if (bad) {
      const cp = bad[0].codePointAt(0)!;
      throw new Invalid(`${at}: contains the control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}${cp === 0x1b ? ' (ESC: escape sequences are not allowed)' : ''}; text must be printable (colours go in fg/bg)`);
    }
    const size = Buffer.byteLength(v, 'utf8');
    if (size > max) throw new Invalid(`${at}: ${size} bytes of text, over the ${max}-byte limit`);
    this.bytes += size;
    if (this.bytes > V2_MAX_TEXT_BYTES) throw new Invalid(`${at}: the render's text passes ${V2_MAX_TEXT_BYTES / 1024} KiB, its limit`);
    return v.replace(/\t/g, ' ');
  }

  private color(v: unknown, at: string): TermColor {
    if (typeof v === 'string') {
      const named = NAMED_COLORS[v];
      if (named !== undefined) return named;
      if (/^#[0-9a-fA-F]{6}$/.test(v)) return v.toLowerCase();
    }
    throw new Invalid(`${at}: ${describe(v)} is not a colour (one of ${Object.keys(NAMED_COLORS).join(', ')}, or #rrggbb)`);
  }

  private look(o: Record<string, unknown>, at: string): TextLook | undefined {
    const look: TextLook = {};
    if (o.fg !== undefined) look.fg = this.color(o.fg, `${at}.fg`);
    if (o.bg !== undefined) look.bg = this.color(o.bg, `${at}.bg`);
    for (const a of ['bold', 'dim', 'italic', 'underline'] as const) {
      const v = o[a];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') throw new Invalid(`${at}.${a}: expected true or false, got ${describe(v)}`);
      if (v) look[a] = true;
    }
    return Object.keys(look).length > 0 ? look : undefined;
  }

  private lines(v: unknown, max: number, caption: boolean): RichLine[] {
    if (!Array.isArray(v)) throw new Invalid(`lines: expected an array, got ${describe(v)}`);
    if (v.length > max) throw new Invalid(`lines: ${v.length} lines, over the limit of ${max}${caption ? ' above a table' : ''}`);
    return v.map((l, i) => this.line(l, `lines[${i}]`));
  }

  private line(v: unknown, at: string): RichLine {
    if (typeof v === 'string') return [{ text: this.text(v, at) }];
    if (!Array.isArray(v)) throw new Invalid(`${at}: expected a string or an array of spans, got ${describe(v)}`);
    if (v.length > V2_MAX_SPANS_PER_LINE) throw new Invalid(`${at}: ${v.length} spans, over the limit of ${V2_MAX_SPANS_PER_LINE} per line`);
    return v.map((s, j) => this.span(s, `${at}[${j}]`));
  }

  private span(v: unknown, at: string): RichSpan {
    if (typeof v === 'string') return { text: this.text(v, at) };
    if (!isObject(v)) throw new Invalid(`${at}: expected a span {"text":…}, got ${describe(v)}`);
    this.keys(v, at, ['text', 'fg', 'bg', 'bold', 'dim', 'italic', 'underline']);
    const text = this.text(v.text, `${at}.text`);
    return { text, ...this.look(v, at) };
  }

  private table(v: unknown): RichTable {
    if (!isObject(v)) throw new Invalid(`table: expected an object {"columns":[…],"rows":[…]}, got ${describe(v)}`);
    this.keys(v, 'table', ['columns', 'rows', 'sort']);
    if (!Array.isArray(v.columns)) throw new Invalid(`table.columns: expected an array, got ${describe(v.columns)}`);
    if (v.columns.length === 0) throw new Invalid('table.columns: a table needs at least one column');
    if (v.columns.length > TABLE_MAX_COLUMNS) throw new Invalid(`table.columns: ${v.columns.length} columns, over the limit of ${TABLE_MAX_COLUMNS}`);
    const columns = v.columns.map((c, i) => this.column(c, `table.columns[${i}]`));
    if (!Array.isArray(v.rows)) throw new Invalid(`table.rows: expected an array, got ${describe(v.rows)}`);
    if (v.rows.length > TABLE_MAX_ROWS) throw new Invalid(`table.rows: ${v.rows.length} rows, over the limit of ${TABLE_MAX_ROWS}`);
    const seen = new Map<string, number>();
    const rows = v.rows.map((r, i) => {
      const row = this.row(r, i, columns);
      const dup = seen.get(row.key);
      if (dup !== undefined) throw new Invalid(`table.rows[${i}].key: ${JSON.stringify(row.key)} is already the key of row ${dup} (keys must be unique)`);
      seen.set(row.key, i);
      return row;
    });
    let sort: RichTable['sort'] = null;
    if (v.sort !== undefined && v.sort !== null) {
      if (!isObject(v.sort)) throw new Invalid(`table.sort: expected {"column":N,"order":"asc"|"desc"}, got ${describe(v.sort)}`);
      this.keys(v.sort, 'table.sort', ['column', 'order']);
      const col = v.sort.column;
      if (typeof col !== 'number' || !Number.isInteger(col) || col < 0 || col >= columns.length) {
        throw new Invalid(`table.sort.column: expected a column index 0..${columns.length - 1}, got ${describe(col)}`);
      }
      const order = v.sort.order ?? 'asc';
      if (order !== 'asc' && order !== 'desc') throw new Invalid(`table.sort.order: expected "asc" or "desc", got ${describe(order)}`);
      sort = { column: col, desc: order === 'desc' };
    }
    return { columns, rows, sort };
  }

  private column(v: unknown, at: string): RichColumn {
    if (!isObject(v)) throw new Invalid(`${at}: expected {"title":…,"type":…}, got ${describe(v)}`);
    this.keys(v, at, ['title', 'type', 'align', 'width']);
    const title = this.text(v.title, `${at}.title`, TABLE_MAX_CELL_BYTES);
    const type = v.type ?? 'string';
    if (typeof type !== 'string' || !(COLUMN_TYPES as readonly string[]).includes(type)) {
      throw new Invalid(`${at}.type: expected one of ${COLUMN_TYPES.join(', ')}, got ${describe(type)}`);
    }
    const t = type as ColumnType;
    const align = v.align ?? (t === 'number' || t === 'bytes' ? 'right' : 'left');
    if (align !== 'left' && align !== 'right') throw new Invalid(`${at}.align: expected "left" or "right", got ${describe(align)}`);
    const col: RichColumn = { title, type: t, align };
    if (v.width !== undefined) {
      if (typeof v.width !== 'number' || !Number.isInteger(v.width) || v.width < 1 || v.width > 200) throw new Invalid(`${at}.width: expected a whole number of cells 1..200, got ${describe(v.width)}`);
      col.width = v.width;
    }
    return col;
  }

  private row(v: unknown, index: number, columns: RichColumn[]): RichRow {
    const at = `table.rows[${index}]`;
    if (!isObject(v)) throw new Invalid(`${at}: expected {"cells":[…]}, got ${describe(v)}`);
    this.keys(v, at, ['key', 'cells', 'style']);
    let key = `#${index}`;
    let keyed = false;
    if (v.key !== undefined) {
      key = this.text(v.key, `${at}.key`, TABLE_MAX_CELL_BYTES);
      keyed = true;
    }
    let rowLook: TextLook | undefined;
    if (v.style !== undefined) {
      if (!isObject(v.style)) throw new Invalid(`${at}.style: expected {"fg":…}, got ${describe(v.style)}`);
      this.keys(v.style, `${at}.style`, ['fg', 'bg', 'bold', 'dim', 'italic', 'underline']);
      rowLook = this.look(v.style, `${at}.style`);
    }
    if (!Array.isArray(v.cells)) throw new Invalid(`${at}.cells: expected an array, got ${describe(v.cells)}`);
    if (v.cells.length !== columns.length) throw new Invalid(`${at}.cells: ${v.cells.length} cells for ${columns.length} columns`);
    const cells = v.cells.map((c, i) => this.cell(c, columns[i]!, `${at}.cells[${i}]`, rowLook));
    return { key, keyed, index, cells, search: cells.map((c) => c.text.toLowerCase()).join('\n') };
  }

  private cell(v: unknown, col: RichColumn, at: string, rowLook: TextLook | undefined): RichCell {
    let raw = v;
    let text: string | undefined;
    let look = rowLook;
    if (isObject(v)) {
      this.keys(v, at, ['value', 'text', 'fg', 'bg', 'bold', 'dim', 'italic', 'underline']);
      raw = v.value === undefined ? null : v.value;
      if (v.text !== undefined) text = this.text(v.text, `${at}.text`, TABLE_MAX_CELL_BYTES);
      const own = this.look(v, at);
      if (own) look = { ...rowLook, ...own };
    }
    const value = this.value(raw, col, at);
    const shown = text ?? formatCell(value, col.type);
    return look ? { value, text: shown, look } : { value, text: shown };
  }

  private value(v: unknown, col: RichColumn, at: string): CellValue {
    if (v === null) return null;
    if (col.type === 'string') {
      if (typeof v !== 'string') throw new Invalid(`${at}: the string column ${JSON.stringify(col.title)} needs a string, got ${describe(v)}`);
      return this.text(v, at, TABLE_MAX_CELL_BYTES);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Invalid(`${at}: the ${col.type} column ${JSON.stringify(col.title)} needs a finite number${col.type === 'number' ? '' : col.type === 'timestamp' ? ' (seconds since 1970)' : col.type === 'duration' ? ' (seconds)' : ' (bytes)'}, got ${describe(v)}`);
    }
    if ((col.type === 'duration' || col.type === 'bytes') && v < 0) throw new Invalid(`${at}: the ${col.type} column ${JSON.stringify(col.title)} needs a number ≥ 0, got ${v}`);
    return v;
  }
}
