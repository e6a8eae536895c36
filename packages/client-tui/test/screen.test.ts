import { describe, expect, it } from 'vitest';
import { ALT_SCREEN_OFF, ALT_SCREEN_ON, CURSOR_HIDE, CURSOR_SHOW, KITTY_KEYS_POP, KITTY_KEYS_PUSH, osc52, TerminalScreen } from '../src/terminal/screen.js';

function fakeTty(cols = 20, rows = 4) {
  const calls: string[] = [];
  let out = '';
  const stdin = {
    isTTY: true,
    setRawMode: (m: boolean) => void calls.push(`raw:${m}`),
    resume: () => void calls.push('resume'),
    pause: () => void calls.push('pause'),
  };
  const stdout = { columns: cols, rows, write: (s: string) => void (out += s) };
  return { stdin, stdout, calls, out: () => out, reset: () => void (out = '') };
}

describe('TerminalScreen', () => {
  it('enters raw mode and the alternate screen, and restores both exactly once', () => {
    const t = fakeTty();
    const screen = new TerminalScreen(t.stdin, t.stdout);
    screen.enter();
    expect(t.calls).toEqual(['raw:true', 'resume']);
    expect(t.out()).toContain(ALT_SCREEN_ON);
    expect(t.out()).toContain(CURSOR_HIDE);
    expect(t.out()).toContain('\x1b[?7l'); // no auto-wrap: a line can never scroll the screen
    t.reset();
    screen.restore();
    screen.restore();
    expect(t.calls).toEqual(['raw:true', 'resume', 'raw:false', 'pause']);
    expect(t.out().split(ALT_SCREEN_OFF)).toHaveLength(2);
    expect(t.out()).toContain(CURSOR_SHOW);
    expect(t.out()).toContain('\x1b[?7h');
  });

  it('turns off the keypad and mouse modes a program before it left on (an editor killed meanwhile), in a real terminal emulator', async () => {
    const { Terminal } = await import('@xterm/headless');
    const term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
    const written = (data: string): Promise<void> => new Promise((r) => term.write(data, r));
    await written('\x1b=\x1b[?1000h\x1b[?1006h');
    expect(term.modes.applicationKeypadMode).toBe(true);
    expect(term.modes.mouseTrackingMode).not.toBe('none');
    const t = fakeTty();
    new TerminalScreen(t.stdin, t.stdout).enter();
    await written(t.out());
    expect(term.modes.applicationKeypadMode).toBe(false);
    expect(term.modes.mouseTrackingMode).toBe('none');
    term.dispose();
  });

  it('asks for the kitty keyboard protocol on the alternate screen and gives it back before leaving it', () => {
    const t = fakeTty();
    const screen = new TerminalScreen(t.stdin, t.stdout);
    screen.enter();
    const on = t.out();
    // On the alternate screen, whose keyboard-mode stack is its own: leaving it restores the shell's keys.
    expect(on.indexOf(KITTY_KEYS_PUSH)).toBeGreaterThan(on.indexOf(ALT_SCREEN_ON));
    expect(KITTY_KEYS_PUSH).toBe('\x1b[>1u');
    t.reset();
    screen.restore();
    const off = t.out();
    expect(off.indexOf(KITTY_KEYS_POP)).toBeGreaterThanOrEqual(0);
    expect(off.indexOf(KITTY_KEYS_POP)).toBeLessThan(off.indexOf(ALT_SCREEN_OFF));
    expect(KITTY_KEYS_POP).toBe('\x1b[<u');
  });

  it('paints only the lines that changed, each at an absolute position, never past the last row', () => {
    const t = fakeTty(20, 3);
    const screen = new TerminalScreen(t.stdin, t.stdout);
    screen.enter();
    t.reset();
    screen.paint('one\ntwo\nthree\nfour');
    expect(t.out()).toContain('\x1b[1;1H');
    expect(t.out()).toContain('\x1b[3;1H');
    expect(t.out()).not.toContain('\x1b[4;1H');
    expect(t.out()).not.toContain('four');
    expect(t.out()).not.toContain('\n');
    t.reset();
    screen.paint('one\nTWO\nthree');
    expect(t.out()).toContain('\x1b[2;1H');
    expect(t.out()).not.toContain('\x1b[1;1H');
    expect(t.out()).not.toContain('\x1b[3;1H');
    t.reset();
    screen.paint('one\nTWO\nthree');
    expect(t.out()).toBe('');
    screen.invalidate();
    t.reset();
    screen.paint('one\nTWO\nthree');
    expect(t.out()).toContain('\x1b[1;1H');
    screen.restore();
    t.reset();
    screen.paint('after');
    expect(t.out()).toBe('');
  });

  it('writes the clipboard with OSC 52', () => {
    expect(osc52('kubectl get pods')).toBe(`\x1b]52;c;${Buffer.from('kubectl get pods').toString('base64')}\x07`);
  });
});
