import { z } from 'zod';
import { MAX_PANES, MAX_SESSIONS, MAX_TABS, SavedPaneSchema, SavedSessionSchema, SavedStateSchema, SavedTabSchema, STATE_VERSION, type SavedPane, type SavedSession, type SavedState, type SavedTab } from './saved-state.js';

/**
 * The file's frame: the saved state with its sessions and features left unread (see `salvageState`).
 * Past the limits or not as this kubetile writes them (a newer one that keeps more sessions, a hand
 * edit), they are read in part: the whole file was moved aside, every session with it.
 */
const EnvelopeSchema = SavedStateSchema.extend({ savedAt: z.unknown().optional(), sessions: z.array(z.unknown()), features: z.unknown().optional(), nextIds: z.unknown().optional() });
const NextIdsSchema = SavedStateSchema.shape.nextIds;
const FeaturesSchema = SavedStateSchema.shape.features;

/** A session's frame: its tabs and panes left unread, each read on its own (the first of them, up to the limits). */
const SessionFrameSchema = SavedSessionSchema.extend({ tabs: z.array(z.unknown()), panes: z.array(z.unknown()) });

/**
 * The first `max` of `list`, the rest named in one line as left out: read no further than before
 * (a file of millions of entries must not stall the start), but no longer the whole file or session.
 */
function upTo<T>(list: T[], max: number, dropped: string[], what: string): T[] {
  if (list.length <= max) return list;
  dropped.push(`${list.length - max} ${what} after the first ${max} (the most kubetile keeps)`);
  return list.slice(0, max);
}

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
  const features = FeaturesSchema.safeParse(env.data.features);
  if (!features.success) dropped.push(`the saved features, port-forwards among them (${firstIssue(features.error)})`);
  upTo(env.data.sessions, MAX_SESSIONS, dropped, 'sessions').forEach((rawSession, i) => {
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
    const of = ` of session '${s.name}'`;
    upTo(s.tabs, MAX_TABS, dropped, `tabs${of}`).forEach((t, j) => {
      const r = SavedTabSchema.safeParse(t);
      if (r.success) tabs.push(r.data);
      else dropped.push(`tab ${idLabel(t, j)}${of} (${firstIssue(r.error)})`);
    });
    const panes: SavedPane[] = [];
    const paneIds = new Set<number>();
    upTo(s.panes, MAX_PANES, dropped, `panes${of}`).forEach((p, j) => {
      const r = SavedPaneSchema.safeParse(p);
      if (!r.success) dropped.push(`pane ${idLabel(p, j)}${of} (${firstIssue(r.error)})`);
      // Two views for one pane id: the restore took the last one and said nothing of the other.
      else if (paneIds.has(r.data.id)) dropped.push(`pane ${r.data.id} #${j + 1}${of} (a second pane of that id: the first is kept)`);
      else {
        paneIds.add(r.data.id);
        panes.push(r.data);
      }
    });
    if (tabs.length === 0) {
      if (s.tabs.length === 0) dropped.push(`session '${s.name}' (it has no tabs)`);
      return;
    }
    sessions.push({ name: s.name, tabs, panes, lastActiveTabId: s.lastActiveTabId });
  });
  const savedAt = typeof env.data.savedAt === 'string' ? env.data.savedAt : '';
  // Not valid: ids go on from the highest saved one, as before the file kept them (nothing of the user's is lost).
  const nextIds = NextIdsSchema.safeParse(env.data.nextIds);
  return { state: { version: STATE_VERSION, savedAt, sessions, features: features.success ? features.data : {}, ...(nextIds.success && nextIds.data ? { nextIds: nextIds.data } : {}) }, dropped };
}

/** A tab or pane as the user knows it: its id, or its place in the list when it has none. */
function idLabel(o: unknown, index: number): string {
  const id = (o as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : `#${index + 1}`;
}
