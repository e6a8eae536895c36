import { describe, expect, it } from 'vitest';
import { leafIds } from '@kubetile/rpc-schema';
import { useDaemonPerTest } from '../helpers/daemon-per-test.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * A key's frame leaves the daemon when the key is handled, before the key's answer: the typing
 * client has the new layout and views by the time the answer arrives (one socket keeps the order),
 * not one turn of the daemon's event loop later.
 */

const d = useDaemonPerTest();

describe("a key's frame", () => {
  it('reaches the typing client (and any other) before the answer to the key', async () => {
    await d.start();
    const typing = await RawClient.connect(d.env.socket);
    const watching = await RawClient.connect(d.env.socket);
    const { layout } = await typing.attach({ cols: 120, rows: 40 });
    await watching.attach({ cols: 120, rows: 40 });
    const first = leafIds(layout.tabs[0]!.tree)[0]!;
    await typing.waitView('the first pane', first, () => true);
    await watching.waitView('the first pane', first, () => true);
    for (const key of ['alt+v', 'alt+h']) {
      const panes = leafIds(typing.activeTab().tree).length;
      const answer = await typing.request<{ handled: boolean; command?: string }>('client/key', { key });
      expect(answer.handled).toBe(true);
      // Already here when the answer is: the layout with the new pane, and the new pane's view.
      const ids = leafIds(typing.activeTab().tree);
      expect(ids).toHaveLength(panes + 1);
      expect(typing.views.has(Math.max(...ids))).toBe(true);
      // The watching client gets the same frame (on its own socket, so only eventually).
      await watching.waitLayout('the split', (l) => leafIds(l.tabs.find((t) => t.id === l.activeTabId)!.tree).length === panes + 1);
    }
    typing.close();
    watching.close();
  });
});
