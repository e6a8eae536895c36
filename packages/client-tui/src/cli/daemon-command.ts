import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Requests, resolveSocketPath } from '@kubetile/rpc-schema';
import { ApiMismatchError, DaemonClient, DaemonUnreachableError } from '../connection/daemon-client.js';
import { daemonArgv, daemonMainPath, DaemonStartError, probe, waitUntilGone, type DaemonOptions } from '../connection/launcher.js';
import { startOrJoin } from './start-or-join.js';
import type { DaemonFlags } from './args.js';
import type { Io } from './io.js';
import { reportError, withScriptClient } from './rpc-command.js';

export function daemonOptions(flags: DaemonFlags, env: NodeJS.ProcessEnv): DaemonOptions {
  return {
    socket: resolveSocketPath(flags.socket, env),
    ...(flags.config ? { config: flags.config } : {}),
    ...(flags.demo ? { demo: true } : {}),
    ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
    ...(flags.readonly ? { readonly: true } : {}),
  };
}

type RunDaemon = (argv: readonly string[]) => Promise<number>;

/**
 * The daemon's `runDaemon`, loaded from beside its entry file (the client never imports daemon code
 * statically: the daemon loads only when this process becomes one).
 */
async function loadRunDaemon(env: NodeJS.ProcessEnv): Promise<RunDaemon> {
  const file = join(dirname(daemonMainPath(env)), 'run-daemon.js');
  const mod: unknown = await import(pathToFileURL(file).href);
  const fn = typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>).runDaemon : undefined;
  if (typeof fn !== 'function') throw new Error(`${file} has no runDaemon export`);
  return fn as RunDaemon;
}

/**
 * `kubetile daemon run`: the daemon in the foreground, in this very process — so a socket systemd
 * passes (LISTEN_FDS with LISTEN_PID = this pid, fd 3) is served, and signals reach it directly.
 */
