import { z } from 'zod';
import { MAX_PANES, MAX_SESSIONS, MAX_TABS, SavedPaneSchema, SavedSessionSchema, SavedStateSchema, SavedTabSchema, STATE_VERSION, type SavedPane, type SavedSession, type SavedState, type SavedTab } from './saved-state.js';

/** The file's frame: the saved state with its sessions left unread (see `salvageState`). */
const EnvelopeSchema = SavedStateSchema.extend({ sessions: z.array(z.unknown()).max(MAX_SESSIONS) });

/** A session's frame: its tabs and panes left unread, each read on its own. */
const SessionFrameSchema = SavedSessionSchema.extend({ tabs: z.array(z.unknown()).max(MAX_TABS), panes: z.array(z.unknown()).max(MAX_PANES) });

const firstIssue = (e: z.ZodError): string => {
  const i = e.issues[0];
  return i ? `${i.path.join('.') || 'itself'}: ${i.message}` : 'invalid';
};

/**
 * Reads a state file's value as much as it can: a session, tab or pane that is not valid is left
 * out, named in `dropped`, and the rest comes back — one bad tab (a hand edit, a disk error) no
 * longer costs every session its layout. An error when the file's frame itself is not a kubetile state.
 */
export function salvageState(raw: unknown): { state: SavedState; dropped: string[] } | { error: string } {
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) return { error: firstIssue(env.error) };
  const dropped: string[] = [];
  const sessions: SavedSession[] = [];
  const names = new Set<string>();
  env.data.sessions.forEach((rawSession, i) => {
    const frame = SessionFrameSchema.safeParse(rawSession);
    if (!frame.success) {
      const name = (rawSession as { name?: unknown } | null)?.name;
      dropped.push(`session ${typeof name === 'string' && name !== '' ? `'${name.slice(0, 64)}'` : `#${i + 1}`} (${firstIssue(frame.error)})`);
      return;
    }
    const s = frame.data;
    if (names.has(s.name)) {
      dropped.push(`session '${s.name}' #${i + 1} (a second session of that name: the first is kept)`);
      return;
    }
    names.add(s.name);
    const tabs: SavedTab[] = [];
    s.tabs.forEach((t, j) => {
      const r = SavedTabSchema.safeParse(t);
      if (r.success) tabs.push(r.data);
      else dropped.push(`tab ${idLabel(t, j)} of session '${s.name}' (${firstIssue(r.error)})`);
    });
    const panes: SavedPane[] = [];
    s.panes.forEach((p, j) => {
      const r = SavedPaneSchema.safeParse(p);
      if (r.success) panes.push(r.data);
      else dropped.push(`pane ${idLabel(p, j)} of session '${s.name}' (${firstIssue(r.error)})`);
    });
    if (tabs.length === 0) {
      if (s.tabs.length === 0) dropped.push(`session '${s.name}' (it has no tabs)`);
      return;
    }
    sessions.push({ name: s.name, tabs, panes, lastActiveTabId: s.lastActiveTabId });
  });
  return { state: { version: STATE_VERSION, savedAt: env.data.savedAt, sessions, features: env.data.features }, dropped };
}

/** A tab or pane as the user knows it: its id, or its place in the list when it has none. */
function idLabel(o: unknown, index: number): string {
  const id = (o as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : `#${index + 1}`;
}
