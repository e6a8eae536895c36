import { appAction, commandAction, localAction, paneAction, pluginAction, sortAction, type Action } from './actions.js';

/**
 * Groups in lookup order. `global` applies in every mode; the others in normal mode, in this order
 * (KubeTile's order: mutate → interact → browse → navigation → tui).
 */
export const GROUPS = ['global', 'mutate', 'interact', 'browse', 'navigation', 'tui', 'logs', 'exec', 'port_forwards', 'query_editor', 'query_browse', 'viewer'] as const;
export type Group = (typeof GROUPS)[number];

/**
 * Groups that apply only while a pane of their kind is focused (its `bindingGroup`); they are looked
 * up right after `global`, so they may reuse keys of the other groups (`p` is "previous container"
 * in a logs pane, "port-forward" on a list).
 */
export const PANE_GROUPS = ['logs', 'exec', 'port_forwards', 'query_editor', 'query_browse', 'viewer'] as const;
export type PaneGroup = (typeof PANE_GROUPS)[number];
export const isPaneGroup = (g: Group): g is PaneGroup => (PANE_GROUPS as readonly string[]).includes(g);

export interface BindingDef {
  group: Group;
  name: string;
  keys: string[];
  action: Action;
  description: string;
}

const def = (group: Group, name: string, keys: string | string[], action: Action, description: string): BindingDef => ({
  group,
  name,
  keys: Array.isArray(keys) ? keys : [keys],
  action,
  description,
});

