import { z } from 'zod';

/**
 * PluginCommand (plugin ABI): what a plugin's `plugin_on_command` receives — the daemon's lossy
 * mapping of PaneCommand plus the lifecycle commands focus and resize. Tagged JSON, snake_case,
 * with the pane's id added by the host: `{"type":"filter","query":"web","pane_id":3}`.
 *
 * Declared once, here: the daemon validates and sends with it, the SDK's abi.mjs derives its
 * COMMAND_TYPES from it, and a test checks the AssemblyScript decoder (packages/sdk/assembly/
 * command.ts) against it.
 */
export const PluginCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scroll_up') }),
  z.object({ type: z.literal('scroll_down') }),
  z.object({ type: z.literal('select_next') }),
  z.object({ type: z.literal('select_prev') }),
  /**
   * Enter. On an ABI v2 table, `row` is the selected row's position in the `rows` of the plugin's
   * last render and `key` its key (when the plugin gave one); absent otherwise.
   */
  z.object({ type: z.literal('select'), row: z.number().int().min(0).optional(), key: z.string().optional() }),
  z.object({ type: z.literal('back') }),
  z.object({ type: z.literal('go_to_top') }),
  z.object({ type: z.literal('go_to_bottom') }),
  z.object({ type: z.literal('page_up') }),
  z.object({ type: z.literal('page_down') }),
  z.object({ type: z.literal('toggle_follow') }),
  z.object({ type: z.literal('toggle_wrap') }),
  z.object({ type: z.literal('scroll_left') }),
  z.object({ type: z.literal('scroll_right') }),
  z.object({ type: z.literal('send_input'), text: z.string() }),
  z.object({ type: z.literal('filter'), query: z.string() }),
  z.object({ type: z.literal('clear_filter') }),
  z.object({ type: z.literal('focus'), focused: z.boolean() }),
  z.object({ type: z.literal('resize'), width: z.number().int().min(0).max(65535), height: z.number().int().min(0).max(65535) }),
]);
export type PluginCommand = z.infer<typeof PluginCommandSchema>;
export type PluginCommandType = PluginCommand['type'];

/** The `type` values, in declaration order. */
export const PLUGIN_COMMAND_TYPES = Object.freeze(PluginCommandSchema.options.map((o) => o.shape.type.value)) as readonly PluginCommandType[];

/** Each command type with the names of its fields besides `type` (what a decoder must read). */
export const PLUGIN_COMMAND_FIELDS: Readonly<Record<PluginCommandType, readonly string[]>> = Object.freeze(
  Object.fromEntries(PluginCommandSchema.options.map((o) => [o.shape.type.value, Object.keys(o.shape).filter((k) => k !== 'type')])) as Record<PluginCommandType, string[]>,
);
