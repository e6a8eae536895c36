import { delimiter, resolve } from 'node:path';
import type { HelloResult } from '../connection/daemon-client.js';
import { DaemonStartError, probe, startDetached, type DaemonOptions } from '../connection/launcher.js';

/** How long a daemon that won the race to the socket may take to answer. */
const JOIN_TIMEOUT_MS = 15_000;

/**
 * Starts a daemon detached; when that one fails because another, started at the same moment (two
 * terminals opened at login, `kubetile daemon start` from several scripts), took the socket first
 * — ours exits at once, often before the winner answers — the winner is used instead of reporting
 * a failure. `joined`: another command's daemon answered, not ours.
 */
export async function startOrJoin(o: DaemonOptions, env: NodeJS.ProcessEnv): Promise<{ hello: HelloResult; pid: number; joined: boolean }> {
  try {
    const r = await startDetached(absoluteOptions(o), { env: absoluteEnv(env) });
    return { hello: r.hello, pid: r.pid, joined: false };
  } catch (e) {
    if (!(e instanceof DaemonStartError)) throw e;
    // Nothing listens (a real failure): probe answers null at once, and the failure is reported.
    const other = await probe(o.socket, JOIN_TIMEOUT_MS, env).catch(() => null);
    if (!other) throw e;
    return { hello: other, pid: other.server.pid, joined: true };
  }
}

/**
 * The daemon runs in `/` (it must not keep the directory it was started from busy): a relative
 * `--config`, `--state-dir`, KUBETILE_CONFIG, KUBETILE_STATE_DIR or KUBECONFIG is made absolute here,
 * where it means what the user meant. `--config my.toml` read `/my.toml` (missing: the defaults, without
 * a word) and `--state-dir s` saved the sessions in `/s` (or could not start as anyone but root).
 */
export function absoluteOptions(o: DaemonOptions): DaemonOptions {
  return {
    ...o,
    ...(o.config ? { config: resolve(o.config) } : {}),
    ...(o.stateDir ? { stateDir: resolve(o.stateDir) } : {}),
  };
}

export function absoluteEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of ['KUBETILE_CONFIG', 'KUBETILE_STATE_DIR'] as const) {
    const v = out[k];
    if (v) out[k] = resolve(v);
  }
  if (out.KUBECONFIG) out.KUBECONFIG = out.KUBECONFIG.split(delimiter).map((p) => (p ? resolve(p) : p)).join(delimiter);
  return out;
}
