import type { PaneCommand, PluginCommand } from '@kubetile/rpc-schema';

// PluginCommand is declared once, in the contract (packages/rpc-schema/src/plugin-command.ts).
export { PLUGIN_COMMAND_TYPES, PluginCommandSchema, type PluginCommand, type PluginCommandType } from '@kubetile/rpc-schema';

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
