import type { Workspace } from '../session/workspace.js';

/**
 * Where a plugin's clipboard_write goes: the clients whose focus is on that pane (in their active
 * tab), or else every client of the pane's session. Each writes it with OSC 52.
 */
export function routeClipboard(workspace: Workspace, paneId: number, text: string): number {
  let sessionName: string;
  try {
    sessionName = workspace.locate(paneId).session.name;
  } catch {
    return 0; // the pane is gone
  }
  const clients = workspace.clientsOf(sessionName);
  const focused = clients.filter((c) => {
    const tab = workspace.activeTab(c.state);
    return tab.has(paneId) && workspace.focusedPane(c.state, tab) === paneId;
  });
  const targets = focused.length > 0 ? focused : clients;
  for (const c of targets) c.sink.clipboard(text);
  return targets.length;
}
