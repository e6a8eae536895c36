import { leafIds } from '@kubetile/rpc-schema';
import type { SavedSession, SavedTab } from '../state/saved-state.js';

/**
 * The tabs of a saved session that can come back, each alone: a tab whose tree names a pane the
 * session does not hold, a pane another tab (or the tree itself) already shows, a pane or tab id in
 * use is left out with the reason, and the session's other tabs are restored.
 */
export function restorableTabs(
  ss: SavedSession,
  paneTaken: (id: number) => boolean,
  tabTaken: (id: number) => boolean,
): { tabs: SavedTab[]; problems: string[] } {
  const views = new Set(ss.panes.map((p) => p.id));
  const usedPanes = new Set<number>();
  const usedTabs = new Set<number>();
  const tabs: SavedTab[] = [];
  const problems: string[] = [];
  for (const st of ss.tabs) {
    const ids = leafIds(st.tree);
    const why =
      usedTabs.has(st.id) || tabTaken(st.id)
        ? `its id ${st.id} is taken`
        : ((): string | null => {
            const inTree = new Set<number>();
            const bad = ids.find((id) => {
              const twice = inTree.has(id);
              inTree.add(id);
              return twice || !views.has(id) || paneTaken(id) || usedPanes.has(id);
            });
            return bad === undefined ? null : `its pane ${bad} is missing or already shown`;
          })();
    if (why) {
      problems.push(`tab ${st.id} of session '${ss.name}' was not restored: ${why}`);
      continue;
    }
    usedTabs.add(st.id);
    for (const id of ids) usedPanes.add(id);
    tabs.push(st);
  }
  return { tabs, problems };
}