/** KubeTile's default groups, embedded (its defaults.toml), with our terminal-safe fixes noted inline. */
export const DEFAULT_BINDINGS: readonly BindingDef[] = [
  // [keybindings.navigation]
  def('navigation', 'scroll_up', 'k', paneAction({ type: 'select_prev' }), 'Up'),
  def('navigation', 'scroll_down', 'j', paneAction({ type: 'select_next' }), 'Down'),
  def('navigation', 'select_prev', 'up', paneAction({ type: 'select_prev' }), 'Up'),
  def('navigation', 'select_next', 'down', paneAction({ type: 'select_next' }), 'Down'),
  def('navigation', 'select', 'enter', paneAction({ type: 'select' }), 'Open / select (a workload, Service, namespace or node: its pods; a CronJob: its Jobs)'),
  def('navigation', 'back', 'esc', paneAction({ type: 'back' }), 'Back'),
  def('navigation', 'go_to_top', 'g', paneAction({ type: 'go_to_top' }), 'Top'),
  def('navigation', 'go_to_bottom', 'shift+g', paneAction({ type: 'go_to_bottom' }), 'Bottom'),
  def('navigation', 'page_up', 'ctrl+b', paneAction({ type: 'page_up' }), 'Page up'),
  def('navigation', 'page_down', 'ctrl+f', paneAction({ type: 'page_down' }), 'Page down'),
  def('navigation', 'page_up_key', 'pageup', paneAction({ type: 'page_up' }), 'Page up'),
  def('navigation', 'page_down_key', 'pagedown', paneAction({ type: 'page_down' }), 'Page down'),
  def('navigation', 'scroll_left', 'ctrl+left', paneAction({ type: 'scroll_left' }), 'Scroll left'),
  def('navigation', 'scroll_right', 'ctrl+right', paneAction({ type: 'scroll_right' }), 'Scroll right'),
  // [keybindings.browse] (the parts the built-in panes use so far)
  def('browse', 'view_switcher', ':', appAction('view_switcher'), 'Switch view'),
  def('browse', 'filter', '/', appAction('filter'), 'Filter'),
  def('browse', 'toggle_follow', 'f', paneAction({ type: 'toggle_follow' }), 'Follow'),
  def('browse', 'toggle_wrap', 'w', paneAction({ type: 'toggle_wrap' }), 'Wrap'),
  def('browse', 'toggle_sort_order', 'shift+s', paneAction({ type: 'toggle_sort_order' }), 'Sort order'),
  // k9s's habits: `s` on a Node opens a node shell, on a CronJob suspends or resumes it; `o` sorts every list, those included.
  def('browse', 'sort_column', 's', appAction('sort_column'), 'Sort by next column (on a Node: node shell; on a CronJob: suspend / resume)'),
  def('browse', 'sort_column_only', 'o', appAction('sort_column_only'), 'Sort by next column'),
  // k9s's column sort keys (pressed again: the other way round); shift+s stays the reverse key.
  def('browse', 'sort_name', 'shift+n', sortAction('name'), 'Sort by NAME'),
  def('browse', 'sort_age', 'shift+a', sortAction('age'), 'Sort by AGE'),
  def('browse', 'sort_namespace', 'shift+p', sortAction('namespace'), 'Sort by NAMESPACE'),
  def('browse', 'sort_ready', 'shift+r', sortAction('ready'), 'Sort by READY'),
  def('browse', 'sort_restarts', 'shift+t', sortAction('restarts'), 'Sort by RESTARTS'),
  def('browse', 'sort_ip', 'shift+i', sortAction('ip'), 'Sort by IP'),
  def('browse', 'sort_node', 'shift+o', sortAction('node'), 'Sort by NODE'),
  // `-o wide` (k9s's ctrl+w closes a tab here): NODE and IP on pods, the wide columns of every kind.
  def('browse', 'toggle_wide', 'shift+w', appAction('toggle_wide'), 'Wide columns on/off'),
  // k9s's fault filter: only the rows not ready or in error (as coloured), with the `/` filter too.
  def('browse', 'toggle_faults', 'ctrl+z', appAction('toggle_faults'), 'Faults only on/off'),
  // k9s's `?`, beside F1.
  def('browse', 'help', '?', appAction('help'), 'Help'),
  def('browse', 'toggle_all_namespaces', 'a', appAction('toggle_all_namespaces'), 'All namespaces'),
  // k9s's favorite namespaces: 0 all, 1–9 the ones the tab bar numbers (those the tab was pointed at, newest first).
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => def('browse', `namespace_${n}`, String(n), appAction('namespace_favorite', n), n === 0 ? 'All namespaces (the tab)' : `Favorite namespace ${n}`)),
  def('browse', 'toggle_mark', 'space', paneAction({ type: 'toggle_mark' }), 'Mark / unmark the row (delete and commands act on the marked rows)'),
  def('browse', 'clear_marks', 'ctrl+\\', paneAction({ type: 'clear_marks' }), 'Clear the marks'),
  def('browse', 'view_yaml', 'y', appAction('view_yaml'), 'YAML'),
  def('browse', 'view_describe', 'd', appAction('view_describe'), 'Describe'),
  // [keybindings.interact]: on the selected resource (KubeTile's group).
  def('interact', 'view_logs', 'l', appAction('view_logs'), 'Logs'),
  def('interact', 'exec', 'e', appAction('exec'), 'Exec (shell)'),
  def('interact', 'port_forward', 'p', appAction('port_forward'), 'Port-forward'),
  // KubeTile's query pane (PostgreSQL) on the selected pod.
  def('interact', 'open_query', 'shift+q', appAction('open_query'), 'Query (PostgreSQL console)'),
  def('interact', 'xray', 'x', appAction('xray'), 'Xray: workload → replicasets → pods → containers (on a Secret: its data decoded)'),
  // k9s's shift+j: the owner's list in this pane's place, the owner selected; esc comes back.
  def('interact', 'jump_owner', 'shift+j', appAction('jump_owner'), 'Jump to the owner (esc: back)'),
  def('interact', 'debug_container', 'shift+d', appAction('debug_container'), 'Debug container (ephemeral, kubectl debug)'),
  // [keybindings.mutate]: each asks for confirmation once (KubeTile asked twice).
  // ctrl+d is k9s's delete.
  def('mutate', 'delete', ['ctrl+alt+x', 'ctrl+d'], appAction('delete'), 'Delete resource'),
  // k9s's ctrl+k (here ctrl+k picks the context): a pod stuck Terminating goes at once.
  def('mutate', 'kill', 'ctrl+alt+k', appAction('kill'), 'Force-delete the Pod (no grace period; kubectl delete --force)'),
  // k9s's `e` (here `e` is KubeTile's exec): the YAML in this terminal's $EDITOR, written back on save.
  def('mutate', 'edit', 'shift+e', appAction('edit'), 'Edit (the YAML in your $EDITOR; saving applies it)'),
  // k9s's node keys: `c` cordon, `u` uncordon, `r` drain.
  def('mutate', 'cordon', 'c', appAction('cordon'), 'Cordon the Node (on other rows: copy the name)'),
  def('mutate', 'uncordon', 'u', appAction('uncordon'), 'Uncordon the Node'),
  def('mutate', 'drain', 'r', appAction('drain'), 'Drain the Node (cordon, then evict its pods; disruption budgets respected)'),
  // k9s's `t` on a CronJob: a Job from its template, now.
  def('mutate', 'trigger', 't', appAction('trigger'), 'Trigger the CronJob now (a Job from its template)'),
  // k9s's `i`: one container's image (kubectl set image), asked with the current one filled in.
  def('mutate', 'set_image', 'i', appAction('set_image'), 'Set a container image (kubectl set image)'),
  def('mutate', 'scale', 'ctrl+alt+s', appAction('scale'), 'Scale'),
  def('mutate', 'restart_rollout', 'ctrl+alt+r', appAction('restart_rollout'), 'Restart rollout'),
  // KubeTile's debug mode: the workload's container sleeps instead of running its command (annotations restore it).
  def('mutate', 'debug_mode', 'ctrl+alt+d', appAction('debug_mode'), 'Debug mode on/off'),
  def('mutate', 'root_debug_mode', 'f5', appAction('root_debug_mode'), 'Root debug mode on/off'),
  // [keybindings.tui]
  def('tui', 'close_pane', 'alt+x', appAction('close_pane'), 'Close pane'),
  def('tui', 'new_tab', 'ctrl+t', appAction('new_tab'), 'New tab'),
  def('tui', 'close_tab', 'ctrl+w', appAction('close_tab'), 'Close tab'),
  // KubeTile has no default for next/prev tab; browsers' ctrl+pageup/pagedown are a safe choice.
  def('tui', 'next_tab', 'ctrl+pagedown', appAction('next_tab'), 'Next tab'),
  def('tui', 'prev_tab', 'ctrl+pageup', appAction('prev_tab'), 'Previous tab'),
  def('tui', 'toggle_fullscreen', 'alt+f', appAction('toggle_fullscreen'), 'Fullscreen'),
  def('tui', 'focus_up', 'alt+up', appAction('focus_up'), 'Focus up'),
  def('tui', 'focus_down', 'alt+down', appAction('focus_down'), 'Focus down'),
  def('tui', 'focus_left', 'alt+left', appAction('focus_left'), 'Focus left'),
  def('tui', 'focus_right', 'alt+right', appAction('focus_right'), 'Focus right'),
  def('tui', 'split_vertical', 'alt+v', appAction('split_vertical'), 'Split'),
  def('tui', 'split_horizontal', 'alt+h', appAction('split_horizontal'), 'Split below'),
  def('tui', 'resize_grow', 'alt+shift+up', appAction('resize_grow'), 'Grow'),
  def('tui', 'resize_shrink', 'alt+shift+down', appAction('resize_shrink'), 'Shrink'),
  def('tui', 'focus_next', 'tab', appAction('focus_next'), 'Next pane'),
  def('tui', 'focus_prev', 'shift+tab', appAction('focus_prev'), 'Previous pane'),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => def('tui', `goto_tab_${n}`, `alt+${n}`, appAction('goto_tab', n), `Tab ${n}`)),
  // [keybindings.global]
  def('global', 'help', 'f1', appAction('help'), 'Help'),
  def('global', 'pane_help', 'f2', appAction('pane_help'), "Help for the focused pane's keys"),
  def('global', 'namespace_selector', 'ctrl+n', appAction('namespace_selector'), 'Namespace'),
  def('global', 'context_selector', 'ctrl+k', appAction('context_selector'), 'Context'),
  // Terminals cannot tell ctrl+shift+l from ctrl+l (KubeTile folded them), so app logs moved to alt+l.
  def('global', 'app_logs', 'alt+l', appAction('app_logs'), 'App logs'),
  // kubetile is a daemon: ctrl+q detaches this terminal, like tmux; `kubetile kill-server` stops it.
  def('global', 'detach', 'ctrl+q', appAction('detach'), 'Detach'),
  // KubeTile's key; only terminals that tell ctrl+shift+p from ctrl+p can send it (the client turns on the kitty
  // keyboard protocol for those that have it; `:port-forwards` always works).
  def('global', 'port_forwards', 'ctrl+shift+p', appAction('port_forwards'), 'Port-forwards'),
  // [keybindings.logs]: in a logs pane.
  def('logs', 'toggle_timestamps', 't', localAction('toggle_timestamps'), 'Timestamps on/off'),
  def('logs', 'previous', 'p', localAction('toggle_previous'), "Previous container's logs"),
  def('logs', 'containers', 'c', localAction('pick_container'), 'Container'),
  def('logs', 'since', 's', localAction('pick_since'), 'Since (1m … all)'),
  def('logs', 'save_logs', 'ctrl+s', localAction('save'), 'Save shown lines'),
  def('logs', 'download_logs', 'ctrl+e', localAction('download'), 'Download full log'),
  // [keybindings.exec]: in an exec pane. Insert mode sends every key (Esc included) to the shell but leave_insert.
  def('exec', 'enter_insert', ['i', 'enter'], appAction('enter_insert'), 'Type into the shell'),
  def('exec', 'leave_insert', 'ctrl+]', appAction('leave_insert'), 'Leave insert mode'),
  // [keybindings.port_forwards]: in the port-forwards pane.
  def('port_forwards', 'stop', ['ctrl+alt+x', 'ctrl+d', 'x'], localAction('stop'), 'Stop the forward'),
  // [keybindings.query_editor]: the query pane's editor (insert mode: every other key types).
  def('query_editor', 'execute', ['ctrl+enter', 'ctrl+r', 'f5'], localAction('execute'), 'Run the query (ctrl+r/f5 where ctrl+enter cannot be sent)'),
  def('query_editor', 'cancel', 'ctrl+c', localAction('cancel'), 'Cancel the running query (server-side)'),
  def('query_editor', 'browse_results', ['esc', 'ctrl+down'], localAction('browse_results'), 'Browse the results (normal mode)'),
  def('query_editor', 'autocomplete', 'ctrl+space', localAction('autocomplete'), 'Complete tables, columns, key words'),
  def('query_editor', 'history', 'ctrl+p', localAction('history'), 'History of this pod and database'),
  def('query_editor', 'save_query', 'ctrl+s', localAction('save_query'), 'Save the query'),
  def('query_editor', 'open_saved', 'ctrl+o', localAction('open_saved'), 'Saved queries'),
  def('query_editor', 'indent', 'tab', localAction('indent'), 'Indent'),
  def('query_editor', 'deindent', 'shift+tab', localAction('deindent'), 'Unindent'),
  // [keybindings.query_browse]: the query pane in normal mode (j/k, g/G, pgup/pgdn move by rows).
  def('query_browse', 'edit', ['i', 'enter', 'ctrl+up'], localAction('edit'), 'Edit the query (insert mode)'),
  def('query_browse', 'execute', ['f5', 'ctrl+r'], localAction('execute'), 'Run the query again'),
  def('query_browse', 'cancel', 'ctrl+c', localAction('cancel'), 'Cancel the running query'),
  def('query_browse', 'prev_column', ['h', 'left'], localAction('prev_column'), 'Previous column'),
  def('query_browse', 'next_column', ['l', 'right'], localAction('next_column'), 'Next column'),
  def('query_browse', 'copy_row', 'y', localAction('copy_row'), 'Copy the row as CSV'),
  def('query_browse', 'copy_all', 'shift+y', localAction('copy_all'), 'Copy header and all rows as CSV'),
  def('query_browse', 'export', 'shift+e', localAction('export'), 'Export the result to a CSV file'),
  def('query_browse', 'more_rows', 'm', localAction('more_rows'), 'Fetch more rows (raise the row cap)'),
  def('query_browse', 'record', 'v', localAction('record'), 'Show the row whole (JSON pretty, long values)'),
  def('query_browse', 'history', 'ctrl+p', localAction('history'), 'History'),
  def('query_browse', 'open_saved', 'ctrl+o', localAction('open_saved'), 'Saved queries'),
  def('query_browse', 'reconnect', 'shift+r', localAction('reconnect'), 'Connection dialog (another user or database)'),
  // [keybindings.viewer]: a YAML, describe or decoded-Secret pane (`/` searches there), less's and k9s's n / N.
  def('viewer', 'next_match', 'n', localAction('next_match'), 'Next search match'),
  def('viewer', 'prev_match', 'shift+n', localAction('prev_match'), 'Previous search match'),
];

