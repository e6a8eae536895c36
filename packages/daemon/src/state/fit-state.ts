import { leafIds } from '@kubetile/rpc-schema';
import type { SavedSession, SavedState } from './saved-state.js';

/** What a state too big to save left out, and the state that fits. */
export interface FittedState {
  state: SavedState;
  /** One entry per tab (or session) left out of the file, with its size. */
  left: string[];
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * The state as it can be written within `maxBytes` (what the reader accepts): when the whole is
 * bigger, the biggest tabs (with their panes) are left out of the file until it fits — never a
 * session's last one while other tabs can go; whole sessions only after that — so a workspace grown past the file's limit (panes with huge
 * args, tens of thousands of panes) loses only those, never every session at the next start.
 */
export function fitState(state: SavedState, maxBytes: number): FittedState {
  const bytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v));
  let total = bytes(state);
  if (total <= maxBytes) return { state, left: [] };
  const sessions: SavedSession[] = state.sessions.map((s) => ({ ...s, tabs: [...s.tabs], panes: [...s.panes] }));
  // Each tab's share of the file: the tab and the panes of its tree.
  const tabs = sessions.flatMap((s) =>
    s.tabs.map((t) => {
      const ids = new Set(leafIds(t.tree));
      const panes = s.panes.filter((p) => ids.has(p.id));
      return { session: s, tab: t, ids, size: bytes(t) + panes.reduce((n, p) => n + bytes(p) + 1, 0) };
    }),
  );
  tabs.sort((a, b) => b.size - a.size);
  const left: string[] = [];
  // First the biggest tabs of sessions that keep another tab; then, if still too big, whole sessions.
  for (const e of tabs) {
    if (total <= maxBytes) break;
    const s = e.session;
    if (s.tabs.length === 1) continue;
    s.tabs = s.tabs.filter((t) => t !== e.tab);
    s.panes = s.panes.filter((p) => !e.ids.has(p.id));
    if (s.lastActiveTabId === e.tab.id) s.lastActiveTabId = s.tabs[0]!.id;
    total -= e.size;
    left.push(`tab ${e.tab.id} of session ${s.name} (${e.ids.size} pane${e.ids.size === 1 ? '' : 's'}, ${mib(e.size)})`);
  }
  const bySize = sessions.map((s) => ({ s, size: bytes(s) + 1 })).sort((a, b) => b.size - a.size);
  for (const { s, size } of bySize) {
    if (total <= maxBytes) break;
    sessions.splice(sessions.indexOf(s), 1);
    total -= size;
    left.push(`session ${s.name} (${mib(size)})`);
  }
  return { state: { ...state, sessions }, left };
}
