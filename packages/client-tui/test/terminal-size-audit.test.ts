import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT, HAVE_SCRIPT, kubetile, makeHome, plain, runInPty, screenText, stopDaemon, until, type Home, type PtyRun } from './harness.js';

/**
 * Terminal sizes the daemon's `Size` (1..1000 each way) does not take as they are: a terminal wider
 * than 1000 columns could not attach at all (the client sent its size as it was and printed the
 * daemon's `error -32602: session/attach: invalid params: size.cols: Too big`), and one that reports
 * 0×0 (a serial console, a container console before its first resize) was drawn in one cell.
 */
describe.skipIf(!BUILT || !HAVE_SCRIPT)('terminal sizes the daemon does not lay out as reported', () => {
  let home: Home;
  let pty: PtyRun | null = null;
  beforeEach(async () => {
    home = makeHome();
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
  });
  afterEach(async () => {
    if (pty && pty.child.exitCode === null) pty.child.kill('SIGKILL');
    pty = null;
    await stopDaemon(home);
    home.cleanup();
  });

  it('a 1200-column terminal attaches and is drawn in its first 1000 columns', async () => {
    const size = { cols: 1200, rows: 30 };
    pty = runInPty([], home.env, size);
    await until('the status bar', () => plain(pty!.output()).includes('NORMAL'), 30_000);
    expect(pty.output()).not.toContain('invalid params');
    const lines = (await screenText(pty.output(), size)).split('\n');
    expect(lines[lines.length - 1]).toContain('NORMAL');
    pty.write('\x11'); // ctrl+q
    expect(await pty.exited).toBe(0);
    expect(plain(pty.output())).toContain('[detached (from session main)]');
  });

  it('a terminal that reports 0×0 is drawn as 80×24', async () => {
    pty = runInPty([], home.env, { cols: 0, rows: 0 });
    await until('the status bar', () => plain(pty!.output()).includes('NORMAL'), 30_000);
    const lines = (await screenText(pty.output(), { cols: 80, rows: 24 })).split('\n');
    expect(lines[23]).toContain('NORMAL');
    expect(lines[0]).toContain('[1]');
    pty.write('\x11');
    expect(await pty.exited).toBe(0);
  });
});
