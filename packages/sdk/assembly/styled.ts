// ABI v2 styled text: spans with colours and attributes (StyledLine), and the
// Style they carry. A plugin must re-export "@kubetile/sdk/v2" to use them
// (the host reads v2 renders only from plugins that declare v2).

import { quote } from "./json";

/**
 * The colours a span or cell may have: the 16 named terminal colours (the
 * user's own palette) or "#rrggbb".
 */
export class Color {
  static readonly Black: string = "black";
  static readonly Red: string = "red";
  static readonly Green: string = "green";
  static readonly Yellow: string = "yellow";
  static readonly Blue: string = "blue";
  static readonly Magenta: string = "magenta";
  static readonly Cyan: string = "cyan";
  static readonly White: string = "white";
  static readonly Gray: string = "gray";
  static readonly BrightRed: string = "bright_red";
  static readonly BrightGreen: string = "bright_green";
  static readonly BrightYellow: string = "bright_yellow";
  static readonly BrightBlue: string = "bright_blue";
  static readonly BrightMagenta: string = "bright_magenta";
  static readonly BrightCyan: string = "bright_cyan";
  static readonly BrightWhite: string = "bright_white";
}

/**
 * Colours and attributes of a span or a table cell. Immutable-ish builder:
 *   Style.fg(Color.Red).withBold()
 */
export class Style {
  fg: string = "";
  bg: string = "";
  bold: bool = false;
  dim: bool = false;
  italic: bool = false;
  underline: bool = false;

  static none(): Style {
    return new Style();
  }

  static fg(color: string): Style {
    const s = new Style();
    s.fg = color;
    return s;
  }

  static bg(color: string): Style {
    const s = new Style();
    s.bg = color;
    return s;
  }

  static bold(): Style {
    return new Style().withBold();
  }

  static dim(): Style {
    return new Style().withDim();
  }

  withFg(color: string): Style {
    const s = this.copy();
    s.fg = color;
    return s;
  }

  withBg(color: string): Style {
    const s = this.copy();
    s.bg = color;
    return s;
  }

  withBold(): Style {
    const s = this.copy();
    s.bold = true;
    return s;
  }

  withDim(): Style {
    const s = this.copy();
    s.dim = true;
    return s;
  }

  withItalic(): Style {
    const s = this.copy();
    s.italic = true;
    return s;
  }

  withUnderline(): Style {
    const s = this.copy();
    s.underline = true;
    return s;
  }

  copy(): Style {
    const s = new Style();
    s.fg = this.fg;
    s.bg = this.bg;
    s.bold = this.bold;
    s.dim = this.dim;
    s.italic = this.italic;
    s.underline = this.underline;
    return s;
  }

  isEmpty(): bool {
    return this.fg.length == 0 && this.bg.length == 0 && !this.bold && !this.dim && !this.italic && !this.underline;
  }

  /** The style's JSON fields, each preceded by a comma (SDK internal). */
  fields(): string {
    let s = "";
    if (this.fg.length > 0) s += ',"fg":' + quote(this.fg);
    if (this.bg.length > 0) s += ',"bg":' + quote(this.bg);
    if (this.bold) s += ',"bold":true';
    if (this.dim) s += ',"dim":true';
    if (this.italic) s += ',"italic":true';
    if (this.underline) s += ',"underline":true';
    return s;
  }
}

/**
 * One line of styled spans, left to right:
 *
 *   new StyledLine().add("Pods: ").add("2 crash-looping", Style.fg(Color.Red).withBold())
 *
 * Text must be printable (no "\n", no escape sequences: the host refuses the
 * render); colours go in the Style.
 */
export class StyledLine {
  parts: string[] = new Array<string>();
  texts: string[] = new Array<string>();

  static of(text: string, style: Style | null = null): StyledLine {
    return new StyledLine().add(text, style);
  }

  /** Appends a span (an empty text is skipped). */
  add(text: string, style: Style | null = null): StyledLine {
    if (text.length == 0) return this;
    this.texts.push(text);
    const f = style == null ? "" : style.fields();
    this.parts.push(f.length == 0 ? quote(text) : '{"text":' + quote(text) + f + "}");
    return this;
  }

  get length(): i32 {
    return this.parts.length;
  }

  /** The line's text without styles. */
  text(): string {
    return this.texts.join("");
  }

  /** The v2 JSON of the line: an array of spans. */
  toJson(): string {
    return "[" + this.parts.join(",") + "]";
  }
}
