import type { LinesView } from '@kubetile/rpc-schema';
import type { RawClient } from './rpc-client.js';

/** The text of each line a lines pane (xray, pulse, help…) shows at `cols`×`rows`; [] when it is not a lines view. */
export async function paneLines(c: RawClient, paneId: number, cols = 200, rows = 60): Promise<string[]> {
  const v = (await c.request<{ view: LinesView }>('pane/snapshot', { paneId, rows, cols })).view;
  return v.type === 'lines' ? v.lines.map((l) => l.text) : [];
}