export async function runDaemonForeground(io: Io, flags: DaemonFlags & { json?: boolean }): Promise<number> {
  const o = daemonOptions(flags, io.env);
  let runDaemon: RunDaemon;
  try {
    runDaemon = await loadRunDaemon(io.env);
  } catch (e) {
    io.err(`kubetile: cannot find the daemon (@kubetile/daemon): ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  // --json: the daemon's output is its log; its lines (JSON already) go to stderr as well as the file.
  return runDaemon([...daemonArgv(o), ...(flags.json ? ['--log-stderr'] : [])]);
}

/** `kubetile daemon start`: detached; returns once the socket answers. */
export async function runDaemonStart(io: Io, flags: DaemonFlags & { json?: boolean }): Promise<number> {
  const o = daemonOptions(flags, io.env);
  try {
    const running = await probe(o.socket, 2000, io.env);
    if (running) {
      if (flags.json) io.out(`${JSON.stringify({ started: false, pid: running.server.pid, socket: o.socket })}\n`);
      else io.out(`kubetile: a daemon is already running (pid ${running.server.pid}) on ${o.socket}\n`);
      return 0;
    }
    const r = await startOrJoin(o, io.env);
    if (r.joined) {
      // Another command started one at the same moment: it runs, as asked.
      if (flags.json) io.out(`${JSON.stringify({ started: false, pid: r.pid, socket: o.socket })}\n`);
      else io.out(`kubetile: a daemon is already running (pid ${r.pid}) on ${o.socket}\n`);
      return 0;
    }
    if (flags.json) io.out(`${JSON.stringify({ started: true, pid: r.pid, socket: o.socket })}\n`);
    else io.out(`kubetile: daemon started (pid ${r.pid}) on ${o.socket}\n`);
    return 0;
  } catch (e) {
    if (e instanceof DaemonStartError) {
      io.err(`kubetile: ${e.message}\n`);
      return 1;
    }
    return reportError(io, e);
  }
}

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function duration(seconds: number): string {
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', `${s % 60}s`].filter(Boolean).join(' ');
}

/** `kubetile daemon status`. */
export async function runDaemonStatus(io: Io, socketFlag: string | undefined, json: boolean): Promise<number> {
  return withScriptClient(io, socketFlag, 'kubetile-status', async (client) => {
    const s = await client.request(Requests.status, {});
    if (json) {
      io.out(`${JSON.stringify(s, null, 2)}\n`);
      return 0;
    }
    const rows: Array<[string, string]> = [
      ['pid', String(s.pid)],
      ['version', s.version],
      ['socket', s.socket],
      ['uptime', duration(s.uptimeSeconds)],
      ['sessions', String(s.sessions)],
      ['clients', String(s.clients)],
      ['panes', String(s.panes)],
      ['plugins', String(s.plugins)],
      ['watches', String(s.watches)],
      ['port-forwards', String(s.portForwards)],
      ['memory', `rss ${mib(s.memory.rss)}, heap ${mib(s.memory.heapUsed)}`],
    ];
    for (const [k, v] of rows) io.out(`${k.padEnd(14)} ${v}\n`);
    return 0;
  });
}

/**
 * A connection good enough to stop the daemon, whatever its API level: daemon/hello and
 * daemon/shutdown never change across levels, so a daemon that refused ours is asked again at its own.
 */
async function connectToStop(socket: string, env: NodeJS.ProcessEnv): Promise<DaemonClient> {
  try {
    return await DaemonClient.connect(socket, { clientName: 'kubetile-kill-server', env });
  } catch (e) {
    if (!(e instanceof ApiMismatchError) || e.daemonRange === null) throw e;
    return DaemonClient.connect(socket, { clientName: 'kubetile-kill-server', env, apiLevel: e.daemonRange.max });
  }
}

/** How a daemon was started (daemon/status `startedWith`), or null from a daemon that does not say. */
type StartedWith = { demo: boolean | 'auto'; readonlyFlag: boolean; config: string; stateDir: string } | null;

type Stopped = { ok: true; pid: number | null; startedWith: StartedWith } | { ok: false; code: number };

/** daemon/shutdown, then wait until the daemon's process has gone (or, without its pid, its socket). */
async function stopDaemon(io: Io, socket: string, what: 'stop' | 'restart'): Promise<Stopped> {
  let client: DaemonClient;
  try {
    client = await connectToStop(socket, io.env);
  } catch (e) {
    if (e instanceof DaemonUnreachableError && e.nobodyListens) {
      io.err(`kubetile: no daemon answers on ${socket}\n`);
      return { ok: false, code: 1 };
    }
    return { ok: false, code: reportError(io, e) };
  }
  const pid = client.hello?.server.pid ?? null;
  // A restart starts the next daemon the way this one was started (the demo, --readonly, its config and state).
  const startedWith: StartedWith = what === 'restart' ? await client.request(Requests.status, {}).then((st) => st.startedWith ?? null, () => null) : null;
  try {
    try {
      // restart: attached clients wait for the next daemon instead of leaving.
      await client.request(Requests.shutdown, what === 'restart' ? { restart: true } : {});
    } catch (e) {
      // A daemon from before `restart` existed refuses the param (-32602): stop it the old way.
      if (what === 'restart' && (e as { code?: unknown }).code === -32602) await client.request(Requests.shutdown, {});
      else throw e;
    }
  } catch (e) {
    // The daemon may close the connection before its answer arrives: that is a success too.
    if (!(e instanceof Error && e.name === 'ConnectionLostError')) {
      client.close();
      return { ok: false, code: reportError(io, e) };
    }
  }
  client.close();
  const gone = await waitUntilGone(socket, 15_000, pid ?? undefined);
  if (!gone) {
    io.err(`kubetile: the daemon (pid ${pid}) was asked to ${what} but is still running on ${socket}\n`);
    return { ok: false, code: 1 };
  }
  return { ok: true, pid, startedWith };
}

/** `kubetile kill-server`: daemon/shutdown, then wait until the daemon has gone. */
export async function runKillServer(io: Io, socketFlag: string | undefined, json = false): Promise<number> {
  const socket = resolveSocketPath(socketFlag, io.env);
  const r = await stopDaemon(io, socket, 'stop');
  if (!r.ok) return r.code;
  if (json) io.out(`${JSON.stringify({ stopped: true, pid: r.pid, socket })}\n`);
  else io.out(`kubetile: daemon stopped (pid ${r.pid})\n`);
  return 0;
}

/**
 * `kubetile daemon restart`: stop the daemon (its sessions and port-forwards are saved) and start
 * this version's (they come back). Works on a daemon of another API level too. A daemon that is not
 * running is just started; under systemd the socket starts it again itself.
 */
export async function runDaemonRestart(io: Io, flags: DaemonFlags & { json?: boolean }): Promise<number> {
  let o = daemonOptions(flags, io.env);
  let env = io.env;
  const r = await stopDaemon({ ...io, err: () => undefined }, o.socket, 'restart');
  let oldPid: number | null = null;
  /** What the next daemon keeps of the last one's start (flags given now win). */
  const kept: string[] = [];
  if (r.ok) {
    oldPid = r.pid;
    const w = r.startedWith;
    if (w) {
      if (!flags.demo && w.demo === true) kept.push('--demo');
      if (!flags.demo && w.demo === 'auto' && env.KUBETILE_DEMO !== 'auto') {
        env = { ...env, KUBETILE_DEMO: 'auto' };
        kept.push('the demo cluster when there is no kubeconfig');
      }
      if (!flags.readonly && w.readonlyFlag) kept.push('--readonly');
      if (flags.config === undefined) o = { ...o, config: w.config };
      if (flags.stateDir === undefined) o = { ...o, stateDir: w.stateDir };
      o = { ...o, ...(kept.includes('--demo') ? { demo: true } : {}), ...(kept.includes('--readonly') ? { readonly: true } : {}) };
    }
  }
  else {
    // Say why it could not be stopped, unless nothing was running (then starting is all there is to do).
    const again = await probe(o.socket, 2000, io.env).catch((e: unknown) => e);
    if (again !== null) {
      io.err(`kubetile: could not stop the daemon on ${o.socket}${again instanceof Error ? `: ${again.message}` : ''}\n`);
      return 1;
    }
  }
  try {
    // A socket systemd holds answers by itself (it starts the service on this very probe).
    const running = await probe(o.socket, 20_000, env);
    const started = running ?? (await startOrJoin(o, env)).hello;
    const pid = started.server.pid;
    const asBefore = kept.length ? ` (as it was started: ${kept.join(', ')})` : '';
    if (flags.json) io.out(`${JSON.stringify({ stopped: oldPid, started: pid, version: started.server.version, socket: o.socket, kept })}\n`);
    else io.out(`kubetile: daemon ${oldPid !== null ? `restarted (pid ${oldPid} → ${pid})` : `started (pid ${pid})`}, kubetile ${started.server.version} on ${o.socket}${asBefore}\n`);
    return 0;
  } catch (e) {
    if (e instanceof DaemonStartError) {
      io.err(`kubetile: ${e.message}\n`);
      return 1;
    }
    return reportError(io, e);
  }
}
