// ABI v2 tables: typed columns and rows of typed cells. The host sorts,
// filters and scrolls them like its own lists (the plugin is not called for
// those keys); `select` tells the plugin the row (Command.row / Command.key).
// A plugin must re-export "@kubetile/sdk/v2" to render one.

import { fail } from "./abi";
import { quote } from "./json";
import { Style } from "./styled";

/** How a column's values are typed, shown and sorted. */
export enum ColumnType {
  /** Text, sorted in natural order ("pod-2" before "pod-10"). */
  String,
  /** A number, sorted by value. */
  Number,
  /** Seconds, shown like kubectl ages ("45s", "3h5m", "2d"), sorted by length. */
  Duration,
  /** Bytes, shown as "1.5Mi", sorted by size. */
  Bytes,
  /** Seconds since 1970 (UTC), shown as "2026-12-03T03:24:05Z", sorted by time. */
  Timestamp,
}

export enum Align {
  /** Right for Number and Bytes, left for the others. */
  Auto,
  Left,
  Right,
}

const TYPE_NAMES: string[] = ["string", "number", "duration", "bytes", "timestamp"];

class TableColumn {
  constructor(
    public title: string,
    public type: ColumnType,
    public align: Align,
    public width: i32,
  ) {}
}

/**
 * A table render:
 *
 *   const t = new Table()
 *     .column("POD")
 *     .column("RESTARTS", ColumnType.Number)
 *     .column("AGE", ColumnType.Duration);
 *   t.row("default/web-1").str("web-1").num(3).duration(7200);
 *   return new Lines().styled(summary).table(t);
 *
 * Each row has one cell per column, in order, of the column's type (`str` for
 * String, `num`, `duration`, `bytes`, `timestamp` for the others; `blank` for
 * none). A cell of the wrong type fails the hook with a message saying which.
 * Bounds (the host refuses a render past them): 32 columns, 5000 rows, 1 KiB
 * per cell.
 */
export class Table {
  columns: TableColumn[] = new Array<TableColumn>();
  rows: TableRow[] = new Array<TableRow>();
  sortColumn: i32 = -1;
  sortDesc: bool = false;

  /** Adds a column (`width`: a hint in cells, 0 = fit the content). */
  column(title: string, type: ColumnType = ColumnType.String, align: Align = Align.Auto, width: i32 = 0): Table {
    this.columns.push(new TableColumn(title, type, align, width));
    return this;
  }

  /** Starts a row; `key` (optional, unique) lets the host keep the selection on it across renders. */
  row(key: string = ""): TableRow {
    const r = new TableRow(this, key);
    this.rows.push(r);
    return r;
  }

  /** The initial sort (the user's sort key replaces it). */
  sortBy(column: i32, desc: bool = false): Table {
    this.sortColumn = column;
    this.sortDesc = desc;
    return this;
  }

  /** The v2 JSON of the table. */
  toJson(): string {
    const cols = new Array<string>(this.columns.length);
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i];
      let s = '{"title":' + quote(c.title) + ',"type":"' + TYPE_NAMES[<i32>c.type] + '"';
      if (c.align == Align.Left) s += ',"align":"left"';
      else if (c.align == Align.Right) s += ',"align":"right"';
      if (c.width > 0) s += ',"width":' + c.width.toString();
      cols[i] = s + "}";
    }
    const rows = new Array<string>(this.rows.length);
    for (let i = 0; i < this.rows.length; i++) rows[i] = this.rows[i].toJson();
    let out = '{"columns":[' + cols.join(",") + '],"rows":[' + rows.join(",") + "]";
    if (this.sortColumn >= 0) {
      out += ',"sort":{"column":' + this.sortColumn.toString() + ',"order":"' + (this.sortDesc ? "desc" : "asc") + '"}';
    }
    return out + "}";
  }
}

/** One row of a Table: add its cells in column order. */
export class TableRow {
  cells: string[] = new Array<string>();
  rowStyle: Style | null = null;

  constructor(
    private table: Table,
    public key: string,
  ) {}

  /** A style for every cell of the row (a cell's own style wins). */
  style(s: Style): TableRow {
    this.rowStyle = s;
    return this;
  }

  private expect(type: ColumnType, what: string): bool {
    const i = this.cells.length;
    if (i >= this.table.columns.length) {
      fail("Table: row " + (this.table.rows.length - 1).toString() + " has more cells than the table's " + this.table.columns.length.toString() + " columns");
      return false;
    }
    const col = this.table.columns[i];
    if (col.type != type) {
      fail("Table: " + what + "() for column " + i.toString() + " (" + col.title + "), a " + TYPE_NAMES[<i32>col.type] + " column");
      return false;
    }
    return true;
  }

  private push(value: string, style: Style | null, text: string | null): TableRow {
    const f = style == null ? "" : style.fields();
    if (f.length == 0 && text == null) this.cells.push(value);
    else this.cells.push('{"value":' + value + (text == null ? "" : ',"text":' + quote(text)) + f + "}");
    return this;
  }

  private number(v: f64, type: ColumnType, what: string, style: Style | null, text: string | null): TableRow {
    if (!this.expect(type, what)) return this;
    // JSON has no NaN or Infinity: a non-finite value is a blank cell.
    return this.push(isFinite(v) ? (v == Math.floor(v) && Math.abs(v) < 9e15 ? (<i64>v).toString() : v.toString()) : "null", style, text);
  }

  /** A String column's cell. */
  str(value: string, style: Style | null = null): TableRow {
    if (!this.expect(ColumnType.String, "str")) return this;
    return this.push(quote(value), style, null);
  }

  /** A Number column's cell (`text`: shown instead of the number, still sorted by it). */
  num(value: f64, style: Style | null = null, text: string | null = null): TableRow {
    return this.number(value, ColumnType.Number, "num", style, text);
  }

  /** A Duration column's cell, in seconds. */
  duration(seconds: f64, style: Style | null = null, text: string | null = null): TableRow {
    return this.number(seconds, ColumnType.Duration, "duration", style, text);
  }

  /** A Bytes column's cell. */
  bytes(n: f64, style: Style | null = null, text: string | null = null): TableRow {
    return this.number(n, ColumnType.Bytes, "bytes", style, text);
  }

  /** A Timestamp column's cell, in seconds since 1970 (UTC). */
  timestamp(seconds: f64, style: Style | null = null, text: string | null = null): TableRow {
    return this.number(seconds, ColumnType.Timestamp, "timestamp", style, text);
  }

  /** An empty cell of any column (sorted last). */
  blank(): TableRow {
    if (this.cells.length >= this.table.columns.length) {
      fail("Table: a row has more cells than the table's columns");
      return this;
    }
    this.cells.push("null");
    return this;
  }

  toJson(): string {
    let s = "{";
    if (this.key.length > 0) s += '"key":' + quote(this.key) + ",";
    s += '"cells":[' + this.cells.join(",") + "]";
    const rs = this.rowStyle;
    if (rs != null && !rs.isEmpty()) s += ',"style":{' + rs.fields().substring(1) + "}";
    return s + "}";
  }
}
