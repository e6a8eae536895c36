import { paneAlias, Requests, validate, ViewSpecSchema, type ViewSpec } from '@kubetile/rpc-schema';
import type { DaemonClient } from '../connection/daemon-client.js';
import { UsageError } from './args.js';
import type { Io } from './io.js';
import { withScriptClient } from './rpc-command.js';

export interface OpenCommand {
  socket?: string;
  session?: string;
  view: string;
  namespace?: string;
  context?: string;
  split: boolean;
  json: boolean;
}

/**
 * The ViewSpec for what the user typed: a ViewSpec as JSON, a pane type the daemon has (help,
 * port-forwards, a plugin's key) or k9s's name for one (pf), else a resource kind (pods, deployments, a CRD's plural).
 */
async function viewFor(client: DaemonClient, text: string): Promise<ViewSpec> {
  if (text.trimStart().startsWith('{')) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`the view is not valid JSON (${e instanceof Error ? e.message : String(e)}): ${text}`);
    }
    const v = validate(ViewSpecSchema, raw);
    if (!v.ok) throw new UsageError(`the view is not a ViewSpec like {"key":"resource-list","args":{"kind":"pods"}}: ${v.message}`);
    return v.value;
  }
  const { types } = await client.request(Requests.paneTypes, {});
  if (types.some((t) => t.key === text)) return { key: text };
  const alias = paneAlias(text);
  if (alias !== null && types.some((t) => t.key === alias)) return { key: alias };
  return { key: 'resource-list', args: { kind: text } };
}

/**
 * `kubetile open VIEW`: opens a pane in a new tab (with `--namespace`/`--context` set on that tab),
 * or `--split` beside the session's focused pane; prints the new pane's id. A view that cannot open
 * (an unknown kind, bad args) is closed again and said on stderr.
 */
export async function runOpen(io: Io, cmd: OpenCommand): Promise<number> {
  return withScriptClient(io, cmd.socket, 'kubetile-open', async (client) => {
    const view = await viewFor(client, cmd.view);
    const session = cmd.session ? { session: cmd.session } : {};
    const opened = await client.request(Requests.paneOpen, { ...session, view, ...(cmd.split ? {} : { newTab: true }) });
    if (cmd.namespace !== undefined || cmd.context !== undefined) {
      try {
        await client.request(Requests.kubeUse, {
          ...session,
          tabId: opened.tabId,
          ...(cmd.namespace !== undefined ? { namespace: cmd.namespace } : {}),
          ...(cmd.context !== undefined ? { context: cmd.context } : {}),
        });
      } catch (e) {
        await client.request(Requests.tabClose, { ...session, tabId: opened.tabId }).catch(() => undefined);
        throw e;
      }
    }
    const shown = await client.request(Requests.paneSnapshot, { paneId: opened.paneId, rows: 5, cols: 120 });
    if (shown.view.type === 'message' && shown.view.level === 'error') {
      await client.request(Requests.paneClose, { paneId: opened.paneId }).catch(() => undefined);
      io.err(`kubetile: cannot open ${cmd.view}: ${shown.view.text}\n`);
      return 1;
    }
    io.out(cmd.json ? `${JSON.stringify({ paneId: opened.paneId, tabId: opened.tabId, view })}\n` : `${opened.paneId}\n`);
    return 0;
  });
}
