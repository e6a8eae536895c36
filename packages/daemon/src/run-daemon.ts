import { join, resolve } from 'node:path';
import { resolveConfigPath, resolveSocketPath, socketDirKind, stateDir } from '@kubetile/rpc-schema/paths';
import { parseDaemonArgs, USAGE, UsageError } from './cli/args.js';
import type { createLogger as CreateLogger } from './logging/logger.js';
import { SocketInUseError } from './rpc/socket-listener.js';
import { listenEarly, type EarlyListener } from './rpc/early-listener.js';
import { errorMessage } from './util/error-message.js';
import { HeapGrowth } from './runtime/heap-growth.js';
import { lockStateDir } from './state/state-lock.js';
import { pluginInstancesCap } from './plugins/instance-budget.js';
import { loginTimeoutMs } from './kube/credential-login.js';

/** The variables systemd's socket activation sets; read once, then removed so no child misreads them. */
const ACTIVATION_VARS = ['LISTEN_PID', 'LISTEN_FDS', 'LISTEN_FDNAMES'] as const;

/**
 * Runs the daemon in this process until it stops (SIGTERM, SIGINT, SIGHUP or daemon/shutdown) and
 * resolves with the exit code: `kubetiled run` and `kubetile daemon run` both come here, so a
 * socket systemd passes (LISTEN_FDS, LISTEN_PID = this process, fd 3) is served by whichever was
 * started. Only node's own modules and the paths load before the socket listens; the daemon loads
 * after, with connections that arrive meanwhile held until it is ready.
 */
export async function runDaemon(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseDaemonArgs([...argv]);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kubetiled: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (args.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const askedPath = resolveSocketPath(args.socket);
  const state = args.stateDir ? resolve(args.stateDir) : stateDir();
  const logOpts: Parameters<typeof CreateLogger>[0] = { file: join(state, 'kubetiled.log'), level: args.logLevel ?? 'info', stderr: args.logStderr };
  // The logger (pino: ~40% of what loads before the socket) is made once the socket listens.
  const makeLog = async (): Promise<ReturnType<typeof CreateLogger>> => (await import('./logging/logger.js')).createLogger(logOpts);
  /** A start that cannot go on, before the daemon exists: said on stderr and in the log; the exit code. */
  const notStarted = async (err: unknown, code: number): Promise<number> => {
    const msg = errorMessage(err);
    process.stderr.write(`kubetiled: ${msg}\n`);
    const log = await makeLog();
    log.logger.error({ err: msg }, 'daemon failed to start');
    log.flush();
    return code;
  };
  // Signals are ours before the socket listens: one that arrives while the daemon still loads stops it
  // as soon as it exists (without a handler the process died at once: clients not told, socket left).
  let daemonRef: { shutdown(reason: string): void } | null = null;
  let pendingStop: string | null = null;
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (daemonRef) daemonRef.shutdown(`signal ${sig}`);
      else pendingStop ??= `signal ${sig}`;
    });
  }
  // The environment's settings are checked before anything listens: a bad one stops the start with
  // its reason (checked later, the socket had accepted clients that were then dropped unanswered).
  try {
    pluginInstancesCap();
    loginTimeoutMs();
  } catch (err) {
    return notStarted(err, 1);
  }
  // Listen before loading the rest of the daemon: the socket accepts within a moment of the spawn,
  // and a second daemon is refused before it loads anything.
  let early: EarlyListener;
  try {
    early = await listenEarly(askedPath, { privateDir: socketDirKind(askedPath) === 'private' });
  } catch (err) {
    return notStarted(err, err instanceof SocketInUseError ? 3 : 1);
  } finally {
    for (const v of ACTIVATION_VARS) delete process.env[v];
  }
  // Where clients reach it: systemd's socket when one was passed (the daemon reports and logs it).
  const socketPath = early.path;
  const privateSocketDir = socketDirKind(socketPath) === 'private';
  // One daemon per state directory (a second one on another socket would save over this one's sessions).
  let release: () => void;
  try {
    release = await lockStateDir(state, socketPath);
  } catch (err) {
    await early.listening.close().catch(() => undefined);
    return notStarted(err, 1);
  }
  process.once('exit', release);
  const log = await makeLog();
  const { Daemon } = await import('./daemon.js');
  const daemon = new Daemon({
    early,
    socketPath,
    privateSocketDir,
    configPath: resolveConfigPath(args.config),
    stateDir: state,
    logger: log.logger,
    logRing: log.ring,
    ...(args.readonly ? { readonly: true } : {}),
    demo: args.demo ? true : process.env.KUBETILE_DEMO === 'auto' ? 'auto' : process.env.KUBETILE_DEMO === '1' ? true : false,
  });
  const { persistForwards } = await import('./forwards/forward-persistence.js');
  persistForwards(daemon);
  process.on('uncaughtException', (err) => log.logger.error({ err: errorMessage(err), stack: err.stack }, 'uncaught exception (daemon keeps running)'));
  process.on('unhandledRejection', (err) => log.logger.error({ err: errorMessage(err) }, 'unhandled rejection (daemon keeps running)'));
  // Subscribed before start: a kill-server that arrives while start() is still loading (the socket listens
  // first) stops the daemon before start() returns, and its exit must not be missed.
  const done = new Promise<number>((resolveExit) => daemon.stopped.subscribe(() => resolveExit(0)));
  daemonRef = daemon;
  const starting = daemon.start();
  if (pendingStop !== null) daemon.shutdown(pendingStop);
  try {
    await starting;
  } catch (err) {
    const msg = errorMessage(err);
    process.stderr.write(`kubetiled: ${msg}\n`);
    log.logger.error({ err: msg }, 'daemon failed to start');
    log.flush();
    release();
    return err instanceof SocketInUseError ? 3 : 1;
  }
  // The process's heap, not one daemon's: capped here, where the process is ours (tests that make a
  // Daemon in their own process keep V8's defaults).
  const heap = new HeapGrowth().start();
  const code = await done;
  heap.stop();
  release();
  log.flush();
  return code;
}
