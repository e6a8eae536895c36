import type { Span } from '@kubetile/rpc-schema';
import { StreamLine, type LogLine } from '../../kube/logs/log-line.js';
import { cleanLogText, finishLogText, hasControl } from '../../kube/logs/sanitize.js';
import { lineSpans, wrappedRow, wrapStarts, type OriginLabels, type RenderOptions } from './line-render.js';
import type { CleanText } from './visible-text.js';
import { wrapAscii, type WrappedLine } from './wrap-layout.js';

/**
 * Lines shorter than this (UTF-16 units) are made again for each frame: they cost about what the
 * rows they fill cost, and keeping them would keep the chunks they point into.
 */
const LONG = 512;
/** Layouts of a line kept, one per width (two clients of other sizes showing one pane). */
const WIDTHS = 2;
/** What a pane keeps at most: lines, and UTF-16 units of text and row starts. */
const MAX_LINES = 128;
const MAX_UNITS = 4 * 1024 * 1024;

interface Layout {
  cols: number;
  /** The line's spans other than its text (prefix, timestamp, cut note), joined: they change with the options. */
  head: string;
  wrapped: WrappedLine;
  /** Units it holds (its spans' text beyond the cleaned text, its row starts). */
  units: number;
}

interface Entry {
  /**
   * What the line's text is made from (a kept line's never changes): checked, not trusted to its
   * seq alone. The line's own string, or a copy of its range of a chunk (see ownText).
   */
  src: string;
  from: number;
  to: number;
  /** `src` is a copy: the line matches by its text (its chunk string is not kept). */
  copied: boolean;
  cut: number;
  marker: LogLine['marker'];
  /** cleanLogText of the raw text, and whether it still has tabs or controls. */
  clean?: CleanText;
  layouts: Layout[];
  units: number;
}

const sourceOf = (l: LogLine): { src: string; from: number; to: number } => (l instanceof StreamLine ? { src: l.src, from: l.from, to: l.to } : { src: l.text, from: 0, to: l.text.length });

/**
 * `s[from..to)` as a string of its own. A line of a read() is a range of the string its whole
 * chunk decoded to (up to ~80 KiB), and V8's slices of a string point into it: a kept line's
 * slice (or its cleaned text, which is that slice when there was nothing to clean) kept the
 * chunk alive. Kept for 128 lines a pane long after the buffer dropped them, that was up to
 * ~10 MB a pane no bound counts (measured: 128 lines of 64 KiB chunks held ~9 MB; copied, ~1 MB). A JSON round
 * trip copies (lone surrogates too) into a flat string, one byte a character when it can be.
 */
function ownText(s: string, from: number, to: number): string {
  const t = s.slice(from, to);
  return from === 0 && to === s.length ? t : (JSON.parse(JSON.stringify(t)) as string);
}

function sameSource(e: Entry, s: { src: string; from: number; to: number }): boolean {
  if (!e.copied) return e.src === s.src && e.from === s.from && e.to === s.to;
  // The copy is compared with the line's text (a memcmp of its length: no chunk kept for a pointer check).
  return s.to - s.from === e.src.length && s.src.slice(s.from, s.to) === e.src;
}

/**
 * A logs pane's long lines as it shows them, kept from frame to frame: a line's cleaned text (for a
 * view scrolled sideways) and where it wraps at a width. A 64 KiB line of CJK text and emoji is
 * ~40,000 characters whose cells must each be measured to know where its rows break (and how many
 * rows it takes, which the scroll needs for each line it passes, several times a frame); measured
 * again for every frame, a pane showing such a line cost ~2.5 ms a redraw (ten such panes ~29 ms)
 * of the daemon's only thread while a follow stream redrew it, and unwrapped, cleaning 39 of them
 * ~9 ms. Now a line is measured once per width (~1 ms when it first shows) and a frame costs the
 * rows it shows (~0.2 ms). Lines are found by their arrival number (checked against their text);
 * the least recently shown go first.
 */
export class LineLayouts {
  private readonly entries = new Map<number, Entry>();
  private units = 0;

