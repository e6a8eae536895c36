import { Requests } from '@kubetile/rpc-schema';
import type { Io } from './io.js';
import { callInterruptibly, withScriptClient } from './rpc-command.js';

/**
 * `kubetile kill-session NAME`: ends a session (tmux's kill-session): its tabs and panes close, it is
 * no longer saved, and the terminals attached to it leave with `[exited (…)]`.
 */
export async function runKillSession(io: Io, socket: string | undefined, session: string, json: boolean): Promise<number> {
  return withScriptClient(io, socket, 'kubetile-kill-session', async (client) => {
    const r = await callInterruptibly(io, client, Requests.sessionKill.name, { session });
    if (!r.ok) return r.code;
    io.out(json ? `${JSON.stringify({ killed: session })}\n` : `session ${session} ended\n`);
    return 0;
  });
}
