import { parseArgs } from 'node:util';

/** A bad command line: the message names what is wrong; exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface DaemonFlags {
  socket?: string;
  config?: string;
  demo: boolean;
  stateDir?: string;
}

export type Command =
  | ({ kind: 'attach'; session?: string } & DaemonFlags)
  | { kind: 'rpc'; socket?: string; method: string; params: Record<string, unknown> }
  | { kind: 'rpc-list'; socket?: string }
  | ({ kind: 'daemon-run' } & DaemonFlags)
  | ({ kind: 'daemon-start' } & DaemonFlags)
  | { kind: 'daemon-status'; socket?: string; json: boolean }
  | { kind: 'kill-server'; socket?: string }
  | { kind: 'plugin-new'; name: string; dir: string }
  | { kind: 'help'; text: string }
  | { kind: 'version'; socket?: string };

export const USAGE = `kubetile — a keyboard-driven Kubernetes workspace for the terminal

Usage:
  kubetile [--session NAME] [--demo] [daemon flags]   attach (starts the daemon when none answers)
  kubetile rpc <method> [json-params]                  call a method, print the result as JSON
  kubetile rpc --list                                  list the methods (rpc/discover)
  kubetile daemon run [daemon flags]                   run the daemon in the foreground
  kubetile daemon start [daemon flags]                 start the daemon detached; returns when it answers
  kubetile daemon status [--json]                      show daemon/status
  kubetile daemon stop                                 same as kill-server
  kubetile kill-server                                 stop the daemon (its sessions and panes end)
  kubetile plugin new NAME [DIR]                       scaffold a plugin (AssemblyScript) in DIR (default NAME)

Options:
  --socket PATH      daemon socket (default: $KUBETILE_SOCKET, else $XDG_RUNTIME_DIR/kubetile/kubetile.sock)
  --session NAME     session to attach to (default: main)
  -h, --help         this help
  -V, --version      print the version

Daemon flags (passed to a daemon this command starts):
  --config PATH      config file (default: $KUBETILE_CONFIG, else ~/.config/kubetile/config.toml)
  --demo             use the built-in demo cluster
  --state-dir DIR    state and logs directory

In the TUI, keys go to the daemon's key bindings; Ctrl+Q detaches (the daemon and its panes live on).
`;

const OPTIONS = {
  socket: { type: 'string' },
  session: { type: 'string' },
  config: { type: 'string' },
  'state-dir': { type: 'string' },
  demo: { type: 'boolean' },
  list: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type OptName = keyof typeof OPTIONS;

/** Which options each command accepts (help and version are always accepted). */
const ALLOWED: Record<string, ReadonlySet<OptName>> = {
  attach: new Set(['socket', 'session', 'config', 'state-dir', 'demo']),
  rpc: new Set(['socket', 'list']),
  'daemon run': new Set(['socket', 'config', 'state-dir', 'demo']),
  'daemon start': new Set(['socket', 'config', 'state-dir', 'demo']),
  'daemon status': new Set(['socket', 'json']),
  'daemon stop': new Set(['socket']),
  'kill-server': new Set(['socket']),
  'plugin new': new Set([]),
};

function parseParams(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`json-params is not valid JSON (${e instanceof Error ? e.message : String(e)}): ${text}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new UsageError(`json-params must be a JSON object, like '{"paneId": 1}', not: ${text}`);
  }
  return v as Record<string, unknown>;
}

/** Parses the command line (without `node` and the script). Throws UsageError. */
export function parseCli(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // node's messages: "Unknown option '--foo'", "Option '--socket <value>' argument missing"
    throw new UsageError(msg.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  if (values.version) return { kind: 'version', ...(values.socket ? { socket: values.socket } : {}) };
  const [sub, ...rest] = positionals;
  let name: string;
  switch (sub) {
    case undefined:
    case 'attach':
      name = 'attach';
      if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}' (see kubetile --help)`);
      break;
    case 'rpc':
      name = 'rpc';
      break;
    case 'daemon': {
      const action = rest[0];
      if (action === undefined) throw new UsageError(`'kubetile daemon' needs an action: run, start, status or stop`);
      if (!['run', 'start', 'status', 'stop'].includes(action)) throw new UsageError(`unknown daemon action '${action}' (run, start, status, stop)`);
      if (rest.length > 1) throw new UsageError(`unexpected argument '${rest[1]}' after 'daemon ${action}'`);
      name = `daemon ${action}`;
      break;
    }
    case 'kill-server':
      name = 'kill-server';
      if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}' after 'kill-server'`);
      break;
    case 'plugin': {
      if (rest[0] !== 'new') throw new UsageError(rest[0] === undefined ? `'kubetile plugin' needs an action: new` : `unknown plugin action '${rest[0]}' (new)`);
      if (rest[1] === undefined) throw new UsageError(`'kubetile plugin new' needs a name, e.g. kubetile plugin new pod-counter`);
      if (rest.length > 3) throw new UsageError(`unexpected argument '${rest[3]}' after 'plugin new ${rest[1]} ${rest[2]}'`);
      name = 'plugin new';
      break;
    }
    case 'help':
      return { kind: 'help', text: USAGE };
    default:
      throw new UsageError(`unknown command '${sub}' (see kubetile --help)`);
  }
  if (values.help) return { kind: 'help', text: USAGE };
  const allowed = ALLOWED[name]!;
  for (const t of parsed.tokens ?? []) {
    if (t.kind === 'option' && !allowed.has(t.name as OptName) && t.name !== 'help' && t.name !== 'version') {
      throw new UsageError(`option '${t.rawName}' does not apply to '${name === 'attach' ? 'kubetile' : `kubetile ${name}`}'`);
    }
  }
  const socket = values.socket;
  const daemonFlags: DaemonFlags = {
    ...(socket !== undefined ? { socket } : {}),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values['state-dir'] !== undefined ? { stateDir: values['state-dir'] } : {}),
    demo: values.demo ?? false,
  };
  switch (name) {
    case 'attach':
      return { kind: 'attach', ...daemonFlags, ...(values.session !== undefined ? { session: values.session } : {}) };
    case 'rpc': {
      if (values.list) {
        if (rest.length > 0) throw new UsageError(`'kubetile rpc --list' takes no method (got '${rest[0]}')`);
        return { kind: 'rpc-list', socket };
      }
      const [method, params, extra] = rest;
      if (method === undefined) throw new UsageError(`'kubetile rpc' needs a method, e.g. kubetile rpc daemon/status (or --list)`);
      if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}': pass the params as one JSON object`);
      return { kind: 'rpc', socket, method, params: parseParams(params) };
    }
    case 'daemon run':
      return { kind: 'daemon-run', ...daemonFlags };
    case 'daemon start':
      return { kind: 'daemon-start', ...daemonFlags };
    case 'daemon status':
      return { kind: 'daemon-status', socket, json: values.json ?? false };
    case 'plugin new':
      return { kind: 'plugin-new', name: rest[1]!, dir: rest[2] ?? rest[1]! };
    default:
      return { kind: 'kill-server', socket };
  }
}
