import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALT_SCREEN_OFF, CURSOR_SHOW, TerminalScreen } from '../src/terminal/screen.js';

/**
 * The screen on a TTY whose writes do not block (a terminal that reads slowly or not at all): at
 * most one frame on its way, the newest painted when it is out, and an exit that restores the
 * terminal ahead of what is still queued — ending the synchronized update a cut frame began.
 */
function slowTty(fd?: number) {
  const blocking: boolean[] = [];
  /** Writes the terminal has not taken yet: their callbacks. */
  const queued: Array<{ s: string; done?: () => void }> = [];
  let taken = '';
  const stdin = { isTTY: true, setRawMode: () => undefined, resume: () => undefined, pause: () => undefined };
  const stdout = {
    columns: 20,
    rows: 3,
    ...(fd !== undefined ? { fd } : {}),
    _handle: { setBlocking: (b: boolean) => void blocking.push(b) },
    write: (s: string, done?: () => void) => void queued.push({ s, ...(done ? { done } : {}) }),
  };
  /** The terminal reads everything queued (and what that makes the screen write next). */
  const read = (): void => {
    while (queued.length > 0) {
      const w = queued.shift()!;
      taken += w.s;
      w.done?.();
    }
  };
  return { stdin, stdout, blocking, queued, read, taken: () => taken };
}

describe('TerminalScreen on a terminal that reads slowly', () => {
  it('keeps at most one frame on its way and paints the newest when it is out', async () => {
    const t = slowTty();
    const screen = new TerminalScreen(t.stdin, t.stdout);
    screen.enter();
    expect(t.blocking).toEqual([false]);
    screen.paintLines(['frame 1']);
    for (let i = 2; i <= 50; i++) screen.paintLines([`frame ${i}`]);
    // The enter sequence and frame 1 only: frames 2..50 were not queued.
    expect(t.queued).toHaveLength(2);
    t.read();
    // Then one more write: the newest frame, as a diff of frame 1.
    expect(t.queued).toHaveLength(0);
    const { Terminal } = await import('@xterm/headless');
    const term = new Terminal({ cols: 20, rows: 3, allowProposedApi: true });
    await new Promise<void>((r) => term.write(t.taken(), r));
    expect(term.buffer.active.getLine(0)?.translateToString(true)).toBe('frame 50');
    term.dispose();
    const writes = t.taken().split('\x1b[?2026h').length - 1;
    expect(writes).toBe(2);
    screen.restore();
    t.read();
    expect(t.taken().endsWith(ALT_SCREEN_OFF)).toBe(true);
    // Once the restore is out, writes block again (for an editor, or the shell after us).
    expect(t.blocking).toEqual([false, true]);
  });

  it('an exit restores at once, ahead of the queued frame, and ends the synchronized update the frame began', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-screen-'));
    const file = join(dir, 'tty');
    const fd = openSync(file, 'w');
    try {
      const t = slowTty(fd);
      const screen = new TerminalScreen(t.stdin, t.stdout);
      screen.enter();
      screen.paintLines(['a frame that never reaches the terminal']);
      screen.restoreNow();
      const direct = readFileSync(file, 'utf8');
      expect(direct.startsWith('\x1b[?2026l')).toBe(true);
      expect(direct).toContain(CURSOR_SHOW);
      expect(direct.endsWith(ALT_SCREEN_OFF)).toBe(true);
      expect(t.blocking).toEqual([false, true]);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
