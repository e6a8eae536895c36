import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DAEMON_MAIN = join(REPO_ROOT, 'packages/daemon/dist/main.js');
export const CLIENT_MAIN = join(REPO_ROOT, 'packages/client-tui/dist/main.js');

/** A temp home for one test: XDG dirs and a short socket path. */
export interface TestEnv {
  dir: string;
  socket: string;
  configFile: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function makeTestEnv(): TestEnv {
  // /tmp keeps the socket path well under the 107-byte limit.
  const dir = mkdtempSync(join(tmpdir(), 'kt-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    XDG_RUNTIME_DIR: join(dir, 'run'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_STATE_HOME: join(dir, 'state'),
    KUBECONFIG: join(dir, 'no-kubeconfig'),
  };
  delete env.KUBETILE_SOCKET;
  delete env.KUBETILE_CONFIG;
  return {
    dir,
    socket: join(dir, 'run', 'kubetile', 'kubetile.sock'),
    configFile: join(dir, 'config', 'kubetile', 'config.toml'),
    env,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Polls a condition until it holds or the deadline passes (then throws with the label). */
export async function waitFor<T>(label: string, probe: () => T | Promise<T>, timeoutMs = 20_000, everyMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface DaemonProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Starts `kubetiled run` as a real process and waits until its socket accepts connections. */
export async function startDaemon(env: TestEnv, extraArgs: string[] = [], opts: { wait?: boolean } = {}): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [DAEMON_MAIN, 'run', '--socket', env.socket, ...extraArgs], {
    env: env.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: DaemonProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  if (opts.wait !== false) {
    let gone = false;
    void exited.then(() => (gone = true));
    await waitFor('daemon socket', async () => {
      if (gone) throw new Error(`daemon exited early: ${err}`);
      return socketAccepts(env.socket);
    });
  }
  return proc;
}
