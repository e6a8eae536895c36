import { parseArgs } from 'node:util';
import { dottedPath, firstLeafAt, normalizeKey } from '@kubetile/rpc-schema/light';

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
  /** `--readonly`: the daemon refuses plugin writes. */
  readonly?: boolean;
}

export interface Size {
  cols: number;
  rows: number;
}

/** Where scripting commands act: the socket, and the session (default: main). */
interface Target {
  socket?: string;
  session?: string;
}

export type SnapshotFormat = 'text' | 'json';

export type Command =
  | ({ kind: 'attach'; session?: string } & DaemonFlags)
  | {
      kind: 'rpc';
      socket?: string;
      method: string;
      params: Record<string, unknown>;
      /** Notifications to stream as JSON lines after the call, until interrupted. */
      watch?: string[];
      session?: string;
      pane?: number;
      size?: Size;
    }
  | { kind: 'rpc-list'; socket?: string; json?: boolean }
  | ({ kind: 'daemon-run'; json?: boolean } & DaemonFlags)
  | ({ kind: 'daemon-start'; json?: boolean } & DaemonFlags)
  | ({ kind: 'daemon-restart'; json?: boolean } & DaemonFlags)
  | { kind: 'daemon-status'; socket?: string; json: boolean }
  | { kind: 'daemon-install-units'; enable: boolean; dir?: string; json?: boolean }
  | { kind: 'kill-server'; socket?: string; json?: boolean }
  | { kind: 'kill-session'; socket?: string; session: string; json: boolean }
  | ({ kind: 'open'; view: string; namespace?: string; context?: string; split: boolean; json: boolean } & Target)
  | { kind: 'snapshot'; socket?: string; paneId: number; format: SnapshotFormat; size?: Partial<Size>; timeoutMs: number }
  | ({ kind: 'keys'; keys: string[]; pane?: number; json: boolean; size?: Size } & Target)
  | { kind: 'pf-list'; socket?: string; json: boolean }
  | { kind: 'pf-start'; socket?: string; target: string; ports?: string; namespace?: string; context?: string; json: boolean }
  | { kind: 'pf-stop'; socket?: string; ids: string[]; json: boolean }
  | { kind: 'plugins-list'; socket?: string; json: boolean }
  | { kind: 'plugins-reload'; socket?: string; key: string; json: boolean }
  | { kind: 'plugin-new'; name: string; dir: string; json?: boolean }
  | { kind: 'help'; text: string }
  | { kind: 'version'; socket?: string; json?: boolean };

