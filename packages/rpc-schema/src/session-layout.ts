import { z } from 'zod';
import { PaneTreeSchema } from './layout.js';

export const InputModeSchema = z.enum(['normal', 'filter', 'search', 'insert', 'selector', 'confirm']);
export type InputMode = z.infer<typeof InputModeSchema>;

export const TabInfoSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  tree: PaneTreeSchema,
  fullscreenPaneId: z.number().int().nullable(),
  /** The pane this client has focused in this tab. */
  focusedPaneId: z.number().int(),
  context: z.string().nullable(),
  namespace: z.string(),
});
export type TabInfo = z.infer<typeof TabInfoSchema>;

export const OverlaySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('selector'),
    title: z.string(),
    query: z.string(),
    /** Only the items that match the query (at most a screenful). */
    items: z.array(z.string()),
    /** The selected item's index in `items`. */
    selected: z.number().int(),
    total: z.number().int(),
    /** Where `items[0]` is among all `total` matching items (0 when omitted): the selected one is item offset + selected + 1 of total. */
    offset: z.number().int().min(0).optional(),
  }),
  z.object({ type: z.literal('confirm'), title: z.string(), text: z.string() }),
  z.object({ type: z.literal('input'), title: z.string(), value: z.string() }),
]);
export type Overlay = z.infer<typeof OverlaySchema>;

export const HintSchema = z.object({ key: z.string(), label: z.string() });
export type Hint = z.infer<typeof HintSchema>;

export const StatusInfoSchema = z.object({
  /** Cluster context of the active tab, `demo cluster` on the built-in demo. */
  context: z.string(),
  /** connected | reconnecting | no cluster | … */
  cluster: z.string(),
  hints: z.array(HintSchema),
  /** The daemon runs read-only (`--readonly`, `readonly = true`): writes are refused, and the status bar says so. */
  readonly: z.boolean().optional(),
  /** The active tab's context's favorite namespaces, k9s's: key 1 picks the first … 9 the ninth (0: all namespaces). */
  namespaces: z.array(z.string()).max(9).optional(),
});
export type StatusInfo = z.infer<typeof StatusInfoSchema>;

/** Everything a client needs to draw the chrome around its panes. Sent per client. */
export const SessionLayoutSchema = z.object({
  session: z.string(),
  clientId: z.string(),
  tabs: z.array(TabInfoSchema),
  activeTabId: z.number().int(),
  mode: InputModeSchema,
  /** Text being typed in filter/search mode. */
  input: z.string().optional(),
  overlay: OverlaySchema.nullable(),
  status: StatusInfoSchema,
  /** Titles of the panes of the active tab, by pane id. */
  paneTitles: z.record(z.string(), z.string()),
  /**
   * This client's layouts are numbered 1, 2, … as they are sent. A client sends the number of the
   * last one it had when a key was typed (`client/key` `seen`): a dialog takes no answer typed
   * before the layout that first showed it reached the terminal.
   */
  seq: z.number().int().min(1).optional(),
});
export type SessionLayout = z.infer<typeof SessionLayoutSchema>;