/** A `[[plugins]]` keybinding: group `global`, name `plugin:<key>`, opens or focuses that plugin's pane. */
export function pluginBinding(key: string, keys: string[]): BindingDef {
  return def('global', `plugin:${key}`, keys, pluginAction(key), `Plugin ${key}`);
}

/** A `[[commands]]` entry's key, in the interact group (a built-in key there wins, with a warning). */
export function commandBinding(name: string, keys: string[], description?: string): BindingDef {
  return def('interact', `command:${name}`, keys, commandAction(name), description ?? `Command ${name}`);
}

/** Binding names shown as status-bar hints, in order, with their labels. */
export const HINT_BINDINGS: ReadonlyArray<[Group, string, string]> = [
  ['global', 'help', 'Help'],
  ['global', 'namespace_selector', 'Namespace'],
  ['global', 'context_selector', 'Context'],
  ['tui', 'split_vertical', 'Split'],
  ['tui', 'close_pane', 'Close pane'],
  ['tui', 'new_tab', 'New tab'],
  ['browse', 'view_switcher', 'View'],
  ['global', 'detach', 'Detach'],
];

/**
 * The status row's hints while a dialog or the filter line takes the keys: the keys key-router.ts
 * gives them (confirmKey, selectorKey, inputKey, filterKey; fixed there, not bindings).
 */
export const MODAL_HINTS: Readonly<Record<'confirm' | 'selector' | 'input' | 'filter', ReadonlyArray<{ key: string; label: string }>>> = {
  confirm: [
    { key: 'y', label: 'Yes' },
    { key: 'n', label: 'No' },
  ],
  selector: [
    { key: 'enter', label: 'Pick' },
    { key: 'down', label: 'Next' },
    { key: 'up', label: 'Previous' },
    { key: 'esc', label: 'Cancel (type to narrow)' },
  ],
  input: [
    { key: 'enter', label: 'OK' },
    { key: 'esc', label: 'Cancel' },
  ],
  filter: [
    { key: 'enter', label: 'Keep the filter' },
    { key: 'esc', label: 'Clear it' },
  ],
};