export const USAGE = `kubetile — a keyboard-driven Kubernetes workspace for the terminal

Usage:
  kubetile [--session NAME] [--demo] [daemon flags]   attach (starts the daemon when none answers)

Scripting (every command takes --json; errors go to stderr with a non-zero status):
  kubetile rpc <method> [json-params]                  call a method, print the result as JSON
  kubetile rpc <method> [json-params] --watch NOTIFICATION [--watch …] [--pane ID]
                                                       then stream those notifications as JSON lines
                                                       until interrupted (e.g. --watch pane/view)
  kubetile rpc --list                                  list the methods (rpc/discover)
  kubetile open VIEW [--namespace N] [--context C] [--split]
                                                       open a pane (pods, deployments, help, a plugin…)
                                                       in a new tab, or --split the focused pane; prints its id
  kubetile snapshot PANE [--format text|json] [--rows N] [--cols N]
                                                       what a pane shows: a table as aligned columns,
                                                       lines as lines
  kubetile keys KEY… [--pane ID]                       send keys to the session as a client would
  kubetile pf list                                     the daemon's port-forwards
  kubetile pf start TARGET [[LOCAL:]REMOTE] --namespace N [--context C]
                                                       forward a port (TARGET: pod/NAME, svc/NAME, deploy/NAME,
                                                       sts/NAME, rs/NAME, ds/NAME; REMOTE: a number or a port's
                                                       name, like 8080:http; a bare PORT: the same port
                                                       locally, as kubectl; :REMOTE: any free local port)
  kubetile pf stop ID…                                 stop port-forwards
  kubetile plugins [reload KEY]                        list plugins, or reload one from its file

Daemon:
  kubetile daemon run [daemon flags] [--json]          run the daemon in the foreground (serves a socket
                                                       systemd passes, LISTEN_FDS); --json: its log
                                                       as JSON lines on stderr too
  kubetile daemon start [daemon flags]                 start the daemon detached; returns when it answers
  kubetile daemon restart [daemon flags]               stop and start it (sessions and port-forwards come back),
                                                       with the flags it was started with unless given again
  kubetile daemon status [--json]                      show daemon/status
  kubetile daemon stop                                 same as kill-server
  kubetile daemon install-units [--no-enable] [--dir DIR]
                                                       write systemd user units (socket activation) that
                                                       run this kubetile, and enable the socket
  kubetile kill-server                                 stop the daemon (sessions are saved and come back)
  kubetile kill-session NAME                           end a session: its tabs and panes close, it is not
                                                       saved, its terminals leave (tmux's kill-session)
  kubetile plugin new NAME [DIR] [--json]              scaffold a plugin (AssemblyScript) in DIR (default NAME)

Options:
  --socket PATH      daemon socket (default: $KUBETILE_SOCKET, else $XDG_RUNTIME_DIR/kubetile/kubetile.sock)
  --session NAME     session to attach to or act on (default: main)
  --json             machine-readable output
  -h, --help         this help
  -V, --version      print the version (and the daemon's)

Daemon flags (passed to a daemon this command starts):
  --config PATH      config file (default: $KUBETILE_CONFIG, else ~/.config/kubetile/config.toml)
  --demo             use the built-in demo cluster
  --state-dir DIR    state and logs directory
  --readonly         read-only: no delete, scale, edit, exec, plugin write… (as readonly = true in the config)

In the TUI, keys go to the daemon's key bindings; Ctrl+Q detaches (the daemon and its panes live on).
`;

