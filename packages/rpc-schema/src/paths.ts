import { homedir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { SocketDirKind } from './socket-trust.js';

export * from './socket-trust.js';

type Env = Record<string, string | undefined>;

/** The temp directory `env` names, as `os.tmpdir()` finds it on POSIX (TMPDIR, TMP, TEMP, /tmp). */
function tempDir(env: Env): string {
  const t = env.TMPDIR || env.TMP || env.TEMP || '/tmp';
  return t.length > 1 && t.endsWith('/') ? t.slice(0, -1) : t;
}

/**
 * `$XDG_RUNTIME_DIR/kubetile`, or `$TMPDIR/kubetile-UID` when that is unset: a name anyone can
 * create first, so both sides check it (see socket-trust.ts) before trusting it.
 */
export function runtimeDir(env: Env = process.env): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && xdg.startsWith('/')) return join(xdg, 'kubetile');
  return join(resolve(tempDir(env)), `kubetile-${userInfo().uid}`);
}

/** `private` when the socket sits directly in the runtime directory (0700, ours), else `shared`. */
export function socketDirKind(socketPath: string, env: Env = process.env): SocketDirKind {
  return dirname(resolve(socketPath)) === runtimeDir(env) ? 'private' : 'shared';
}

/** `--socket PATH` wins, then `KUBETILE_SOCKET`, then the runtime directory's `kubetile.sock`. */
/** The longest path a Unix socket can have on Linux (sun_path, without its NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

/** Why `path` cannot be a Unix socket's path, or null. */
export function socketPathProblem(path: string): string | null {
  const n = Buffer.byteLength(path);
  return n > MAX_SOCKET_PATH_BYTES ? `the socket path is ${n} bytes, more than the ${MAX_SOCKET_PATH_BYTES} a Unix socket allows` : null;
}

export function resolveSocketPath(explicit?: string, env: Env = process.env): string {
  if (explicit) return resolve(explicit);
  if (env.KUBETILE_SOCKET) return resolve(env.KUBETILE_SOCKET);
  return join(runtimeDir(env), 'kubetile.sock');
}

/** `$XDG_CONFIG_HOME/kubetile` (default `~/.config/kubetile`). */
export function configDir(env: Env = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), '.config');
  return join(base, 'kubetile');
}

/** `--config PATH` wins, then `KUBETILE_CONFIG`, then `config.toml` in the config directory. */
export function resolveConfigPath(explicit?: string, env: Env = process.env): string {
  if (explicit) return resolve(explicit);
  if (env.KUBETILE_CONFIG) return resolve(env.KUBETILE_CONFIG);
  return join(configDir(env), 'config.toml');
}

/** `$XDG_STATE_HOME/kubetile` (default `~/.local/state/kubetile`): logs, demo kubeconfig, saved state. */
export function stateDir(env: Env = process.env): string {
  if (env.KUBETILE_STATE_DIR) return resolve(env.KUBETILE_STATE_DIR);
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME ?? homedir(), '.local', 'state');
  return join(base, 'kubetile');
}
