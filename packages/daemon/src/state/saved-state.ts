import { z } from 'zod';
import { PaneTreeSchema, SessionNameSchema, tooDeepAt, ViewSpecSchema } from '@kubetile/rpc-schema';

/** The version of the state file this daemon writes; a newer one is moved aside, never misread. */
export const STATE_VERSION = 1;

/**
 * Tab and pane ids in the file: up to 2^30, so the ids made after a restore (the highest + 1, …) stay
 * within what every client and the CLI take (a saved 2^31 made the next pane 2^31 + 1, refused there).
 */
const Id = z.number().int().min(1).max(2 ** 30);

/** The most a state file holds: sessions, tabs in a session, panes in a session. */
export const MAX_SESSIONS = 64;
export const MAX_TABS = 256;
export const MAX_PANES = 4096;
/**
 * The most splits a tab's tree nests (each one halves a pane: far past what a screen can show). The
 * workspace refuses a deeper split; a deeper tree in a file is refused before it is recursed into
 * (1,000 levels overflowed the stack of the schema's check, and the daemon could not start).
 */
export const MAX_TREE_DEPTH = 32;

/** A value as a message shows it: short, one line. */
const shown = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  const j = JSON.stringify(v) ?? String(v);
  return j.length > 40 ? `${j.slice(0, 40)}…` : j;
};

/**
 * The first node of a layout that is neither a leaf nor a split with both its children, with its
 * path: the schema's union said only "tree: Invalid input" for a split missing a child, a node of
 * a type it does not know, a direction it does not know or a leaf without a pane id, anywhere in
 * the tree. (Ratios it names itself.) The tree is no deeper than MAX_TREE_DEPTH here.
 */
function treeShapeProblem(node: unknown, path: Array<string | number>): { path: Array<string | number>; message: string } | null {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return { path, message: `expected a leaf or a split, got ${shown(node)}` };
  const n = node as Record<string, unknown>;
  if (n.type === 'leaf') return Number.isInteger(n.paneId) ? null : { path: [...path, 'paneId'], message: `expected a whole pane id, got ${shown(n.paneId)}` };
  if (n.type !== 'split') return { path: [...path, 'type'], message: `expected 'leaf' or 'split', got ${shown(n.type)}` };
  if (n.direction !== 'vertical' && n.direction !== 'horizontal') return { path: [...path, 'direction'], message: `expected 'vertical' or 'horizontal', got ${shown(n.direction)}` };
  for (const child of ['first', 'second'] as const) {
    if (n[child] === undefined) return { path: [...path, child], message: 'a split without its child' };
    const p = treeShapeProblem(n[child], [...path, child]);
    if (p) return p;
  }
  return null;
}

const BoundedTreeSchema = z
  .unknown()
  .transform((tree, ctx) => {
    if (tooDeepAt(tree, MAX_TREE_DEPTH + 1) !== null) {
      ctx.addIssue({ code: 'custom', message: `the layout is nested more than ${MAX_TREE_DEPTH} splits deep` });
      return z.NEVER;
    }
    const bad = treeShapeProblem(tree, []);
    if (bad === null) return tree;
    ctx.addIssue({ code: 'custom', message: bad.message, path: bad.path });
    return z.NEVER;
  })
  .pipe(PaneTreeSchema);

export const SavedPaneSchema = z.object({
  id: Id,
  /** The pane's view, its own state (filter, sort, container…) merged into the args. */
  view: ViewSpecSchema,
});

export const SavedTabSchema = z.object({
  id: Id,
  context: z.string().max(253).nullable(),
  namespace: z.string().max(253),
  tree: BoundedTreeSchema,
  lastFocusedPaneId: Id,
});

export const SavedSessionSchema = z.object({
  // As the socket takes it: a session restored with another name could never be attached or killed.
  name: SessionNameSchema,
  tabs: z.array(SavedTabSchema).min(1).max(MAX_TABS),
  panes: z.array(SavedPaneSchema).max(MAX_PANES),
  lastActiveTabId: Id.nullable(),
});

/** Port-forwards to start again (each feature saves what it owns under its own key). */
export const SavedStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  savedAt: z.string(),
  sessions: z.array(SavedSessionSchema).max(MAX_SESSIONS),
  features: z.record(z.string(), z.unknown()).default({}),
  /**
   * The ids the next pane and tab get: a restarted daemon goes on from them, so an id closed before
   * the restart is never given to a new pane (a script still holding it acted on the new one).
   * Absent in files saved before; then ids go on from the highest saved one.
   */
  nextIds: z.object({ pane: Id, tab: Id }).optional(),
});

export type SavedPane = z.infer<typeof SavedPaneSchema>;
export type SavedTab = z.infer<typeof SavedTabSchema>;
export type SavedSession = z.infer<typeof SavedSessionSchema>;
export type SavedState = z.infer<typeof SavedStateSchema>;
