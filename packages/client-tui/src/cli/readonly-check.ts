import type { Requests } from '@kubetile/rpc-schema';
import { DaemonClient, DaemonUnreachableError } from '../connection/daemon-client.js';

/**
 * `kubetile --readonly` when a daemon already answers: the flag cannot change that daemon, so a
 * writable one is refused rather than silently attached to (the user asked for no writes).
 * Returns the message to print, or null when attaching is fine (read-only, or nobody listens yet:
 * the daemon this command starts gets --readonly).
 */
export async function readonlyMismatch(socket: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  let client: DaemonClient;
  try {
    client = await DaemonClient.connect(socket, { env, clientName: 'kubetile --readonly check' });
  } catch (e) {
    if (e instanceof DaemonUnreachableError && e.nobodyListens) return null;
    throw e;
  }
  try {
    const status = await client.request<typeof Requests.status>('daemon/status', {});
    if (status.readonly === true) return null;
    return (
      `a daemon already runs on ${socket} and it is not read-only; --readonly applies only to a daemon this command starts. ` +
      `Stop it first (kubetile kill-server), or set readonly = true in its config (reloaded live)`
    );
  } finally {
    client.close('readonly check done');
  }
}
