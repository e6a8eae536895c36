import { charWidth, stringWidth, type Line, type Span, type Style } from '@kubetile/rpc-schema';
import { formatTimeMs, type LogLine, type LogOrigin } from '../../kube/logs/log-line.js';

/** Prefix colours, in order of first appearance (the client maps them to its theme). */
const PALETTE: readonly Style[] = ['accent', 'ok', 'warn', 'match', 'header'];

export interface RenderOptions {
  /** Show `[pod/container]` (several containers or pods in one pane). */
  prefix: boolean;
  /** The prefix names the pod too (workload logs), not only the container. */
  podInPrefix: boolean;
  timestamps: boolean;
}

/** Labels and colours per (pod, container), stable for the pane's life. */
export class OriginLabels {
  private readonly byKey = new Map<string, { label: string; style: Style }>();

  of(o: LogOrigin, podInPrefix: boolean): { label: string; style: Style } {
    const key = `${o.pod}/${o.container}`;
    let e = this.byKey.get(key);
    if (!e) {
      e = { label: '', style: PALETTE[this.byKey.size % PALETTE.length]! };
      this.byKey.set(key, e);
    }
    e.label = podInPrefix ? (o.container ? `${o.pod}/${o.container}` : o.pod) : o.container || o.pod;
    return e;
  }
}

const cutNote = (cut: number): string => ` …[+${cut} bytes cut]`;

/**
 * A line as spans: prefix, timestamp, text, a note on a cut line. With `text` (the start of the
 * line's text, see visibleText) the spans are right as far as that text goes.
 */
export function lineSpans(l: LogLine, labels: OriginLabels, o: RenderOptions, text?: string): Span[] {
  const spans: Span[] = [];
  // The pane's own lines (a pod went away) come from no container: no `[]` before them.
  if (o.prefix && !l.marker) {
    const { label, style } = labels.of(l.origin, o.podInPrefix);
    spans.push({ text: `[${label}] `, style });
  }
  if (o.timestamps) spans.push({ text: `${formatTimeMs(l.sec, l.nano)} `, style: 'dim' });
  spans.push(l.marker ? { text: l.text, style: l.marker === 'info' ? 'dim' : l.marker } : { text: text ?? l.text });
  if (l.cut > 0) spans.push({ text: cutNote(l.cut), style: 'dim' });
  return spans;
}

