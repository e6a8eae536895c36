import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateDir } from '@kubetile/rpc-schema/light';

/**
 * The client's own log (`<state dir>/client.log`, or `KUBETILE_CLIENT_LOG`): the TUI owns the
 * screen, so anomalies (invalid notifications, failed calls) are written here. Best effort.
 */
export function clientLogger(env: NodeJS.ProcessEnv = process.env): (message: string) => void {
  const file = env.KUBETILE_CLIENT_LOG || join(stateDir(env), 'client.log');
  let ready = false;
  return (message) => {
    try {
      if (!ready) {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        ready = true;
      }
      appendFileSync(file, `${new Date().toISOString()} [${process.pid}] ${message}\n`, { mode: 0o600 });
    } catch {
      // nowhere to report it
    }
  };
}
