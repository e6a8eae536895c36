// An API server that sends its headers, then the body a byte every few seconds (an audit): no
// silence is long enough for the idle limit, and the pane said loading for ever. The answer must
// keep arriving at a least pace (1 KiB in any 30 s); the user sees an error naming the request.
import { describe, expect, it } from 'vitest';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { useHostileDaemon } from '../helpers/hostile-daemon.js';

const boot = useHostileDaemon();

type View = TableView | { type: 'message'; text: string };
const shown = (v: View): string => (v.type === 'table' ? `${v.empty ?? ''} ${v.footer ?? ''}` : v.text);

describe('an API server whose answer trickles', () => {
  it('discovery sent a byte every 2 s: the pane shows an error naming the request (not loading for ever), the daemon keeps answering', async () => {
    const { client: c } = await boot((api) =>
      api.route('/api/v1', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"kind":"APIResourceList","groupVersion":"v1","resources":[');
        const t = setInterval(() => res.write(' '), 2_000);
        res.on('close', () => clearInterval(t));
      }),
    );
    const paneId = c.activeTab().focusedPaneId;
    const text = await waitFor('an error in the pane', async () => {
      const t = shown((await c.request<{ view: View }>('pane/snapshot', { paneId, rows: 30, cols: 200 })).view);
      return /too slowly/.test(t) ? t : null;
    }, 120_000, 250);
    expect(text).toMatch(/GET \/api\/v1: the API server sends the answer too slowly \(\d+ B in the last 30 s/);
    await expect(c.request('daemon/status')).resolves.toMatchObject({ panes: 1 });
  }, 180_000);
});