/** The same line as plain text (saving, filtering on the prefix). */
export function lineText(l: LogLine, labels: OriginLabels, o: RenderOptions): string {
  let s = '';
  if (o.prefix && !l.marker) s += `[${labels.of(l.origin, o.podInPrefix).label}] `;
  if (o.timestamps) s += `${formatTimeMs(l.sec, l.nano)} `;
  s += l.text;
  if (l.cut > 0) s += cutNote(l.cut);
  return s;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const allAscii = (spans: readonly Span[]): boolean => spans.every((s) => PRINTABLE_ASCII.test(s.text));

/** The characters `[a, b)` (UTF-16 offsets into the spans' joined text) of a line made of spans. */
function sliceUnits(spans: readonly Span[], from: number, to: number): Line {
  const out: Span[] = [];
  let pos = 0;
  for (const s of spans) {
    const start = pos;
    const end = pos + s.text.length;
    pos = end;
    const a = Math.max(start, from);
    const b = Math.min(end, to);
    if (b > a) out.push(s.style ? { text: s.text.slice(a - start, b - start), style: s.style } : { text: s.text.slice(a - start, b - start) });
  }
  return { text: out.map((s) => s.text).join(''), spans: out };
}

/**
 * Where each wrapped row of a line starts (UTF-16 offsets): rows of at most `cols` terminal cells,
 * never splitting a character (a wide one that does not fit starts the next row). Cells as the
 * client counts them (rpc-schema cell-width): CJK text and emoji are two cells, marks none.
 */
export function wrapStarts(spans: readonly Span[], cols: number): number[] {
  const width = Math.max(1, cols);
  const starts = [0];
  if (allAscii(spans)) {
    let length = 0;
    for (const s of spans) length += s.text.length;
    for (let i = width; i < length; i += width) starts.push(i);
    return starts;
  }
  // Span by span, unit by unit, printable ASCII without a lookup: a line is laid out whole once
  // per width (LineLayouts), and a 64 KiB line of mixed text took ~0.4 ms walked code point by
  // code point over its joined text, ~0.15 ms so. (No span ends inside a surrogate pair: only
  // the text span is other than ASCII.)
  let used = 0;
  let at = 0;
  for (const s of spans) {
    const t = s.text;
    for (let k = 0; k < t.length; ) {
      const c = t.charCodeAt(k);
      let w: number;
      let n = 1;
      if (c >= 0x20 && c < 0x7f) w = 1;
      else {
        const cp = t.codePointAt(k)!;
        if (cp > 0xffff) n = 2;
        w = charWidth(cp);
      }
      if (used + w > width && used > 0) {
        starts.push(at + k);
        used = 0;
      }
      used += w;
      k += n;
    }
    at += t.length;
  }
  return starts;
}

/** The most UTF-16 units one cell shows: its character and a few combining marks (as the exec pane's cells). */
export const MAX_CELL_UNITS = 16;

/**
 * A row with each cell cut to MAX_CELL_UNITS: a letter under 30,000 combining marks ("zalgo" text)
 * is one cell, and the row went out whole in every frame to every client (40 such rows: a 2.4 MB
 * view) for the user's terminal to stack them all. The marks past the limit are left out.
 */
function capCells(line: Line): Line {
  if (PRINTABLE_ASCII.test(line.text)) return line;
  let units = 0;
  let changed = false;
  const out: Span[] = [];
  for (const s of line.spans ?? [{ text: line.text }]) {
    let text = '';
    for (const ch of s.text) {
      if (charWidth(ch.codePointAt(0)!) === 0) {
        if (units + ch.length > MAX_CELL_UNITS) {
          changed = true;
          continue;
        }
        units += ch.length;
      } else units = ch.length;
      text += ch;
    }
    if (text) out.push(s.style ? { text, style: s.style } : { text });
  }
  return changed ? { text: out.map((s) => s.text).join(''), spans: out } : line;
}

/** Wrapped row `row` of a line (see wrapStarts). */
export function wrappedRow(spans: readonly Span[], starts: readonly number[], row: number): Line {
  const from = starts[row] ?? Number.MAX_SAFE_INTEGER;
  const to = starts[row + 1] ?? Number.MAX_SAFE_INTEGER;
  return capCells(sliceUnits(spans, from, to));
}

/** How many terminal cells a line made of spans takes. */
export function spansWidth(spans: readonly Span[]): number {
  let n = 0;
  for (const s of spans) n += allAscii([s]) ? s.text.length : stringWidth(s.text);
  return n;
}

/**
 * The cells `[from, from+width)` of a line made of spans (scrolled sideways). A wide character cut
 * by either edge is left out (a space stands for its half at the left edge).
 */
export function sliceCells(spans: readonly Span[], from: number, width: number): Line {
  if (allAscii(spans)) return sliceUnits(spans, from, from + width);
  const out: Span[] = [];
  let cell = 0;
  /** UTF-16 units in the current cell (see capCells): marks past MAX_CELL_UNITS are skipped here. */
  let units = 0;
  for (const s of spans) {
    let text = '';
    for (const ch of s.text) {
      const w = charWidth(ch.codePointAt(0)!);
      if (w === 0) {
        if (units + ch.length > MAX_CELL_UNITS) continue;
        units += ch.length;
      } else units = ch.length;
      const start = cell;
      cell += w;
      if (start >= from + width || cell > from + width) break;
      if (start >= from) text += ch;
      else if (cell > from) text += ' '.repeat(cell - from);
    }
    if (text) out.push(s.style ? { text, style: s.style } : { text });
    if (cell >= from + width) break;
  }
  return { text: out.map((s) => s.text).join(''), spans: out };
}
