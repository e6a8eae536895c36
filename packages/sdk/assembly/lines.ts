// Render output (RenderPayload `{"lines":[...]}`) and text layout helpers.

import { quote, stringArrayToJson } from "./json";
import { StyledLine } from "./styled";
import { Table } from "./table";

/**
 * The lines a pane shows, top to bottom (plain text; UTF-8 is fine).
 *
 *   return new Lines().add("Pods: 3").add("> web-1  Running");
 */
export class Lines {
  /** Every line's plain text (a styled line's text without its styles). */
  items: string[] = new Array<string>();
  /** ABI v2: the JSON of styled lines by position (null: a plain line). */
  styledJson: Array<string | null> = new Array<string | null>();
  /** ABI v2: the table shown under the lines (null: none). */
  tableJson: string | null = null;

  /** A render with a single line. */
  static of(line: string): Lines {
    return new Lines().add(line);
  }

  /** A render with these lines (the array is copied). */
  static from(lines: string[]): Lines {
    return new Lines().addAll(lines);
  }

  /** A render of `text` split at newlines. */
  static text(text: string): Lines {
    return new Lines().addText(text);
  }

  /** Appends one line. A line containing "\n" is split into several. */
  add(line: string): Lines {
    if (line.indexOf("\n") >= 0) return this.addText(line);
    this.items.push(line);
    return this;
  }

  /** Appends several lines. */
  addAll(lines: string[]): Lines {
    for (let i = 0; i < lines.length; i++) this.add(lines[i]);
    return this;
  }

  /** Appends `text` split at "\n" (a trailing "\r" on each line is dropped). */
  addText(text: string): Lines {
    const parts = text.split("\n");
    for (let i = 0; i < parts.length; i++) {
      let p = parts[i];
      if (p.endsWith("\r")) p = p.substring(0, p.length - 1);
      this.items.push(p);
    }
    return this;
  }

  /** Appends an empty line. */
  blank(): Lines {
    this.items.push("");
    return this;
  }

  get length(): i32 {
    return this.items.length;
  }

  get(index: i32): string {
    return this.items[index];
  }

  toArray(): string[] {
    return this.items.slice(0);
  }

  /**
   * ABI v2: appends a line of styled spans (colours, bold, dim…). The plugin
   * must re-export "@kubetile/sdk/v2".
   */
  styled(line: StyledLine): Lines {
    while (this.styledJson.length < this.items.length) this.styledJson.push(null);
    this.items.push(line.text());
    this.styledJson.push(line.toJson());
    return this;
  }

  /**
   * ABI v2: shows `t` under these lines (which become its caption, at most 16
   * lines). The host sorts, filters and scrolls it. The plugin must re-export
   * "@kubetile/sdk/v2".
   */
  table(t: Table): Lines {
    this.tableJson = t.toJson();
    return this;
  }

  /** Whether the render needs ABI v2 (styled lines or a table). */
  get isV2(): bool {
    if (this.tableJson != null) return true;
    for (let i = 0; i < this.styledJson.length; i++) if (this.styledJson[i] != null) return true;
    return false;
  }

  /** The RenderPayload JSON: `{"lines":[...]}` (v2: lines may be span arrays, and a "table"). */
  toJson(): string {
    if (!this.isV2) return '{"lines":' + stringArrayToJson(this.items) + "}";
    const parts = new Array<string>(this.items.length);
    for (let i = 0; i < this.items.length; i++) {
      const styled = i < this.styledJson.length ? this.styledJson[i] : null;
      parts[i] = styled != null ? styled : quote(this.items[i]);
    }
    let s = '{"lines":[' + parts.join(",") + "]";
    const t = this.tableJson;
    if (t != null) s += ',"table":' + t;
    return s + "}";
  }
}

// ---- text layout -------------------------------------------------------------

/** Terminal cells taken by one code point: 0 (combining), 1, or 2 (wide/emoji). */
export function codePointWidth(cp: i32): i32 {
  if (cp == 0) return 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  // combining marks, zero-width space/joiners, variation selectors
  if (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x20d0 && cp <= 0x20ff)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Terminal cells taken by `s` (approximate East Asian width rules). */
export function displayWidth(s: string): i32 {
  let w = 0;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i);
    w += codePointWidth(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return w;
}

/** Cuts `s` to at most `width` cells, ending with `ellipsis` when cut. */
export function truncate(s: string, width: i32, ellipsis: string = "…"): string {
  if (width <= 0) return "";
  if (displayWidth(s) <= width) return s;
  const ew = displayWidth(ellipsis);
  const budget = width - ew;
  if (budget <= 0) return truncate(ellipsis, width, "");
  let w = 0;
  let end = 0;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i);
    const cw = codePointWidth(cp);
    if (w + cw > budget) break;
    w += cw;
    i += cp > 0xffff ? 2 : 1;
    end = i;
  }
  return s.substring(0, end) + ellipsis;
}

/** Pads `s` with spaces on the right to `width` cells (never cuts). */
export function padEnd(s: string, width: i32): string {
  const w = displayWidth(s);
  return w >= width ? s : s + " ".repeat(width - w);
}

/** Pads `s` with spaces on the left to `width` cells (never cuts). */
export function padStart(s: string, width: i32): string {
  const w = displayWidth(s);
  return w >= width ? s : " ".repeat(width - w) + s;
}

/** Fits `s` to exactly `width` cells: truncated with "…" or padded. */
export function fit(s: string, width: i32): string {
  return padEnd(truncate(s, width), width);
}

/**
 * Lays out table cells: each cell is fitted to its width (the last cell is
 * only truncated when its width is > 0), joined by `gap`.
 */
export function columns(cells: string[], widths: i32[], gap: string = "  "): string {
  const parts = new Array<string>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const w = i < widths.length ? widths[i] : 0;
    if (i == cells.length - 1) parts[i] = w > 0 ? truncate(cells[i], w) : cells[i];
    else parts[i] = w > 0 ? fit(cells[i], w) : cells[i];
  }
  return parts.join(gap);
}

/** A kubectl-style age: "45s", "12m", "5h", "3d", "2y". */
export function formatAge(seconds: i64): string {
  if (seconds < 0) return "?";
  if (seconds < 120) return seconds.toString() + "s";
  const minutes = seconds / 60;
  if (minutes < 120) return minutes.toString() + "m";
  const hours = minutes / 60;
  if (hours < 48) return hours.toString() + "h";
  const days = hours / 24;
  if (days < 730) return days.toString() + "d";
  return (days / 365).toString() + "y";
}

// ASCII case folding; other characters compare exactly.
// @ts-ignore: decorator
@inline
function foldAscii(c: i32): i32 {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/**
 * Substring test ignoring ASCII case (`needle` "" matches everything).
 * Allocates nothing, so it is cheap to run over thousands of rows per keypress.
 */
export function containsIgnoreCase(haystack: string, needle: string): bool {
  const n = needle.length;
  if (n == 0) return true;
  const h = haystack.length;
  if (n > h) return false;
  const first = foldAscii(needle.charCodeAt(0));
  for (let i = 0; i <= h - n; i++) {
    if (foldAscii(haystack.charCodeAt(i)) != first) continue;
    let j = 1;
    while (j < n && foldAscii(haystack.charCodeAt(i + j)) == foldAscii(needle.charCodeAt(j))) j++;
    if (j == n) return true;
  }
  return false;
}
