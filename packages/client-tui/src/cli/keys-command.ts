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
 * bindings, and detaches. It stops at the first key the daemon did not take (nothing bound to it
 * there) or that drew a warning or an error (`Pods cannot be scaled`): the keys after it were meant
 * for a state that never came (a `y` meant for a dialog would be `view YAML`). What the daemon said
 * goes to stderr, and the exit status is 1. With --json, what each key sent did.
 */
export async function runKeys(io: Io, cmd: KeysCommand): Promise<number> {
  return withScriptClient(io, cmd.socket, 'kubetile-keys', async (client) => {
    const said: Array<{ level: string; text: string }> = [];
    client.on('toast', (t) => said.push(t));
    await client.request(Requests.attach, { ...(cmd.session ? { session: cmd.session } : {}), size: cmd.size ?? { cols: 120, rows: 40 } });
    if (cmd.pane !== undefined) await client.request(Requests.paneFocus, { paneId: cmd.pane });
    const results: Array<{ key: string; handled: boolean; command?: string }> = [];
    let stopped: string | null = null;
    for (const [i, key] of cmd.keys.entries()) {
      const before = said.length;
      const r = await client.request(Requests.key, { key });
      results.push({ key, ...r });
      const complaint = said.slice(before).find((t) => t.level === 'warn' || t.level === 'error');
      const rest = cmd.keys.length - i - 1;
      const notSent = rest > 0 ? `; the ${rest} key${rest === 1 ? '' : 's'} after it ${rest === 1 ? 'was' : 'were'} not sent` : '';
      if (complaint) stopped = `key '${key}': ${complaint.text}${notSent}`;
      else if (!r.handled) stopped = `key '${key}' was not taken (nothing is bound to it here${r.command ? `: ${r.command}` : ''})${notSent}`;
      if (stopped) break;
    }
    await client.request(Requests.detach, {}).catch(() => undefined);
    if (cmd.json) io.out(`${JSON.stringify(results)}\n`);
    if (stopped) {
      io.err(`kubetile: ${stopped}\n`);
      return 1;
    }
    return 0;
  });
}
