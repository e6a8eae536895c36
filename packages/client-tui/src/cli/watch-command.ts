import { Requests } from '@kubetile/rpc-schema';
import type { DaemonClient } from '../connection/daemon-client.js';
import type { Size } from './args.js';
import type { Io } from './io.js';
import { onInterrupt } from './interrupt.js';
import { callInterruptibly, connectScript, reportError, type RpcCommand } from './rpc-command.js';

/** Notifications the daemon sends only to a connection attached to a session. */
const SESSION_NOTIFICATIONS = new Set(['session/layout', 'pane/view', 'toast', 'clipboard/write']);
/** Past this much unread output the stream stops reading from the daemon (which then keeps only the newest views). */
const MAX_OUTPUT_BACKLOG = 1024 * 1024;
const DEFAULT_SIZE: Size = { cols: 120, rows: 40 };

/** The line written for one notification (also used for the call's result: `{"result": …}`). */
const line = (obj: unknown): string => `${JSON.stringify(obj)}\n`;

/**
 * `kubetile rpc METHOD [JSON] --watch NOTIFICATION…`: makes the call, then streams the named
 * notifications (`*`: all) as JSON lines — `{"result": …}` for the call's answer, `{"method":
 * "pane/view", "params": {…}}` per notification — until Ctrl-C or SIGTERM (exit 0) or the daemon
 * going away (exit 1). Views, layouts and toasts go only to attached clients, so the command attaches
 * a client of its own (`--session`, `--cols`/`--rows`) unless the call is itself `session/attach`;
 * `--pane ID` shows that pane's tab to it and keeps only that pane's views. A slow reader of the output
 * pauses the connection: the daemon then sends the newest views when it reads again, never a backlog.
 */
export async function runWatch(io: Io, cmd: RpcCommand & { watch: string[] }): Promise<number> {
  const all = cmd.watch.includes('*');
  const wanted = new Set(cmd.watch);
  const needsSession = all || cmd.watch.some((w) => SESSION_NOTIFICATIONS.has(w));
  let client: DaemonClient | null = null;
  let exitReason: string | null = null;
  let paused = false;
  const interrupt = { stop: (): void => undefined };
  try {
    client = await connectScript(io, cmd.socket, 'kubetile-watch');
    const c = client;
    c.onAny((method, params) => {
      if (method === 'daemon/exit') exitReason = (params as { reason?: string }).reason ?? 'unknown';
      if (!all && !wanted.has(method)) return;
      if (cmd.pane !== undefined && method === 'pane/view' && (params as { paneId?: number }).paneId !== cmd.pane) return;
      io.out(line({ method, params }));
      if (!paused && io.outBacklog && io.onOutDrain && io.outBacklog() > MAX_OUTPUT_BACKLOG) {
        paused = true;
        c.pauseReading();
        io.onOutDrain(() => {
          paused = false;
          c.resumeReading();
        });
      }
    });
    if (needsSession && cmd.method !== 'session/attach') {
      await c.request(Requests.attach, { ...(cmd.session ? { session: cmd.session } : {}), size: cmd.size ?? DEFAULT_SIZE });
      if (cmd.pane !== undefined) await c.request(Requests.paneFocus, { paneId: cmd.pane });
    }
    const r = await callInterruptibly(io, c, cmd.method, cmd.params);
    if (!r.ok) return r.code;
    io.out(line({ result: r.result ?? null }));
    // The handlers stay until the command ends: `timeout -s INT` signals the child and then its whole
    // process group, so a second SIGINT can come after the first was handled (with no handler left it
    // killed the command: exit 130 instead of 0, seen under load).
    const ended = await new Promise<'interrupted' | 'closed'>((resolve) => {
      interrupt.stop = onInterrupt(() => resolve('interrupted'));
      c.onClose(() => resolve('closed'));
    });
    if (ended === 'interrupted') {
      await Promise.race([c.request(Requests.detach, {}).catch(() => undefined), new Promise((r2) => setTimeout(r2, 1000))]);
      // Interrupted, the handlers stay until the process exits: the group's SIGINT can come after the
      // command is done, when the sender was descheduled between its two signals (traced under load:
      // one SIGINT handled, the detach answered, the handlers removed, then the second killed it).
      interrupt.stop = (): void => undefined;
      return 0;
    }
    io.err(`kubetile: the daemon ${exitReason !== null ? `exited (${exitReason})` : 'closed the connection'}; the watch ended\n`);
    return 1;
  } catch (e) {
    return reportError(io, e);
  } finally {
    interrupt.stop();
    client?.close();
  }
}
