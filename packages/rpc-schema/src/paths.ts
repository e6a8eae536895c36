import { homedir, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

type Env = Record<string, string | undefined>;

/** `$XDG_RUNTIME_DIR/kubetile`, or a per-user directory under /tmp when that is unset. */
export function runtimeDir(env: Env = process.env): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && xdg.startsWith('/')) return join(xdg, 'kubetile');
  return join(tmpdir(), `kubetile-${userInfo().uid}`);
}

/** `--socket PATH` wins, then `KUBETILE_SOCKET`, then the runtime directory's `kubetile.sock`. */
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
