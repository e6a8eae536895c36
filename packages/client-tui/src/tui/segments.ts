import { clip, fit, stringWidth } from '../util/text.js';
import type { TextStyle } from './theme.js';

/** A run of text in one style. A screen line is a list of segments. */
export interface Seg {
  text: string;
  style?: TextStyle;
}
export type SegLine = Seg[];

export const seg = (text: string, style?: TextStyle): Seg => (style ? { text, style } : { text });

export const lineWidth = (line: SegLine): number => line.reduce((w, s) => w + stringWidth(s.text), 0);

/** Clips a line to `width` cells and pads it with spaces (in `padStyle`) to exactly `width`. */
export function fitLine(line: SegLine, width: number, padStyle?: TextStyle): SegLine {
  const out: SegLine = [];
  let used = 0;
  for (const s of line) {
    if (used >= width) break;
    const w = stringWidth(s.text);
    if (used + w <= width) {
      if (s.text) out.push(s);
      used += w;
    } else {
      const cut = fit(clip(s.text, width - used - 1) + '…', width - used);
      out.push({ ...s, text: cut });
      used = width;
    }
  }
  if (used < width) out.push(seg(' '.repeat(width - used), padStyle));
  return out;
}

/** Applies a style on top of every segment (e.g. a selection background). */
export const overlayStyle = (line: SegLine, style: TextStyle): SegLine => line.map((s) => ({ ...s, style: { ...s.style, ...style } }));

/** Plain text of a line (tests, debugging). */
export const lineText = (line: SegLine): string => line.map((s) => s.text).join('');
