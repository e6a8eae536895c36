import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
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
    // A terminal that reads nothing: a FIFO whose buffer is full (writes to it fail with EAGAIN, as
    // to a pty nobody reads); what the screen cannot write at once waits in the stream (the fake's queue).
    const dir = mkdtempSync(join(tmpdir(), 'kt-screen-'));
    const file = join(dir, 'tty');
    execFileSync('mkfifo', [file]);
    const r = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const fd = openSync(file, constants.O_WRONLY | constants.O_NONBLOCK);
    const drain = (): string => {
      const chunks: Buffer[] = [];
      const buf = Buffer.alloc(65536);
      for (;;) {
        try {
          const n = readSync(r, buf);
          if (n === 0) break;
          chunks.push(Buffer.from(buf.subarray(0, n)));
        } catch {
          break; // EAGAIN: read all there is
        }
      }
      return Buffer.concat(chunks).toString('latin1');
    };
    try {
      for (;;) {
        try {
          writeSync(fd, Buffer.alloc(65536, 0x2e));
        } catch {
          break; // full
        }
      }
      const t = slowTty(fd);
      const screen = new TerminalScreen(t.stdin, t.stdout);
      screen.enter();
      screen.paintLines(['a frame that never reaches the terminal']);
      // Neither went to the full terminal: both wait in the stream.
      expect(t.queued.map((w) => String(w.s)).join('')).toContain('a frame that never reaches the terminal');
      // The terminal reads again (what was in it: filler only), and the process exits meanwhile.
      expect(drain()).toMatch(/^\.+$/);
      screen.restoreNow();
      const direct = drain();
      expect(direct.startsWith('\x1b[?2026l')).toBe(true);
      expect(direct).toContain(CURSOR_SHOW);
      expect(direct.endsWith(ALT_SCREEN_OFF)).toBe(true);
      expect(direct).not.toContain('a frame that never reaches');
      expect(t.blocking).toEqual([false, true]);
    } finally {
      closeSync(fd);
      closeSync(r);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a terminal that reads: frames go straight to it, none left waiting in the stream', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-screen-'));
    const file = join(dir, 'tty');
    const fd = openSync(file, 'w');
    try {
      const t = slowTty(fd);
      const screen = new TerminalScreen(t.stdin, t.stdout);
      screen.enter();
      for (let i = 1; i <= 5; i++) screen.paintLines([`frame ${i}`]);
      expect(t.queued).toHaveLength(0);
      // Each frame written whole at once (a synchronized update each), none held.
      expect(readFileSync(file, 'utf8').split('\x1b[?2026h').length - 1).toBe(5);
      screen.restore();
      expect(readFileSync(file, 'utf8').endsWith(ALT_SCREEN_OFF)).toBe(true);
      expect(t.blocking).toEqual([false, true]);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