const OPTIONS = {
  socket: { type: 'string' },
  session: { type: 'string' },
  config: { type: 'string' },
  'state-dir': { type: 'string' },
  demo: { type: 'boolean' },
  readonly: { type: 'boolean' },
  list: { type: 'boolean' },
  json: { type: 'boolean' },
  watch: { type: 'string', multiple: true },
  pane: { type: 'string' },
  cols: { type: 'string' },
  rows: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  context: { type: 'string' },
  split: { type: 'boolean' },
  format: { type: 'string' },
  timeout: { type: 'string' },
  'no-enable': { type: 'boolean' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type OptName = keyof typeof OPTIONS;

const DAEMON = ['socket', 'config', 'state-dir', 'demo', 'readonly'] as const;

/** Which options each command accepts (help and version are always accepted). */
const ALLOWED: Record<string, ReadonlySet<OptName>> = {
  attach: new Set(['session', ...DAEMON]),
  rpc: new Set(['socket', 'list', 'json', 'watch', 'pane', 'session', 'cols', 'rows']),
  'daemon run': new Set([...DAEMON, 'json']),
  'daemon start': new Set([...DAEMON, 'json']),
  'daemon restart': new Set([...DAEMON, 'json']),
  'daemon status': new Set(['socket', 'json']),
  'daemon stop': new Set(['socket', 'json']),
  'daemon install-units': new Set(['no-enable', 'dir', 'json']),
  'kill-server': new Set(['socket', 'json']),
  'kill-session': new Set(['socket', 'json']),
  open: new Set(['socket', 'session', 'namespace', 'context', 'split', 'json']),
  snapshot: new Set(['socket', 'format', 'json', 'rows', 'cols', 'timeout']),
  keys: new Set(['socket', 'session', 'pane', 'json', 'cols', 'rows']),
  'pf list': new Set(['socket', 'json']),
  'pf start': new Set(['socket', 'namespace', 'context', 'json']),
  'pf stop': new Set(['socket', 'json']),
  plugins: new Set(['socket', 'json']),
  'plugins reload': new Set(['socket', 'json']),
  'plugin new': new Set(['json']),
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
  const huge = nonFiniteAt(v);
  if (huge !== null) throw new UsageError(`json-params: ${huge.path} is too large a number for JSON to carry (it reads as ${huge.value}, and would reach the daemon as null)`);
  return v as Record<string, unknown>;
}

/** How deep the daemon takes params (rpc-schema's MAX_PARAMS_DEPTH; the light entry point does not carry it). */
const PARAMS_DEPTH = 64;

/** The first number JSON.parse could not hold (1e400 is Infinity) in `v`, with its path; null if none. */
function nonFiniteAt(v: unknown): { path: string; value: string } | null {
  let value = '';
  const notFinite = (x: unknown): boolean => typeof x === 'number' && !Number.isFinite(x) && ((value = String(x)), true);
  // Deeper than the daemon takes: it refuses the params by name, whatever they hold.
  const at = firstLeafAt(v, notFinite, PARAMS_DEPTH);
  return at === null ? null : { path: dottedPath(at, ''), value };
}

/** A whole number in [min, max] given as text (an option's value or an argument). */
function wholeNumber(what: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${what} must be a whole number from ${min} to ${max}, not '${text}'`);
  return n;
}

/** Notification names are like `pane/view` or `toast`: letters, digits, `/`, `-`, or `*` for all. */
const NOTIFICATION_NAME = /^(\*|[a-z][A-Za-z0-9-]*(\/[a-z][A-Za-z0-9-]*)?)$/;

/** Expects at most `max` arguments after the command's words; names the first extra one. */
function noMoreThan(rest: readonly string[], max: number, after: string): void {
  if (rest.length > max) throw new UsageError(`unexpected argument '${rest[max]}' after '${after}'`);
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
  // An empty path would quietly mean the default socket (or config, or state directory).
  for (const flag of ['socket', 'config', 'state-dir'] as const) {
    if (values[flag] === '') throw new UsageError(`--${flag} needs a path, not an empty one`);
  }
  if (values.version) return { kind: 'version', ...(values.socket ? { socket: values.socket } : {}), ...(values.json ? { json: true } : {}) };
  const [sub, ...all] = positionals;
  let rest = all;
  let name: string;
  switch (sub) {
    case undefined:
    case 'attach':
      name = 'attach';
      noMoreThan(rest, 0, sub ?? 'kubetile');
      break;
    case 'rpc':
    case 'open':
    case 'snapshot':
    case 'keys':
      name = sub;
      break;
    case 'daemon': {
      const action = rest[0];
      const actions = ['run', 'start', 'restart', 'status', 'stop', 'install-units'];
      if (action === undefined && values.help) return { kind: 'help', text: USAGE };
      if (action === undefined) throw new UsageError(`'kubetile daemon' needs an action: ${actions.join(', ')}`);
      if (!actions.includes(action)) throw new UsageError(`unknown daemon action '${action}' (${actions.join(', ')})`);
      noMoreThan(rest, 1, `daemon ${action}`);
      name = `daemon ${action}`;
      break;
    }
    case 'kill-server':
      name = 'kill-server';
      noMoreThan(rest, 0, 'kill-server');
      break;
    case 'kill-session':
      name = 'kill-session';
      if (rest[0] === undefined) throw new UsageError(`'kubetile kill-session' needs a session name (kubetile rpc session/list shows them)`);
      noMoreThan(rest, 1, 'kill-session');
      break;
    case 'pf': {
      const action = rest[0];
      if (action === undefined && values.help) return { kind: 'help', text: USAGE };
      if (action === undefined || !['list', 'start', 'stop'].includes(action)) {
        throw new UsageError(action === undefined ? `'kubetile pf' needs an action: list, start or stop` : `unknown pf action '${action}' (list, start, stop)`);
      }
      name = `pf ${action}`;
      rest = rest.slice(1);
      break;
    }
    case 'plugins':
      if (rest[0] === undefined) name = 'plugins';
      else if (rest[0] === 'reload') {
        name = 'plugins reload';
        rest = rest.slice(1);
      } else throw new UsageError(`unknown plugins action '${rest[0]}' (reload KEY; or no action to list them)`);
      break;
    case 'plugin': {
      if (rest[0] === undefined && values.help) return { kind: 'help', text: USAGE };
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
  const json = values.json ?? false;
  const sessionOpt = values.session !== undefined ? { session: values.session } : {};
  const daemonFlags: DaemonFlags = {
    ...(socket !== undefined ? { socket } : {}),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values['state-dir'] !== undefined ? { stateDir: values['state-dir'] } : {}),
    demo: values.demo ?? false,
    ...(values.readonly ? { readonly: true } : {}),
  };
  const jsonOpt = json ? { json: true } : {};
  const cols = values.cols !== undefined ? wholeNumber('--cols', values.cols, 1, 1000) : undefined;
  const rows = values.rows !== undefined ? wholeNumber('--rows', values.rows, 1, 10000) : undefined;
  const pane = values.pane !== undefined ? wholeNumber('--pane', values.pane, 1, 2 ** 31) : undefined;
  const size = (defaults: Size): Size | undefined =>
    cols === undefined && rows === undefined ? undefined : { cols: cols ?? defaults.cols, rows: Math.min(rows ?? defaults.rows, 1000) };
  switch (name) {
    case 'attach':
      return { kind: 'attach', ...daemonFlags, ...sessionOpt };
    case 'rpc': {
      if (values.list) {
        noMoreThan(rest, 0, 'rpc --list');
        return { kind: 'rpc-list', socket, ...jsonOpt };
      }
      const [method, params, extra] = rest;
      if (method === undefined) throw new UsageError(`'kubetile rpc' needs a method, e.g. kubetile rpc daemon/status (or --list)`);
      if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}': pass the params as one JSON object`);
      const watch = values.watch ?? [];
      for (const w of watch) if (!NOTIFICATION_NAME.test(w)) throw new UsageError(`--watch takes a notification name like pane/view or toast (or * for all), not '${w}'`);
      if (watch.length === 0) {
        for (const o of ['pane', 'session', 'cols', 'rows'] as const) if (values[o] !== undefined) throw new UsageError(`--${o} applies only with --watch`);
      }
      const sz = size({ cols: 120, rows: 40 });
      return {
        kind: 'rpc',
        socket,
        method,
        params: parseParams(params),
        ...(watch.length ? { watch } : {}),
        ...sessionOpt,
        ...(pane !== undefined ? { pane } : {}),
        ...(sz ? { size: sz } : {}),
      };
    }
    case 'daemon run':
      return { kind: 'daemon-run', ...daemonFlags, ...jsonOpt };
    case 'daemon start':
      return { kind: 'daemon-start', ...daemonFlags, ...jsonOpt };
    case 'daemon restart':
      return { kind: 'daemon-restart', ...daemonFlags, ...jsonOpt };
    case 'daemon status':
      return { kind: 'daemon-status', socket, json };
    case 'daemon install-units':
      return { kind: 'daemon-install-units', enable: !values['no-enable'], ...(values.dir !== undefined ? { dir: values.dir } : {}), ...jsonOpt };
    case 'open': {
      const [view, ...extra] = rest;
      if (view === undefined) throw new UsageError(`'kubetile open' needs a view, e.g. kubetile open pods (a resource kind, a pane type like help, or a ViewSpec as JSON)`);
      noMoreThan(extra, 0, `open ${view}`);
      const split = values.split ?? false;
      if (split && (values.namespace !== undefined || values.context !== undefined)) {
        throw new UsageError(`--namespace and --context belong to a tab: open the view in a new tab (without --split), or change the tab with kubetile rpc kube/use`);
      }
      return {
        kind: 'open',
        socket,
        ...sessionOpt,
        view,
        ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
        ...(values.context !== undefined ? { context: values.context } : {}),
        split,
        json,
      };
    }
    case 'snapshot': {
      const [id, ...extra] = rest;
      if (id === undefined) throw new UsageError(`'kubetile snapshot' needs a pane id (kubetile rpc pane/list shows them)`);
      noMoreThan(extra, 0, `snapshot ${id}`);
      const fmt = values.format ?? (json ? 'json' : 'text');
      if (fmt !== 'text' && fmt !== 'json') throw new UsageError(`--format is text or json, not '${fmt}'`);
      if (json && fmt !== 'json') throw new UsageError(`--json and --format ${fmt} disagree`);
      return {
        kind: 'snapshot',
        socket,
        paneId: wholeNumber('the pane id', id, 1, 2 ** 31),
        format: fmt,
        ...(cols !== undefined || rows !== undefined ? { size: { ...(cols !== undefined ? { cols } : {}), ...(rows !== undefined ? { rows } : {}) } } : {}),
        timeoutMs: values.timeout !== undefined ? wholeNumber('--timeout (seconds)', values.timeout, 0, 3600) * 1000 : 10_000,
      };
    }
    case 'keys': {
      if (rest.length === 0) throw new UsageError(`'kubetile keys' needs at least one key, e.g. kubetile keys j j enter (or ctrl+p, alt+v, esc)`);
      for (const k of rest) {
        try {
          normalizeKey(k);
        } catch (e) {
          const shown = k.length > 40 ? `${k.slice(0, 40)}…` : k;
          const why = (e instanceof Error ? e.message : String(e)).split(k).join(shown);
          throw new UsageError(`'${shown}' is not a key (${why}); keys are like j, enter, esc, ctrl+p, alt+v, shift+tab, f5`);
        }
      }
      for (const k of rest) if (k.length === 0 || k.length > 32) throw new UsageError(`a key is 1 to 32 characters, like j, enter or ctrl+p; not '${k}'`);
      const sz = size({ cols: 120, rows: 40 });
      return { kind: 'keys', socket, ...sessionOpt, keys: rest, ...(pane !== undefined ? { pane } : {}), json, ...(sz ? { size: sz } : {}) };
    }
    case 'pf list':
      noMoreThan(rest, 0, 'pf list');
      return { kind: 'pf-list', socket, json };
    case 'pf start': {
      const [target, ports, ...extra] = rest;
      if (target === undefined) throw new UsageError(`'kubetile pf start' needs a target, e.g. kubetile pf start svc/web 8080:80 --namespace default`);
      noMoreThan(extra, 0, `pf start ${target} ${ports}`);
      return {
        kind: 'pf-start',
        socket,
        target,
        ...(ports !== undefined ? { ports } : {}),
        ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
        ...(values.context !== undefined ? { context: values.context } : {}),
        json,
      };
    }
    case 'pf stop':
      if (rest.length === 0) throw new UsageError(`'kubetile pf stop' needs a port-forward id (kubetile pf list shows them)`);
      return { kind: 'pf-stop', socket, ids: rest, json };
    case 'plugins':
      return { kind: 'plugins-list', socket, json };
    case 'plugins reload': {
      const [key, ...extra] = rest;
      if (key === undefined) throw new UsageError(`'kubetile plugins reload' needs a plugin key (kubetile plugins lists them)`);
      noMoreThan(extra, 0, `plugins reload ${key}`);
      return { kind: 'plugins-reload', socket, key, json };
    }
    case 'plugin new':
      return { kind: 'plugin-new', name: rest[1]!, dir: rest[2] ?? rest[1]!, ...jsonOpt };
    case 'kill-session':
      return { kind: 'kill-session', socket, session: rest[0]!, json };
    default:
      return { kind: 'kill-server', socket, ...jsonOpt };
  }
}
