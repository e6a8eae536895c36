import { parseArgs } from 'node:util';

export interface DaemonArgs {
  command: 'run' | 'help';
  socket?: string;
  config?: string;
  stateDir?: string;
  demo: boolean;
  /** `--readonly`: plugin writes are refused (as `readonly = true` in the config). */
  readonly?: boolean;
  logLevel?: string;
  logStderr: boolean;
}

export const USAGE = `usage: kubetiled run [--socket PATH] [--config PATH] [--state-dir DIR] [--demo] [--readonly] [--log-level LEVEL] [--log-stderr]

Runs the kubetile daemon in the foreground until SIGTERM, SIGINT or daemon/shutdown.`;

export class UsageError extends Error {}

export function parseDaemonArgs(argv: string[]): DaemonArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        socket: { type: 'string' },
        config: { type: 'string' },
        'state-dir': { type: 'string' },
        demo: { type: 'boolean', default: false },
        readonly: { type: 'boolean', default: false },
        'log-level': { type: 'string' },
        'log-stderr': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const cmd = positionals[0] ?? 'run';
  if (values.help || cmd === 'help') return { command: 'help', demo: false, logStderr: false };
  if (cmd !== 'run') throw new UsageError(`unknown command '${cmd}'`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  const levels = ['trace', 'debug', 'info', 'warn', 'error'];
  if (values['log-level'] !== undefined && !levels.includes(values['log-level'])) {
    throw new UsageError(`--log-level must be one of ${levels.join(', ')}, got '${values['log-level']}'`);
  }
  return {
    command: 'run',
    ...(values.socket !== undefined ? { socket: values.socket } : {}),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values['state-dir'] !== undefined ? { stateDir: values['state-dir'] } : {}),
    demo: values.demo ?? false,
    ...(values.readonly ? { readonly: true } : {}),
    ...(values['log-level'] !== undefined ? { logLevel: values['log-level'] } : {}),
    logStderr: values['log-stderr'] ?? false,
  };
}
