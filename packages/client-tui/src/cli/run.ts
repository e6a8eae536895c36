import { parseCli, UsageError } from './args.js';
import { shortMessage } from './short-message.js';
import { processIo, type Io } from './io.js';

// Each command loads only what it uses (the schema with zod, the SDK, ink): starting is most of
// what a short command costs, and the TUI's first frame waits for nothing it does not draw.
const daemonCommands = (): Promise<typeof import('./daemon-command.js')> => import('./daemon-command.js');
const rpcCommands = (): Promise<typeof import('./rpc-command.js')> => import('./rpc-command.js');

/** Runs the `kubetile` command line; resolves with the exit code. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  let cmd;
  try {
    cmd = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kubetile: ${shortMessage(e.message)}\nRun 'kubetile --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
  switch (cmd.kind) {
    case 'help':
      io.out(cmd.text);
      return 0;
    case 'version':
      return (await import('./version-command.js')).runVersion(io, cmd.socket, cmd.json ?? false);
    case 'rpc':
      return (await rpcCommands()).runRpc(io, cmd);
    case 'rpc-list':
      return (await rpcCommands()).runRpcList(io, cmd.socket, cmd.json ?? false);
    case 'daemon-run':
      return (await daemonCommands()).runDaemonForeground(io, cmd);
    case 'daemon-start':
      return (await daemonCommands()).runDaemonStart(io, cmd);
    case 'daemon-restart':
      return (await daemonCommands()).runDaemonRestart(io, cmd);
    case 'daemon-status':
      return (await daemonCommands()).runDaemonStatus(io, cmd.socket, cmd.json);
    case 'daemon-install-units': {
      const { runInstallUnits } = await import('./install-units-command.js');
      return runInstallUnits(io, cmd);
    }
    case 'kill-server':
      return (await daemonCommands()).runKillServer(io, cmd.socket, cmd.json ?? false);
    case 'kill-session': {
      const { runKillSession } = await import('./kill-session-command.js');
      return runKillSession(io, cmd.socket, cmd.session, cmd.json);
    }
    case 'open': {
      const { runOpen } = await import('./open-command.js');
      return runOpen(io, cmd);
    }
    case 'snapshot': {
      const { runSnapshot } = await import('./snapshot-command.js');
      return runSnapshot(io, cmd);
    }
    case 'keys': {
      const { runKeys } = await import('./keys-command.js');
      return runKeys(io, cmd);
    }
    case 'pf-list': {
      const { runPfList } = await import('./pf-command.js');
      return runPfList(io, cmd.socket, cmd.json);
    }
    case 'pf-start': {
      const { runPfStart } = await import('./pf-command.js');
      return runPfStart(io, cmd);
    }
    case 'pf-stop': {
      const { runPfStop } = await import('./pf-command.js');
      return runPfStop(io, cmd.socket, cmd.ids, cmd.json);
    }
    case 'plugins-list': {
      const { runPluginsList } = await import('./plugins-command.js');
      return runPluginsList(io, cmd.socket, cmd.json);
    }
    case 'plugins-reload': {
      const { runPluginsReload } = await import('./plugins-command.js');
      return runPluginsReload(io, cmd.socket, cmd.key, cmd.json);
    }
    case 'plugin-new':
      return (await import('./plugin-command.js')).runPluginNew(io, cmd.name, cmd.dir, cmd.json ?? false);
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
