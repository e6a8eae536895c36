import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stateDir } from '@kubetile/rpc-schema/light';
import { DaemonClient, DaemonUnreachableError, UntrustedSocketError, type HelloResult } from './daemon-client.js';
import { LIGHT_CONTRACT } from './light-contract.js';

/** What a daemon is started with: `node <daemon main> run …`. */
export interface DaemonOptions {
  socket: string;
  config?: string;
  demo?: boolean;
  stateDir?: string;
  readonly?: boolean;
}

/**
 * The daemon's entry file: `KUBETILE_DAEMON_MAIN` when set (development, tests), else
 * `@kubetile/daemon/main` resolved from here. The client never imports daemon code; it runs it.
 */
export function daemonMainPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KUBETILE_DAEMON_MAIN) return resolve(env.KUBETILE_DAEMON_MAIN);
  return fileURLToPath(import.meta.resolve('@kubetile/daemon/main'));
}

export function daemonArgv(o: DaemonOptions): string[] {
  const argv = ['run', '--socket', o.socket];
  if (o.config) argv.push('--config', o.config);
  if (o.demo) argv.push('--demo');
  if (o.stateDir) argv.push('--state-dir', o.stateDir);
  if (o.readonly) argv.push('--readonly');
  return argv;
}

/** Where a detached daemon's stdout/stderr go. */
export function launchLogPath(o: Pick<DaemonOptions, 'stateDir'>, env: NodeJS.ProcessEnv = process.env): string {
  return join(o.stateDir ? resolve(o.stateDir) : stateDir(env), 'daemon-launch.log');
}

/**
 * The hello answer when a daemon answers on the socket, else null. RpcErrors (e.g. API level)
 * and UntrustedSocketError (the socket or its directory is not ours) are thrown.
 */
export async function probe(socket: string, timeoutMs = 2000, env: NodeJS.ProcessEnv = process.env): Promise<HelloResult | null> {
  try {
    const c = await DaemonClient.connect(socket, { timeoutMs, helloTimeoutMs: timeoutMs, clientName: 'kubetile-probe', env, contract: LIGHT_CONTRACT });
    const hello = c.hello;
    c.close();
    return hello;
  } catch (e) {
    if (e instanceof DaemonUnreachableError) return null;
    throw e;
  }
}

export class DaemonStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DaemonStartError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const LAUNCH_MARK = '--- kubetile daemon start';
/** Past this size the launch log is moved to `<file>.1` (replacing an older one) before a launch. */
const LAUNCH_LOG_MAX_BYTES = 1024 * 1024;

function rotateIfLarge(file: string, maxBytes: number): void {
  try {
    if (statSync(file).size > maxBytes) renameSync(file, `${file}.1`);
  } catch {
    /* no log yet */
  }
}

/** The end of this launch's part of the log (after the last start marker). */
function logTail(file: string, lines = 15): string {
  try {
    const text = readFileSync(file, 'utf8');
    const mark = text.lastIndexOf(LAUNCH_MARK);
    const mine = (mark >= 0 ? text.slice(text.indexOf('\n', mark) + 1) : text).trimEnd();
    return mine.split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export interface StartResult {
  pid: number;
  logFile: string;
  hello: HelloResult;
}

/**
 * Starts the daemon detached (its output appended to the launch log) and returns once it answers
 * daemon/hello on the socket. Fails early, with the log's tail, when the process exits first.
 */
export async function startDetached(o: DaemonOptions, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<StartResult> {
  // Loaded here, not with this module: an attach to a running daemon (the first frame's path) never spawns.
  const { spawn } = await import('node:child_process');
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const main = daemonMainPath(env);
  const logFile = launchLogPath(o, env);
  mkdirSync(join(logFile, '..'), { recursive: true, mode: 0o700 });
  rotateIfLarge(logFile, LAUNCH_LOG_MAX_BYTES);
  const fd = openSync(logFile, 'a', 0o600);
  writeSync(fd, `${LAUNCH_MARK} ${new Date().toISOString()} (${main} ${daemonArgv(o).join(' ')}) ---\n`);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  let pid: number;
  try {
    const child = spawn(process.execPath, [main, ...daemonArgv(o)], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env,
      cwd: '/',
    });
    child.on('error', (e) => (spawnError = e));
    child.on('exit', (code, signal) => (exited = { code, signal }));
    child.unref();
    pid = child.pid ?? -1;
  } finally {
    closeSync(fd);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hello = await probe(o.socket, 1000, env).catch((e: unknown) => {
      if (e instanceof UntrustedSocketError) throw e;
      throw new DaemonStartError(`the daemon on ${o.socket} refused us: ${e instanceof Error ? e.message : String(e)}`);
    });
    if (hello) return { pid: hello.server.pid, logFile, hello };
    const failed = spawnError as Error | null;
    if (failed) throw new DaemonStartError(`could not start the daemon (${main}): ${failed.message}`);
    const ex = exited as { code: number | null; signal: NodeJS.Signals | null } | null;
    if (ex) {
      const tail = logTail(logFile);
      throw new DaemonStartError(
        `the daemon exited (${ex.signal ?? `code ${ex.code}`}) before answering on ${o.socket}; see ${logFile}${tail ? `:\n${tail}` : ''}`,
      );
    }
    if (Date.now() > deadline) {
      throw new DaemonStartError(`the daemon (pid ${pid}) did not answer on ${o.socket} within ${Math.round(timeoutMs / 1000)} s; see ${logFile}`);
    }
    await sleep(100);
  }
}

/**
 * Waits (up to `timeoutMs`) until the daemon's process `pid` has ended (a socket systemd holds keeps
 * accepting), or without a pid until nothing accepts on the socket any more.
 */
export async function waitUntilGone(socket: string, timeoutMs = 5000, pid?: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // The pid first: a probe of a socket systemd holds would start the daemon again.
    if (pid !== undefined ? !processAlive(pid) : !(await socketAccepts(socket))) return true;
    await sleep(100);
  }
  return false;
}

/** True when something accepts a connection on the socket (a daemon, or systemd holding it). */
export function socketAccepts(socket: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ path: socket });
    const done = (ok: boolean): void => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(true), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Whether a process with this pid exists (signal 0) and has not exited: a daemon that has exited but
 * whose parent has not reaped it yet (a zombie: a script or test that spawned it and is blocked) is gone.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false; // no /proc (not Linux): signal 0 is all we have
  }
}
