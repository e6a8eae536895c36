import { z } from 'zod';
import type { PaneCommand } from '@kubetile/rpc-schema';

/**
 * What a plugin receives in `plugin_on_command`: the seed's lossy mapping of PaneCommand plus the
 * lifecycle commands focus and resize. Tagged JSON, snake_case: `{"type":"filter","query":"web"}`.
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

export const PLUGIN_COMMAND_TYPES = PluginCommandSchema.options.map((o) => o.shape.type.value) as readonly PluginCommandType[];

/**
 * PaneCommand → PluginCommand. Lossy by design: search (the host's own search) and sort (tables
 * only) mean nothing to a plugin and map to null, which the pane drops.
 */
export function fromPaneCommand(cmd: PaneCommand): PluginCommand | null {
  switch (cmd.type) {
    case 'scroll_up':
    case 'scroll_down':
    case 'select_next':
    case 'select_prev':
    case 'select':
    case 'back':
    case 'go_to_top':
    case 'go_to_bottom':
    case 'page_up':
    case 'page_down':
    case 'toggle_follow':
    case 'toggle_wrap':
    case 'scroll_left':
    case 'scroll_right':
    case 'clear_filter':
      return { type: cmd.type };
    case 'send_input':
      return { type: 'send_input', text: cmd.text };
    case 'filter':
      return { type: 'filter', query: cmd.query };
    case 'search_input':
    case 'search_confirm':
    case 'search_clear':
    case 'sort_by_column':
    case 'toggle_sort_order':
    case 'toggle_mark':
    case 'clear_marks':
      return null;
  }
}

/** The JSON input of `plugin_on_command`: the command with the pane's id. */
export function commandInput(cmd: PluginCommand, paneId: number): string {
  return JSON.stringify({ ...cmd, pane_id: paneId });
}
