import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IPty } from 'node-pty';
import xterm from '@xterm/headless';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_MAIN, makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { ptyMissing } from '../helpers/painted-terminal.js';

/**
 * A terminal that stops reading (a stalled ssh link, a pty nobody reads) while the client has frames
 * to paint. Node writes to a TTY with blocking writes: the client stopped inside write(2), and a
 * signal's handler never ran — SIGTERM and SIGINT did nothing until the terminal read again. The
 * client now keeps at most one frame on its way, paints the newest once it is out, and ends on a signal.
 */

const ALT_ON = '\x1b[?1049h';
const ALT_OFF = '\x1b[?1049l';

interface Client {
  pty: IPty;
  out: () => string;
  exit: Promise<{ exitCode: number; signal?: number }>;
  exited: () => boolean;
}

function spawnClient(env: TestEnv, cols: number, rows: number): Client {
  const pty = createRequire(import.meta.url)('node-pty') as typeof import('node-pty');
  const p = pty.spawn(process.execPath, [CLIENT_MAIN, '--socket', env.socket], {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: REPO_ROOT,
    env: { ...env.env, TERM: 'xterm-256color' } as Record<string, string>,
  });
  let out = '';
  let done = false;
  p.onData((d) => (out += d));
  const exit = new Promise<{ exitCode: number; signal?: number }>((resolve) =>
    p.onExit((e) => {
      done = true;
      resolve(e);
    }),
  );
  return { pty: p, out: () => out, exit, exited: () => done };
}

/** The client's CPU time and resident memory (bytes), from /proc. */
function stat(pid: number): { cpu: number; rss: number } {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
  return { cpu: Number(f[11]) + Number(f[12]), rss: Number(f[21]) * 4096 };
}

/** Waits until the client has stopped using CPU for a while: it handled what it was sent, or it is stuck writing. */
async function settled(pid: number): Promise<void> {
  let last = stat(pid).cpu;
  let still = 0;
  await waitFor('the client to settle', async () => {
    await new Promise((r) => setTimeout(r, 250));
    const now = stat(pid).cpu;
    still = now === last ? still + 1 : 0;
    last = now;
    return still >= 4;
  }, 60_000, 0);
}

/** What a terminal of `cols`×`rows` shows after `out`. */
async function screen(out: string, cols: number, rows: number): Promise<string[]> {
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  await new Promise<void>((r) => term.write(out, r));
  const b = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < rows; y++) lines.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
  term.dispose();
  return lines;
}

describe.skipIf(ptyMissing)('a terminal that reads nothing for a while', () => {
  let env: TestEnv;
  let daemon: DaemonProcess;
  let client: Client | null = null;
  beforeEach(async () => {
    env = makeTestEnv();
    daemon = await startDaemon(env);
  });
  afterEach(async () => {
    if (client && !client.exited()) {
      client.pty.resume();
      client.pty.kill('SIGKILL');
      await client.exit;
    }
    client = null;
    await daemon.stop();
    env.cleanup();
  });

  /** Stops reading the client's terminal and makes the client repaint it whole, `n` times over. */
  async function stall(c: Client, n: number, cols: number, rows: number): Promise<void> {
    c.pty.pause();
    // Paced: SIGWINCHs sent at once reach the client as one.
    for (let i = 0; i < n; i++) {
      c.pty.resize(i % 2 === 0 ? cols - 1 : cols, rows);
      await new Promise((r) => setTimeout(r, 20));
    }
    c.pty.resize(cols, rows);
    await settled(c.pty.pid);
  }

  it('SIGTERM ends the client while its terminal reads nothing', async () => {
    const c = (client = spawnClient(env, 220, 70));
    await waitFor('the status bar', () => c.out().includes('NORMAL'), 60_000);
    await stall(c, 60, 220, 70);
    process.kill(c.pty.pid, 'SIGTERM');
    // Still not reading: the client must end on its own.
    await waitFor('the client to end on SIGTERM', () => c.exited(), 30_000);
    expect((await c.exit).exitCode).toBe(143);
  });

  it('frames painted meanwhile are not queued: memory stays bounded, the newest frame is painted when it reads again', async () => {
    const cols = 220;
    const rows = 70;
    const c = (client = spawnClient(env, cols, rows));
    await waitFor('the status bar', () => c.out().includes('NORMAL'), 60_000);
    await settled(c.pty.pid);
    const before = stat(c.pty.pid).rss;
    const written = c.out().length;
    // Each resize repaints the whole 220×70 screen (tens of kB): 300 of them, several MB.
    await stall(c, 300, cols, rows);
    const grown = stat(c.pty.pid).rss - before;
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    c.pty.resume();
    // What reaches the terminal once it reads is about a frame and what the pty held, not every frame.
    await waitFor('the terminal to get the newest frame', async () => (await screen(c.out(), cols, rows))[rows - 1]!.includes('NORMAL'), 30_000);
    await settled(c.pty.pid);
    expect(c.out().length - written).toBeLessThan(2 * 1024 * 1024);
    const lines = await screen(c.out(), cols, rows);
    expect(lines[0]).toContain('[1]');
    expect(lines[rows - 1]).toContain('NORMAL');
    c.pty.write('\x11'); // ctrl+q
    expect((await c.exit).exitCode).toBe(0);
    const out = c.out();
    expect(out.lastIndexOf(ALT_OFF)).toBeGreaterThan(out.lastIndexOf(ALT_ON));
    expect(out.slice(out.lastIndexOf(ALT_OFF))).toContain('[detached (from session main)]');
  });
});
