import { parseCli, UsageError } from './args.js';
import { runDaemonForeground, runDaemonStart, runDaemonStatus, runKillServer } from './daemon-command.js';
import { processIo, type Io } from './io.js';
import { runRpc, runRpcList } from './rpc-command.js';
import { runPluginNew } from './plugin-command.js';
import { runVersion } from './version-command.js';

/** Runs the `kubetile` command line; resolves with the exit code. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  let cmd;
  try {
    cmd = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kubetile: ${e.message}\nRun 'kubetile --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
  switch (cmd.kind) {
    case 'help':
      io.out(cmd.text);
      return 0;
    case 'version':
      return runVersion(io, cmd.socket);
    case 'rpc':
      return runRpc(io, cmd.socket, cmd.method, cmd.params);
    case 'rpc-list':
      return runRpcList(io, cmd.socket);
    case 'daemon-run':
      return runDaemonForeground(io, cmd);
    case 'daemon-start':
      return runDaemonStart(io, cmd);
    case 'daemon-status':
      return runDaemonStatus(io, cmd.socket, cmd.json);
    case 'kill-server':
      return runKillServer(io, cmd.socket);
    case 'plugin-new':
      return runPluginNew(io, cmd.name, cmd.dir);
    case 'attach': {
      // ink and react load only for the TUI, in React's production build (several times faster
      // per frame); a daemon this command starts gets the environment as it was.
      const env = { ...io.env };
      process.env.NODE_ENV ??= 'production';
      const { runAttach } = await import('./attach-command.js');
      return runAttach({ ...io, env }, cmd);
    }
  }
}
