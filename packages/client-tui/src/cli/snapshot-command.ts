import { Requests } from '@kubetile/rpc-schema';
import type { Size, SnapshotFormat } from './args.js';
import type { Io } from './io.js';
import { withScriptClient } from './rpc-command.js';
import { isLoading, viewText } from './view-text.js';

export interface SnapshotCommand {
  socket?: string;
  paneId: number;
  format: SnapshotFormat;
  size?: Partial<Size>;
  /** How long to wait for a pane still loading (then it is printed as it is). */
  timeoutMs: number;
}

/** A viewport big enough for what scripts read: every row of most lists. */
const DEFAULT_SIZE: Size = { cols: 200, rows: 1000 };

/**
 * `kubetile snapshot PANE`: what the pane shows (pane/snapshot), as text (a table as aligned
 * columns, lines as lines) or the PaneView as JSON. A pane still loading is waited for (up to
 * --timeout seconds); what the text leaves out (more rows, an empty list's reason) goes to stderr.
 */
export async function runSnapshot(io: Io, cmd: SnapshotCommand): Promise<number> {
  return withScriptClient(io, cmd.socket, 'kubetile-snapshot', async (client) => {
    const size = { ...DEFAULT_SIZE, ...cmd.size };
    const deadline = Date.now() + cmd.timeoutMs;
    let snap = await client.request(Requests.paneSnapshot, { paneId: cmd.paneId, ...size });
    while (isLoading(snap.view) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      snap = await client.request(Requests.paneSnapshot, { paneId: cmd.paneId, ...size });
    }
    if (cmd.format === 'json') {
      io.out(`${JSON.stringify(snap.view)}\n`);
      return 0;
    }
    const { lines, note } = viewText(snap.view);
    if (lines.length > 0) io.out(`${lines.join('\n')}\n`);
    if (note) io.err(`${note}\n`);
    return 0;
  });
}
