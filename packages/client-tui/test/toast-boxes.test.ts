import { describe, expect, it } from 'vitest';
import { TOAST_LINES, toastBoxes } from '../src/tui/chrome.js';
import { lineText } from '../src/tui/segments.js';

const toast = (text: string) => ({ id: 1, level: 'error' as const, text, expiresAt: Date.now() + 5000 });
/** The text lines inside a toast's box (its bottom border and side bars taken off). */
const inside = (text: string): string[] => {
  const [box] = toastBoxes([toast(text)], 160, 45);
  return box!.lines
    .map(lineText)
    .filter((l) => l.startsWith('│'))
    .map((l) => l.slice(1, -1).trim());
};

describe('toasts', () => {
  it('a message longer than the box ends in … where it is cut (the end of a port-forward refusal vanished silently)', () => {
    const long = `port 18080 is taken by another forward (pod/api-5c9d8f7b6-x2x9k:8080 -> 127.0.0.1:18080); ${'stop it first or choose another port; '.repeat(6)}the end`;
    const lines = inside(long);
    expect(lines).toHaveLength(TOAST_LINES);
    expect(lines.at(-1)).toMatch(/…$/);
    expect(lines.join(' ')).not.toContain('the end');
  });

  it('a message that fits is shown whole, without …', () => {
    const lines = inside('port 18080 is taken: stop it first or choose another port');
    expect(lines.join(' ')).toContain('choose another port');
    expect(lines.join(' ')).not.toContain('…');
  });
});
