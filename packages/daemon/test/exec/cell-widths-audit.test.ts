import { describe, expect, it } from 'vitest';
import { charWidth, stringWidth, type TermRun } from '@kubetile/rpc-schema';
import { TerminalScreen } from '../../src/panes/exec/terminal-screen.js';


/**
 * The exec emulator counts cells as the client paints them: an emoji or a CJK character is two
 * cells in the daemon's screen too, so a row fits its pane and the cursor is where the shell put it.
 */

async function screenOf(text: string, cols = 20): Promise<TerminalScreen> {
  const s = new TerminalScreen(cols, 3, 10, { changed: () => undefined, reply: () => undefined, backpressure: () => undefined });
  s.write(Buffer.from(text, 'utf8'));
  while (s.pendingBytes > 0) await new Promise((r) => setTimeout(r, 5));
  return s;
}

const rowText = (row: readonly TermRun[]): string => row.map((r) => r.text).join('');

describe('exec cell widths', () => {
  it('an emoji takes two cells: the cursor is after it as the client counts, and a full row fits the pane', async () => {
    const prompt = '✅ ok ⚡😀 $ ';
    let s = await screenOf(prompt);
    let r = s.render(3, 20);
    expect(rowText(r.rows[0]!)).toBe(prompt.trimEnd());
    // The cursor sits where the client has painted the prompt up to (it was 2 columns left of it, on the `$`).
    expect(r.cursor).toEqual({ row: 0, col: stringWidth(prompt) });
    s.dispose();

    // Ten emoji fill a 20-column row exactly; the eleventh wraps (xterm had put all eleven on one
    // row of what the client paints as 22 cells, the last two cut off).
    s = await screenOf('😀'.repeat(11));
    r = s.render(3, 20);
    expect(r.rows.slice(0, 2).map(rowText)).toEqual(['😀'.repeat(10), '😀']);
    expect(r.rows.slice(0, 2).map((row) => stringWidth(rowText(row)))).toEqual([20, 2]);
    s.dispose();
  });

  it('the cursor moves as many cells as charWidth says, for wide, narrow and zero-width characters', async () => {
    for (const ch of ['日', '⌚', '❌', '⭐', '🚀', 'é', '\u0301', '\u200b', '\u200d', '\u2028', '\u00ad', '\ufe0f', 'ß']) {
      const s = await screenOf(`a${ch}b`);
      expect({ ch, col: s.render(3, 20).cursor?.col }).toEqual({ ch, col: 2 + charWidth(ch.codePointAt(0)!) });
      s.dispose();
    }
  });
});
