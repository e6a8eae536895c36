import { spawn } from 'node:child_process';
import { Requests, resolveSocketPath } from '@kubetile/rpc-schema';
import { DaemonClient } from '../connection/daemon-client.js';
import { daemonArgv, daemonMainPath, DaemonStartError, probe, startDetached, waitUntilGone, type DaemonOptions } from '../connection/launcher.js';
import type { DaemonFlags } from './args.js';
import type { Io } from './io.js';
import { reportError } from './rpc-command.js';

export function daemonOptions(flags: DaemonFlags, env: NodeJS.ProcessEnv): DaemonOptions {
  return {
    socket: resolveSocketPath(flags.socket, env),
    ...(flags.config ? { config: flags.config } : {}),
    ...(flags.demo ? { demo: true } : {}),
    ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
  };
}

/** `kubetile daemon run`: the daemon in the foreground; signals forwarded; its exit code returned. */
export async function runDaemonForeground(io: Io, flags: DaemonFlags): Promise<number> {
  const o = daemonOptions(flags, io.env);
  let main: string;
  try {
    main = daemonMainPath(io.env);
  } catch (e) {
    io.err(`kubetile: cannot find the daemon (@kubetile/daemon/main): ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const child = spawn(process.execPath, [main, ...daemonArgv(o)], { stdio: 'inherit', env: io.env });
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (sig: NodeJS.Signals): void => {
    child.kill(sig);
  };
  for (const s of signals) process.on(s, forward);
  try {
    return await new Promise<number>((resolve) => {
      child.on('error', (e) => {
        io.err(`kubetile: could not run the daemon: ${e.message}\n`);
        resolve(1);
      });
      child.on('exit', (code, signal) => {
        if (signal) resolve(128 + (({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }) as Record<string, number>)[signal]! || 1);
        else resolve(code ?? 1);
      });
    });
  } finally {
    for (const s of signals) process.off(s, forward);
  }
}

/** `kubetile daemon start`: detached; returns once the socket answers. */
export async function runDaemonStart(io: Io, flags: DaemonFlags): Promise<number> {
  const o = daemonOptions(flags, io.env);
  try {
    const running = await probe(o.socket, 2000, io.env);
    if (running) {
      io.out(`kubetile: a daemon is already running (pid ${running.server.pid}) on ${o.socket}\n`);
      return 0;
    }
    const r = await startDetached(o, { env: io.env });
    io.out(`kubetile: daemon started (pid ${r.pid}) on ${o.socket}\n`);
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
  const socket = resolveSocketPath(socketFlag, io.env);
  let client: DaemonClient | null = null;
  try {
    client = await DaemonClient.connect(socket, { clientName: 'kubetile-status', env: io.env });
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
  } catch (e) {
    return reportError(io, e);
  } finally {
    client?.close();
  }
}

/** `kubetile kill-server`: daemon/shutdown, then wait until the socket stops answering. */
export async function runKillServer(io: Io, socketFlag: string | undefined): Promise<number> {
  const socket = resolveSocketPath(socketFlag, io.env);
  let client: DaemonClient;
  try {
    client = await DaemonClient.connect(socket, { clientName: 'kubetile-kill-server', env: io.env });
  } catch (e) {
    if (e instanceof Error && e.name === 'DaemonUnreachableError') {
      io.err(`kubetile: no daemon answers on ${socket}\n`);
      return 1;
    }
    return reportError(io, e);
  }
  const pid = client.hello?.server.pid;
  try {
    await client.request(Requests.shutdown, {});
  } catch (e) {
    // The daemon may close the connection before its answer arrives: that is a success too.
    if (!(e instanceof Error && e.name === 'ConnectionLostError')) {
      client.close();
      return reportError(io, e);
    }
  }
  client.close();
  const gone = await waitUntilGone(socket, 10_000);
  if (!gone) {
    io.err(`kubetile: the daemon (pid ${pid}) was asked to stop but still answers on ${socket}\n`);
    return 1;
  }
  io.out(`kubetile: daemon stopped (pid ${pid})\n`);
  return 0;
}
