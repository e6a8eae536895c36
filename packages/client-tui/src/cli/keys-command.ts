import { Requests } from '@kubetile/rpc-schema';
import type { Size } from './args.js';
import type { Io } from './io.js';
import { withScriptClient } from './rpc-command.js';

export interface KeysCommand {
  socket?: string;
  session?: string;
  keys: string[];
  pane?: number;
  json: boolean;
  size?: Size;
}

/**
 * `kubetile keys KEY…`: attaches to the session as a client would (its own focus and mode, on the
 * session's current tab and pane, or `--pane`'s), sends the keys in order through the daemon's key
 * bindings, and detaches. With --json, what each key did.
 */
export async function runKeys(io: Io, cmd: KeysCommand): Promise<number> {
  return withScriptClient(io, cmd.socket, 'kubetile-keys', async (client) => {
    await client.request(Requests.attach, { ...(cmd.session ? { session: cmd.session } : {}), size: cmd.size ?? { cols: 120, rows: 40 } });
    if (cmd.pane !== undefined) await client.request(Requests.paneFocus, { paneId: cmd.pane });
    const results: Array<{ key: string; handled: boolean; command?: string }> = [];
    for (const key of cmd.keys) {
      const r = await client.request(Requests.key, { key });
      results.push({ key, ...r });
    }
    await client.request(Requests.detach, {}).catch(() => undefined);
    if (cmd.json) io.out(`${JSON.stringify(results)}\n`);
    return 0;
  });
}
