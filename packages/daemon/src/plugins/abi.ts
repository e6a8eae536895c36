import { isPermission, PERMISSION_FORMS } from './permissions.js';
export { grantedHostFunctions, HOST_FUNCTIONS, hostFunctionGranted, isHostFunctionName, type HostFunctionName } from '@kubetile/rpc-schema/plugin-abi';

/**
 * kubetile plugin ABI v1, host side: the import module, the host functions and the permission
 * that grants each, the exports a plugin has, and the limits the host enforces.
 * (The permissions and host-function table are declared once in @kubetile/rpc-schema/plugin-abi,
 * which the SDK's abi.mjs uses too.)
 */

/** Import module of the kubetile host functions. */
export const HOST_MODULE = 'kubetile';

/** Import module of the Extism kernel functions. */
export const EXTISM_ENV_MODULE = 'extism:host/env';

/** The forms a permission takes (see permissions.ts for what each allows). */
export const PERMISSIONS = PERMISSION_FORMS;
export { isPermission };

/**
 * Extism kernel functions a plugin may import. The rest of what the kernel offers (HTTP) needs a
 * capability kubetile does not grant, so importing it is refused at load.
 */
export const EXTISM_ENV_FUNCTIONS: ReadonlySet<string> = new Set([
  'alloc', 'free', 'length', 'length_unsafe',
  'load_u8', 'load_u64', 'store_u8', 'store_u64',
  'input_offset', 'input_length', 'input_load_u8', 'input_load_u64',
  'output_set', 'error_set', 'error_get',
  'config_get', 'var_get', 'var_set',
  'log_warn', 'log_info', 'log_debug', 'log_error', 'log_trace', 'get_log_level',
]);

export const REQUIRED_EXPORTS = ['plugin_on_command'] as const;
export const OPTIONAL_EXPORTS = [
  'plugin_init', 'plugin_on_open', 'plugin_on_close', 'plugin_on_tick', 'plugin_snapshot', 'plugin_restore', 'plugin_on_event',
  // Never called: exporting it declares ABI v2 (styled lines and tables; see render-v2.ts).
  'plugin_abi_v2',
] as const;
export type PluginExport = (typeof REQUIRED_EXPORTS)[number] | (typeof OPTIONAL_EXPORTS)[number];

/** Largest guest memory a plugin may declare: 512 pages of 64 KiB = 32 MiB. */
export const MAX_MEMORY_PAGES = 512;
export const WASM_PAGE_BYTES = 65536;

/** Function-table entries a plugin may declare, all its tables together (each must declare a maximum). */
export const MAX_TABLE_ENTRIES = 65_536;
/** Largest plugin file the host reads. */
export const MAX_MODULE_BYTES = 16 * 1024 * 1024;

/**
 * Extism kernel memory (input/output/host blocks) per instance: 256 pages = 16 MiB. An `alloc`
 * past it ends the call as a crash (the block is never made).
 */
export const MAX_KERNEL_PAGES = 256;
export const MAX_KERNEL_BYTES = MAX_KERNEL_PAGES * 65536;
export const MAX_VAR_BYTES = 1 << 20;

/** A render is cut to this many lines / bytes, with a marker line saying so. */
export const RENDER_MAX_LINES = 2000;
export const RENDER_MAX_BYTES = 256 * 1024;
/**
 * ABI v2 (a plugin exporting ABI_V2_EXPORT): styled lines and tables, refused whole (with the
 * reason in the pane) when over these bounds. The whole payload is under RENDER_HARD_MAX_BYTES too.
 */
export const ABI_V2_EXPORT = 'plugin_abi_v2';
export const V2_MAX_LINES = RENDER_MAX_LINES;
export const V2_MAX_SPANS_PER_LINE = 256;
/** Text (spans, cells, titles, keys) of one v2 render, UTF-8 bytes. */
export const V2_MAX_TEXT_BYTES = 512 * 1024;
export const V2_MAX_CAPTION_LINES = 16;
export const TABLE_MAX_COLUMNS = 32;
export const TABLE_MAX_ROWS = 5000;
/** One cell's text (or a row key, or a column title), UTF-8 bytes. */
export const TABLE_MAX_CELL_BYTES = 1024;
/** A render bigger than this is not read at all: the call counts as a crash. */
export const RENDER_HARD_MAX_BYTES = 1024 * 1024;
/** Host-function requests and snapshots bigger than this are refused. */
export const REQUEST_MAX_BYTES = 64 * 1024;
export const SNAPSHOT_MAX_BYTES = 1024 * 1024;
/** A host-function answer bigger than this is replaced by an error envelope saying so. */
export const RESPONSE_MAX_BYTES = 4 * 1024 * 1024;
/** A plugin's error text (error_set) is cut to this many bytes. */
export const ERROR_MAX_BYTES = 4096;
/** Guest log lines passed on per call (the rest are dropped), each cut to LOG_LINE_MAX_BYTES. */
export const LOG_LINES_PER_CALL = 50;
export const LOG_LINE_MAX_BYTES = 1024;

export const DEFAULT_TIMEOUT_MS = 1000;
/** `timeout_ms` above this is clamped to it (with a config warning). */
export const MAX_TIMEOUT_MS = 10_000;
/** Instances (panes) one plugin may run at once, unless its entry sets `max_instances`. */
export const DEFAULT_MAX_INSTANCES = 16;
/** This many crashes in a row (no successful command or tick between them) stop an instance, whatever their pace. */
export const MAX_CONSECUTIVE_CRASHES = 3;
/** Creating a worker plugin (spawn + instantiate) may take this long before it counts as failed. */
export const START_TIMEOUT_MS = 10_000;

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}