  /** `budget`: units kept at most (see MAX_UNITS; tests make it small). */
  constructor(private readonly budget = MAX_UNITS) {}

  /** Lines kept (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /** cleanLogText of a stream line's raw text, kept for a long line. */
  clean(l: StreamLine): CleanText {
    const e = this.entry(l);
    if (e?.clean) return e.clean;
    // A kept line is cleaned from the entry's text (its own string, not a slice of its chunk).
    const text = cleanLogText(e ? e.src.slice(e.from, e.to) : l.raw);
    const c: CleanText = { text, control: hasControl(text) };
    if (e) {
      e.clean = c;
      this.grow(e, c.text.length);
    }
    return c;
  }

  /** A line wrapped at `cols` cells: its rows counted and each made as wrapStarts and wrappedRow make them. */
  wrapped(l: LogLine, labels: OriginLabels, opts: RenderOptions, cols: number): WrappedLine {
    // The spans around the text are short (no text is made for a stream line's): they tell whether a kept layout still fits.
    const head = lineSpans(l, labels, opts, '')
      .map((s) => `${s.style ?? ''}\u0000${s.text}`)
      .join('\u0001');
    const e = this.entry(l);
    const kept = e?.layouts.find((x) => x.cols === cols && x.head === head);
    if (kept) return kept.wrapped;
    const wrapped = this.layOut(l, labels, opts, cols);
    if (e) {
      e.layouts.unshift({ cols, head, wrapped: wrapped.layout, units: wrapped.units });
      const dropped = e.layouts.length > WIDTHS ? e.layouts.pop()!.units : 0;
      this.grow(e, wrapped.units - dropped);
    }
    return wrapped.layout;
  }

  private layOut(l: LogLine, labels: OriginLabels, opts: RenderOptions, cols: number): { layout: WrappedLine; units: number } {
    if (l instanceof StreamLine) {
      const c = this.clean(l);
      // Tabs and controls in ASCII text: counted and made row by row (wrapAscii), never expanded whole.
      const ascii = c.control ? wrapAscii(l, labels, opts, cols, c.text) : null;
      if (ascii) return { layout: ascii, units: 0 };
      const spans = lineSpans(l, labels, opts, finishLogText(c.text));
      return this.rowsOf(spans, cols);
    }
    return this.rowsOf(lineSpans(l, labels, opts), cols);
  }

  private rowsOf(spans: Span[], cols: number): { layout: WrappedLine; units: number } {
    const starts = wrapStarts(spans, cols);
    let units = starts.length;
    for (const s of spans) units += s.text.length;
    return { layout: { rows: starts.length, row: (r) => wrappedRow(spans, starts, r) }, units };
  }

  /** The kept entry of a long line (made, and the oldest dropped, if it is new), moved to the newest; undefined for a short line. */
  private entry(l: LogLine): Entry | undefined {
    const s = sourceOf(l);
    if (s.to - s.from < LONG) return undefined;
    const e = this.entries.get(l.seq);
    if (e) {
      this.entries.delete(l.seq);
      if (sameSource(e, s) && e.cut === l.cut && e.marker === l.marker) {
        this.entries.set(l.seq, e);
        return e;
      }
      this.units -= e.units;
    }
    const copied = s.from !== 0 || s.to !== s.src.length;
    const src = ownText(s.src, s.from, s.to);
    // Its text is counted: the entry keeps it after the buffer dropped the line.
    const made: Entry = { src, from: 0, to: src.length, copied, cut: l.cut, marker: l.marker, layouts: [], units: src.length };
    this.entries.set(l.seq, made);
    this.units += made.units;
    this.trim(made);
    return made;
  }

  private grow(e: Entry, units: number): void {
    e.units += units;
    this.units += units;
    this.trim(e);
  }

  /** Drops the least recently shown lines past the bounds (never `keep`, the one being made). */
  private trim(keep: Entry): void {
    for (const [seq, e] of this.entries) {
      if (this.units <= this.budget && this.entries.size <= MAX_LINES) return;
      if (e === keep) continue;
      this.entries.delete(seq);
      this.units -= e.units;
    }
  }
}
