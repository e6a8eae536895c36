import type { PaneCommand } from '@kubetile/rpc-schema';

/** Intents handled by the session/client layer rather than a pane. */
export type AppCommand =
  | 'help'
  | 'app_logs'
  | 'detach'
  | 'split_vertical'
  | 'split_horizontal'
  | 'close_pane'
  | 'new_tab'
  | 'close_tab'
  | 'next_tab'
  | 'prev_tab'
  | 'goto_tab'
  | 'toggle_fullscreen'
  | 'focus_next'
  | 'focus_prev'
  | 'focus_up'
  | 'focus_down'
  | 'focus_left'
  | 'focus_right'
  | 'resize_grow'
  | 'resize_shrink'
  | 'filter'
  | 'view_switcher'
  | 'namespace_selector'
  | 'context_selector'
  | 'toggle_all_namespaces'
  | 'sort_column'
  | 'view_yaml'
  | 'view_describe'
  | 'delete'
  | 'edit'
  | 'cordon'
  | 'uncordon'
  | 'kill'
  | 'drain'
  | 'trigger'
  | 'scale'
  | 'restart_rollout'
  | 'view_logs'
  | 'exec'
  | 'port_forward'
  | 'port_forwards'
  | 'enter_insert'
  | 'leave_insert'
  | 'open_plugin'
  | 'pane_help'
  | 'sort_column_only'
  | 'toggle_wide'
  | 'toggle_faults'
  | 'debug_mode'
  | 'root_debug_mode'
  | 'debug_container'
  | 'xray'
  | 'jump_owner'
  | 'set_image'
  | 'sort_by'
  | 'namespace_favorite'
  | 'open_query'
  | 'run_command';

/**
 * `pane`: a PaneCommand for the focused pane; `app`: the session/client layer (`plugin` names the
 * pane type of `open_plugin`); `local`: a pane-scoped action the focused pane handles by name
 * (bindings of a pane group: `toggle_timestamps` in a logs pane).
 */
export type Action =
  | { kind: 'pane'; command: PaneCommand }
  | { kind: 'app'; command: AppCommand; arg?: number; plugin?: string; name?: string }
  | { kind: 'local'; name: string };

export const paneAction = (command: PaneCommand): Action => ({ kind: 'pane', command });
export const appAction = (command: AppCommand, arg?: number): Action =>
  arg === undefined ? { kind: 'app', command } : { kind: 'app', command, arg };

/** A plugin's keybinding: open its pane (split the focused pane) or focus it in the active tab. */
export const pluginAction = (key: string): Action => ({ kind: 'app', command: 'open_plugin', plugin: key });

/** A `[[commands]]` entry's key: run it on the focused list's selection. */
export const commandAction = (name: string): Action => ({ kind: 'app', command: 'run_command', name });
/** k9s's column sort keys: sort by the column `id` (again: the other way round). */
export const sortAction = (column: string): Action => ({ kind: 'app', command: 'sort_by', name: column });

export const localAction = (name: string): Action => ({ kind: 'local', name });

/** A name for logs and `client/key` results: `pane:select_next`, `app:split_vertical`, `app:goto_tab:3`, `local:save`. */
export function actionName(a: Action): string {
  if (a.kind === 'local') return `local:${a.name}`;
  return a.kind === 'pane' ? `pane:${a.command.type}` : `app:${a.command}${a.arg !== undefined ? `:${a.arg}` : ''}${a.plugin !== undefined ? `:${a.plugin}` : ''}${a.name !== undefined ? `:${a.name}` : ''}`;
}
