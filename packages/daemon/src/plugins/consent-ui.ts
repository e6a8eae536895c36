import { clientPrompts } from '../session/client-prompts.js';
import type { Workspace } from '../session/workspace.js';

/** Where a consent dialog is shown, and its answer. */
export interface ConsentUi {
  /**
   * Asks on a client looking at one of these panes (the one focused on it first, which is the one
   * that opened it), or resolves `no-client` at once when none is attached: the host asks again
   * when one attaches. `dismissed`: the client went away (or the dialog was replaced) unanswered.
   */
  ask(paneIds: readonly number[], text: string): Promise<'yes' | 'no' | 'no-client' | 'dismissed'>;
}

export function workspaceConsentUi(ws: Workspace): ConsentUi {
  const clientFor = (paneIds: readonly number[]) => {
    for (const paneId of paneIds) {
      let session: string;
      try {
        session = ws.locate(paneId).session.name;
      } catch {
        continue; // not placed yet, or gone
      }
      const clients = ws.clientsOf(session);
      const focused = clients.find((c) => {
        const tab = ws.activeTab(c.state);
        return tab.has(paneId) && ws.focusedPane(c.state, tab) === paneId;
      });
      const c = focused ?? clients[0];
      if (c) return c;
    }
    return null;
  };
  return {
    async ask(paneIds, text) {
      const client = clientFor(paneIds);
      if (!client) return 'no-client';
      let answered = false;
      const prompts = clientPrompts(ws, client.state);
      // A dialog that another overlay replaces, or whose client detaches, was not answered.
      const yes = await prompts.confirm(text).then((v) => {
        answered = v || (ws.clients.has(client.state.id) && client.state.overlay === null);
        return v;
      });
      if (yes) return 'yes';
      return answered ? 'no' : 'dismissed';
    },
  };
}
