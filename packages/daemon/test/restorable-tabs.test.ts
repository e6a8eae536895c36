import { describe, expect, it } from 'vitest';
import { restorableTabs } from '../src/session/restorable-tabs.js';
import type { SavedSession, SavedTab } from '../src/state/saved-state.js';

const leaf = (paneId: number) => ({ type: 'leaf' as const, paneId });
const tab = (id: number, tree: SavedTab['tree']): SavedTab => ({ id, context: 'c', namespace: 'default', tree, lastFocusedPaneId: 1 });
const help = (id: number) => ({ id, view: { key: 'help' } });

describe('restorableTabs', () => {
  it('leaves out each tab that cannot come back, with the reason, and keeps the others', () => {
    const ss: SavedSession = {
      name: 'work',
      tabs: [
        tab(1, leaf(1)),
        tab(1, leaf(2)), // the same tab id twice
        tab(2, { type: 'split', direction: 'vertical', ratio: 0.5, first: leaf(3), second: leaf(3) }), // one pane twice in a tree
        tab(3, leaf(9)), // no such pane
        tab(4, leaf(4)), // pane 4 is another session's
        tab(5, leaf(5)), // tab 5 is another session's
        tab(6, leaf(6)),
      ],
      panes: [1, 2, 3, 4, 5, 6].map(help),
      lastActiveTabId: 1,
    };
    const r = restorableTabs(ss, (id) => id === 4, (id) => id === 5);
    expect(r.tabs.map((t) => t.id)).toEqual([1, 6]);
    expect(r.problems).toEqual([
      "tab 1 of session 'work' was not restored: its id 1 is taken",
      "tab 2 of session 'work' was not restored: its pane 3 is missing or already shown",
      "tab 3 of session 'work' was not restored: its pane 9 is missing or already shown",
      "tab 4 of session 'work' was not restored: its pane 4 is missing or already shown",
      "tab 5 of session 'work' was not restored: its id 5 is taken",
    ]);
  });
});
