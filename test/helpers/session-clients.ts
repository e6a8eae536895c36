import type { SessionLayout, TabInfo } from '@kubetile/rpc-schema';
import { RawClient } from './rpc-client.js';

/**
 * The terminals a test file attaches to one daemon's session: `attached()` connects and attaches one
 * (its size, or the file's), `closeAll()` (in afterAll) closes every one.
 */
export class SessionClients {
  private readonly clients: RawClient[] = [];

  constructor(
    private readonly socket: () => string,
    private readonly size = { cols: 120, rows: 40 },
  ) {}

  readonly attached = async (size = this.size): Promise<RawClient> => {
    const c = await RawClient.connect(this.socket());
    this.clients.push(c);
    await c.attach(size);
    return c;
  };

  closeAll(): void {
    for (const c of this.clients.splice(0)) c.close();
  }
}

/** The tab a layout shows. */
export const tabOf = (l: SessionLayout): TabInfo => l.tabs.find((t) => t.id === l.activeTabId)!;

/** The tab holding `paneId`, once `c`'s layout shows it focused there. */
export const tabHolding = async (c: RawClient, paneId: number): Promise<number> =>
  (await c.waitLayout(`pane ${paneId} focused`, (l) => tabOf(l).focusedPaneId === paneId)).activeTabId;
