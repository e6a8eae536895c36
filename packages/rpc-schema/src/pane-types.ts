/**
 * The daemon's own pane types (`pane/open {view:{key}}`, `pane/types`): a plugin's `[[plugins]]` key
 * cannot be one of them (the daemon refuses the plugin), so `kubetile plugin new` refuses these names
 * up front. test/integration/pane-types-builtin.test.ts holds this list to what a daemon registers.
 */
export const BUILTIN_PANE_TYPES: readonly string[] = Object.freeze([
  'app-logs',
  'command-output',
  'empty',
  'exec',
  'help',
  'logs',
  'node-shell',
  'port-forwards',
  'pulse',
  'query',
  'resource-decoded',
  'resource-describe',
  'resource-detail',
  'resource-list',
  'resource-yaml',
  'top',
  'top-nodes',
  'xray',
]);
