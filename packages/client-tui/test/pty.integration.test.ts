import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT, HAVE_SCRIPT, kubetile, makeHome, plain, runInPty, screenText, stopDaemon, until, type Home, type PtyRun } from './harness.js';

const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';
const CURSOR_SHOW = '\x1b[?25h';
const KITTY_PUSH = '\x1b[>1u';
const KITTY_POP = '\x1b[<u';
const PASTE_ON = '\x1b[?2004h';
const PASTE_OFF = '\x1b[?2004l';

/** The pid of `script`'s child (the kubetile process, thanks to `exec`). */
function childOf(pid: number): number {
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return Number(kids[0]);
}

/** Output written after the alternate screen was left: what the user sees on the normal screen. */
const afterAltScreen = (out: string): string => out.slice(out.lastIndexOf(ALT_OFF));

describe.skipIf(!BUILT || !HAVE_SCRIPT)('kubetile in a real terminal (PTY)', () => {
  let home: Home;
  let pty: PtyRun | null = null;
  beforeEach(() => {
    home = makeHome();
  });
  afterEach(async () => {
    if (pty && pty.child.exitCode === null) pty.child.kill('SIGKILL');
    pty = null;
    await stopDaemon(home);
    home.cleanup();
  });

  it('starts the daemon when none answers, draws the screen, and ctrl+q detaches and restores the terminal', async () => {
    pty = runInPty([], home.env, { cols: 90, rows: 20 });
    await until('the status bar', () => plain(pty!.output()).includes('NORMAL'));
    const out = pty.output();
    expect(out).toContain('starting the daemon');
    expect(out).toContain(ALT_ON);
    const screen = plain(out);
    expect(screen).toContain('[1] ');
    expect(screen).toContain('F1 Help');
    pty.write('\x11'); // ctrl+q
    expect(await pty.exited).toBe(0);
    const tail = afterAltScreen(pty.output());
    expect(tail).toContain(ALT_OFF);
    expect(pty.output()).toContain(CURSOR_SHOW);
    expect(tail).toContain('[detached (from session main)]');
    // The daemon lives on.
    expect((await kubetile(['rpc', 'session/list'], home.env)).code).toBe(0);
  });

  it('kill-server ends the attached client with a message and a restored terminal', async () => {
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    pty = runInPty([], home.env);
    await until('the status bar', () => plain(pty!.output()).includes('NORMAL'));
    expect((await kubetile(['kill-server'], home.env)).code).toBe(0);
    expect(await pty.exited).toBe(0);
    const tail = afterAltScreen(pty.output());
    expect(tail).toContain(ALT_OFF);
    expect(tail).toContain('[server exited');
  });

  it('restores the terminal on SIGTERM', async () => {
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    pty = runInPty([], home.env);
    await until('the status bar', () => plain(pty!.output()).includes('NORMAL'));
    process.kill(childOf(pty.child.pid!), 'SIGTERM');
    expect(await pty.exited).toBe(143);
    expect(afterAltScreen(pty.output())).toContain(ALT_OFF);
    expect(pty.output().lastIndexOf(CURSOR_SHOW)).toBeGreaterThan(pty.output().lastIndexOf('\x1b[?25l'));
  });

  it('keys typed in the terminal reach the daemon (alt+v splits, F1 opens help)', async () => {
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    pty = runInPty([], home.env, { cols: 100, rows: 24 });
    await until('the status bar', () => plain(pty!.output()).includes('NORMAL'));
    pty.write('\x1bv');
    await until('two panes', async () => {
      const r = await kubetile(['rpc', 'pane/list'], home.env);
      return (JSON.parse(r.stdout) as { panes: unknown[] }).panes.length === 2;
    });
    pty.write('\x1bOP');
    await until('the help pane on screen', async () => /[─━] Help [─━]/.test(await screenText(pty!.output(), { cols: 100, rows: 24 })));
    pty.write('\x11');
    expect(await pty.exited).toBe(0);
  });

  it('asks the terminal for the kitty keyboard protocol, so ctrl+shift+p (port-forwards) can be typed; gives it back on the way out', async () => {
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    pty = runInPty([], home.env, { cols: 100, rows: 24 });
    await until('the status bar', () => plain(pty!.output()).includes('NORMAL'));
    const out = pty.output();
    expect(out.indexOf(KITTY_PUSH)).toBeGreaterThan(out.indexOf(ALT_ON));
    // What kitty, foot, WezTerm or Ghostty send for ctrl+shift+p then (ctrl+p would be `\x1b[112;5u`).
    pty.write('\x1b[112;6u');
    await until('the port-forwards pane', async () => {
      const r = await kubetile(['rpc', 'pane/list'], home.env);
      return (JSON.parse(r.stdout) as { panes: Array<{ key: string }> }).panes.some((p) => p.key === 'port-forwards');
    });
    pty.write('\x1b[113;5u'); // ctrl+q as kitty sends it
    expect(await pty.exited).toBe(0);
    const tail = afterAltScreen(pty.output());
    const all = pty.output();
    expect(all.lastIndexOf(KITTY_POP)).toBeGreaterThan(all.lastIndexOf(KITTY_PUSH));
    expect(all.lastIndexOf(KITTY_POP)).toBeLessThan(all.lastIndexOf(ALT_OFF));
    expect(tail).toContain('[detached (from session main)]');
  });

  it('asks for bracketed paste: a paste is text, refused on screen in normal mode (its keys never run), the search in the : switcher; gives it back on the way out', async () => {
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    const size = { cols: 100, rows: 24 };
    pty = runInPty([], home.env, size);
    await until('the status bar', () => plain(pty!.output()).includes('NORMAL'));
    expect(pty.output()).toContain(PASTE_ON);
    const panes = async (): Promise<string[]> =>
      (JSON.parse((await kubetile(['rpc', 'pane/list'], home.env)).stdout) as { panes: Array<{ key: string }> }).panes.map((p) => p.key).sort();
    const before = await panes();
    // As keys, this would open the switcher, type help and press Enter: a help pane.
    pty.write('\x1b[200~:help\r\x1b[201~');
    await until('the refusal on screen', async () => (await screenText(pty!.output(), size)).includes('paste not taken: in normal mode'));
    expect(await panes()).toEqual(before);
    expect(await screenText(pty.output(), size)).toContain('NORMAL');
    // In the switcher a paste is its search (one line: the newline is not Enter).
    pty.write(':');
    await until('the switcher', async () => (await screenText(pty!.output(), size)).includes('Switch view'));
    pty.write('\x1b[200~help\n\x1b[201~');
    await until('the pasted search', async () => /help/.test((await screenText(pty!.output(), size)).split('\n').find((l) => l.includes('>')) ?? ''));
    expect(await panes()).toEqual(before);
    pty.write('\r');
    await until('the help pane', async () => (await panes()).includes('help'));
    pty.write('\x11');
    expect(await pty.exited).toBe(0);
    const all = pty.output();
    expect(all.lastIndexOf(PASTE_OFF)).toBeGreaterThan(all.lastIndexOf(PASTE_ON));
    expect(all.lastIndexOf(PASTE_OFF)).toBeLessThan(all.lastIndexOf(ALT_OFF));
  });

  it('commands print what the daemon sends without its escape sequences on a terminal (title, clipboard); a pipe gets it exactly', async () => {
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    const evil = '\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07\x1b[2JX\r';
    // A pane whose message names what it was given (a view a cluster object or a plugin could name so).
    const opened = await kubetile(['rpc', 'pane/open', JSON.stringify({ view: { key: evil } })], home.env);
    const paneId = (JSON.parse(opened.stdout) as { paneId: number }).paneId;
    const piped = await kubetile(['snapshot', String(paneId)], home.env);
    expect(piped.stdout).toContain(evil);
    pty = runInPty(['snapshot', String(paneId)], home.env);
    expect(await pty.exited).toBe(0);
    expect(pty.output()).toContain("no pane type 'X'");
    expect(pty.output()).not.toMatch(/\x1b\]|\x07|\x1b\[2J/);
    // An error on stderr (the pane's message names the view as it was given).
    pty = runInPty(['open', JSON.stringify({ key: evil })], home.env);
    expect(await pty.exited).toBe(1);
    expect(pty.output()).toContain("no pane type 'X'");
    expect(pty.output()).not.toMatch(/\x1b\]|\x07|\x1b\[2J/);
  });
});
