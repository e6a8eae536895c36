import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Terminal as TerminalType } from '@xterm/headless';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PKG_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLIENT_MAIN = join(PKG_ROOT, 'dist/main.js');
export const DAEMON_MAIN = join(PKG_ROOT, '../daemon/dist/main.js');
/** The built client and daemon are there (npm test builds first). */
export const BUILT = existsSync(CLIENT_MAIN) && existsSync(DAEMON_MAIN);
export const HAVE_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** A temp home: XDG dirs, the default socket path under it, no KUBETILE_* from outside. */
export interface Home {
  dir: string;
  socket: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function makeHome(): Home {
  const dir = mkdtempSync(join(tmpdir(), 'ktc-'));
  mkdirSync(join(dir, 'run'), { mode: 0o700 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    XDG_RUNTIME_DIR: join(dir, 'run'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_STATE_HOME: join(dir, 'state'),
    KUBECONFIG: join(dir, 'no-kubeconfig'),
    KUBETILE_DAEMON_MAIN: DAEMON_MAIN,
  };
  for (const k of ['KUBETILE_SOCKET', 'KUBETILE_CONFIG', 'KUBETILE_STATE_DIR', 'KUBETILE_CLIENT_LOG']) delete env[k];
  return {
    dir,
    socket: join(dir, 'run', 'kubetile', 'kubetile.sock'),
    env,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `kubetile <args>` (the built bin) and collects its output. */
export function kubetile(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT_MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubetile ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Kills whatever daemon answers in this home (best effort, for afterEach). */
export async function stopDaemon(home: Home): Promise<void> {
  if (!existsSync(home.socket)) return;
  await kubetile(['kill-server'], home.env).catch(() => undefined);
}

/** Polls until `check` returns a truthy value or stops throwing. */
export async function until<T>(label: string, check: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A terminal session: `kubetile` under `script` (a real PTY) with the output collected. */
export interface PtyRun {
  child: ChildProcess;
  output(): string;
  write(s: string): void;
  exited: Promise<number | null>;
}

export function runInPty(args: string[], env: NodeJS.ProcessEnv, size = { cols: 80, rows: 24 }): PtyRun {
  const cmd = `stty cols ${size.cols} rows ${size.rows}; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLIENT_MAIN)} ${args.map((a) => JSON.stringify(a)).join(' ')}`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => out, write: (s) => void child.stdin!.write(s), exited };
}

/** Strips escape sequences (for matching text in raw terminal output). */
export const plain = (s: string): string => s.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '').replace(/\x1b\][^\x07]*\x07/g, '');

/**
 * What a terminal of `size` shows after `out` (read by an emulator, @xterm/headless): its rows as
 * text. The client rewrites only the cells that change, so text on screen need not appear whole in
 * the raw output.
 */
export async function screenText(out: string, size = { cols: 80, rows: 24 }): Promise<string> {
  const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as { Terminal: typeof TerminalType };
  const term = new Terminal({ cols: size.cols, rows: size.rows, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(out, resolve));
  const b = term.buffer.active;
  const rows: string[] = [];
  for (let i = 0; i < size.rows; i++) rows.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
  term.dispose();
  return rows.join('\n');
}
