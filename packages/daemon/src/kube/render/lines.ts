import type { Line, Span, Style } from '@kubetile/rpc-schema';

export type { Line, Span, Style };

/** Display-safe text: no newlines, carriage returns or tabs inside one line. */
export function clean(text: string): string {
  return text.replace(/\r\n|[\r\n]/g, ' ').replace(/\t/g, ' ');
}

/** A plain line, optionally styled as a whole. */
export function plain(text: string, style?: Style): Line {
  const l: Line = { text: clean(text) };
  if (style) l.style = style;
  return l;
}

/**
 * A line from spans; its `text` is exactly the concatenation of the span texts. Empty spans are dropped,
 * adjacent spans of the same style merged; a line whose spans all share one style becomes a plain styled line.
 */
export function spans(parts: ReadonlyArray<{ text: string; style?: Style | undefined }>, lineStyle?: Style): Line {
  const out: Span[] = [];
  for (const p of parts) {
    const text = clean(p.text);
    if (text === '') continue;
    const prev = out[out.length - 1];
    if (prev && prev.style === p.style) {
      prev.text += text;
      continue;
    }
    const s: Span = { text };
    if (p.style) s.style = p.style;
    out.push(s);
  }
  const text = out.map((s) => s.text).join('');
  const line: Line = { text };
  if (lineStyle) line.style = lineStyle;
  if (out.length === 1 && out[0]?.style && !lineStyle) line.style = out[0].style;
  else if (out.some((s) => s.style !== undefined)) line.spans = out;
  return line;
}

/** Shortens `s` to at most `max` characters, ending with `…` when cut. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
