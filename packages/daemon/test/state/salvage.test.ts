import { describe, expect, it } from 'vitest';
import { salvageState } from '../../src/state/salvage.js';

const leaf = (paneId: number) => ({ type: 'leaf', paneId });
const session = (name: string, tabId: number, paneId: number) => ({
  name,
  tabs: [{ id: tabId, context: null, namespace: 'default', tree: leaf(paneId), lastFocusedPaneId: paneId }],
  panes: [{ id: paneId, view: { key: 'help' } }],
  lastActiveTabId: tabId,
});

describe('salvaging a state file', () => {
  it('leaves out ids past 2^30 (new ids after them would pass what clients take), names the session of a bad name, and a second one of a name', () => {
    const r = salvageState({
      version: 1,
      savedAt: 'x',
      sessions: [session('main', 1, 1), session('big', 2 ** 31, 3), session('evil\u001b]0;x\u0007', 4, 5), session('main', 6, 7)],
      features: {},
    });
    if ('error' in r) throw new Error(r.error);
    expect(r.state.sessions.map((s) => s.name)).toEqual(['main']);
    expect(r.dropped).toEqual([
      "session 'big' (lastActiveTabId: Too big: expected number to be <=1073741824)",
      "session 'evil\u001b]0;x\u0007' (name: letters, digits, _ . - (1 to 64))",
      "session 'main' #4 (a second session of that name: the first is kept)",
    ]);
  });
});
