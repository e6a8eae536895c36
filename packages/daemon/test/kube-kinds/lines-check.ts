import { expect } from 'vitest';
import type { Line } from '@kubetile/rpc-schema';
import { LineSchema } from '@kubetile/rpc-schema';

/** Every line is schema-valid, single-line, and its text equals the concatenation of its spans. */
export function expectValidLines(lines: Line[]): void {
  for (const l of lines) {
    expect(LineSchema.safeParse(l).success, JSON.stringify(l)).toBe(true);
    expect(l.text.includes('\n'), JSON.stringify(l)).toBe(false);
    if (l.spans) expect(l.spans.map((s) => s.text).join('')).toBe(l.text);
  }
}

export function texts(lines: Line[]): string[] {
  return lines.map((l) => l.text);
}

/** The style of the span covering `needle` (leading spaces skipped) in the first line containing it (or the line's style). */
export function styleAt(lines: Line[], needle: string): string | undefined {
  const l = lines.find((x) => x.text.includes(needle));
  if (!l) throw new Error(`no line contains ${needle}`);
  if (!l.spans) return l.style;
  const idx = l.text.indexOf(needle) + (needle.length - needle.trimStart().length);
  let pos = 0;
  for (const s of l.spans) {
    if (idx >= pos && idx < pos + s.text.length) return s.style ?? l.style;
    pos += s.text.length;
  }
  return l.style;
}
