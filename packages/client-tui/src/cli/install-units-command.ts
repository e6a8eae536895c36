import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Io } from './io.js';
import { serviceUnit, SOCKET_UNIT } from './systemd-units.js';

/** systemd's user unit directory: $XDG_CONFIG_HOME/systemd/user (~/.config/systemd/user). */
export function defaultUnitDir(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(config, 'systemd', 'user');
}

const realpath = (p: string): string | null => {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
};

const executable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `kubetile` on the PATH, if there is one. */
function onPath(env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, 'kubetile');
    if (executable(p)) return p;
  }
  return null;
}

/**
 * The command the service runs: this kubetile as installed — the `kubetile` on the PATH or the bin
 * link that ran us (kept as a link, so an upgrade in place is picked up) — else node and this entry
 * file (a checkout's `packages/client-tui/dist/main.js`).
 */
export function installedCommand(env: NodeJS.ProcessEnv, script = process.argv[1] ?? '', node = process.execPath): string[] {
  const self = resolve(script);
  if (basename(self) === 'kubetile' && executable(self)) return [self];
  const found = onPath(env);
  const mine = realpath(self);
  if (found && mine !== null && realpath(found) === mine) return [found];
  return [node, mine ?? self];
}

/**
 * `kubetile daemon install-units [--no-enable] [--dir DIR]`: writes kubetile.socket and
 * kubetile.service (running this kubetile, resolved now) into the user unit directory, then reloads
 * systemd and enables the socket unless --no-enable.
 */
export async function runInstallUnits(io: Io, opts: { enable: boolean; dir?: string; json?: boolean }): Promise<number> {
  const dir = resolve(opts.dir ?? defaultUnitDir(io.env));
  const command = installedCommand(io.env);
  const path = [...new Set([dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'])].join(':');
  let service: string;
  try {
    service = serviceUnit(command, path);
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of [['kubetile.socket', SOCKET_UNIT], ['kubetile.service', service]] as const) {
      const tmp = join(dir, `.${name}.tmp-${process.pid}`);
      writeFileSync(tmp, text, { mode: 0o644 });
      renameSync(tmp, join(dir, name));
    }
  } catch (e) {
    io.err(`kubetile: cannot write the units into ${dir}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const files = [join(dir, 'kubetile.socket'), join(dir, 'kubetile.service')];
  if (!opts.json) io.out(`wrote ${files.join(' and ')} (ExecStart: ${command.join(' ')} daemon run)\n`);
  let enabled = false;
  if (opts.enable) {
    for (const args of [['--user', 'daemon-reload'], ['--user', 'enable', '--now', 'kubetile.socket']]) {
      const r = spawnSync('systemctl', args, { env: io.env, encoding: 'utf8' });
      if (r.error || r.status !== 0) {
        const why = r.error ? r.error.message : (r.stderr || r.stdout || `exit status ${r.status}`).trim();
        io.err(`kubetile: systemctl ${args.join(' ')} failed: ${why}\n(the units are written; enable them yourself, or pass --no-enable)\n`);
        return 1;
      }
    }
    enabled = true;
    if (!opts.json) io.out(`enabled kubetile.socket: the daemon starts on the first connection (systemctl --user status kubetile.socket)\n`);
  }
  if (opts.json) io.out(`${JSON.stringify({ files, execStart: [...command, 'daemon', 'run'], enabled })}\n`);
  return 0;
}
