// An ABI v2 plugin's colours reach the user's terminal: the real client, in a PTY, attached to a
// real daemon running the v2-probe plugin (built from source); its frame read back by a terminal
// emulator (@xterm/headless), cell by cell.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { IBufferCell, Terminal as TerminalType } from '@xterm/headless';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pluginWasm } from '../../sdk/test/helpers/paths.js';
import { BUILT, HAVE_SCRIPT, makeHome, plain, runInPty, stopDaemon, until, type Home, type PtyRun } from './harness.js';

const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as { Terminal: typeof TerminalType };
const SIZE = { cols: 110, rows: 30 };

interface Painted {
  rows: string[];
  /** The cell at the first occurrence of `text` on screen (in the first row holding `inRow`, if given). */
  cellAt(text: string, inRow?: string): IBufferCell;
}

async function paint(out: string): Promise<Painted> {
  const term = new Terminal({ ...SIZE, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(out, resolve));
  const b = term.buffer.active;
  const rows: string[] = [];
  for (let i = 0; i < SIZE.rows; i++) rows.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
  return {
    rows,
    cellAt(text, inRow = text) {
      const y = rows.findIndex((r) => r.includes(inRow) && r.includes(text));
      if (y < 0) throw new Error(`${text} is not on screen:\n${rows.join('\n')}`);
      // Columns: the text is ASCII after the border, so string index = cell index.
      return b.getLine(b.viewportY + y)!.getCell(rows[y]!.indexOf(text))!;
    },
  };
}

describe.skipIf(!BUILT || !HAVE_SCRIPT)('an ABI v2 plugin painted by the client', () => {
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

  it('draws styled spans and coloured table cells in their colours (named: the terminal palette; #rrggbb: true colour)', async () => {
    const probe = pluginWasm('v2-probe');
    mkdirSync(join(home.dir, 'config', 'kubetile'), { recursive: true });
    writeFileSync(join(home.dir, 'config', 'kubetile', 'config.toml'), `[[plugins]]\nkey = "v2-probe"\npath = "${probe}"\nkeybinding = "ctrl+y"\ntimeout_ms = 10000\n`);
    pty = runInPty([], { ...home.env, FORCE_COLOR: '3', TERM: 'xterm-256color', COLORTERM: 'truecolor' }, SIZE);
    await until('the status bar', () => plain(pty!.output()).includes('NORMAL'));
    pty.write('\x19'); // ctrl+y opens the plugin
    const screen = await until('the v2 table on screen', async () => {
      const p = await paint(pty!.output());
      return p.rows.some((r) => r.includes('1 failing')) && p.rows.some((r) => r.includes('CrashLoopBackOff')) ? p : null;
    }, 30_000);

    // The caption's spans: "1 failing" red (palette 1) and bold; " · calls: 0" #8888ff; "Services: " default.
    const failing = screen.cellAt('1 failing');
    expect([failing.isFgPalette(), failing.getFgColor(), failing.isBold() !== 0]).toEqual([true, 1, true]);
    const calls = screen.cellAt('· calls');
    expect([calls.isFgRGB(), calls.getFgColor()]).toEqual([true, 0x8888ff]);
    expect(screen.cellAt('Services').isFgDefault()).toBe(true);

    // Table cells: bravo's status red and bold, charlie's green; the header is the client's own.
    const crash = screen.cellAt('CrashLoopBackOff');
    expect([crash.isFgPalette(), crash.getFgColor(), crash.isBold() !== 0]).toEqual([true, 1, true]);
    const row = screen.rows.find((r) => r.includes('charlie'))!;
    expect(row).toMatch(/charlie\s+2\s+5s\s+3Mi\s+Running/);
    const running = screen.cellAt('Running', 'charlie');
    expect([running.isFgPalette(), running.getFgColor(), running.isBold()]).toEqual([true, 2, 0]);
    expect(screen.cellAt('alpha').isFgDefault()).toBe(true);
    // Nothing the plugin sent reached the terminal as an escape: the screen holds only its text.
    expect(screen.rows.join('\n')).not.toMatch(/\x1b/);
  }, 90_000);
});
