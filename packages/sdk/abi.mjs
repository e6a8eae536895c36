// kubetile plugin ABI v1: constants and a load-time module check, in plain JS, for the
// build helper, the scaffold and tests. The contract itself is written down in ABI.md.
// What the daemon and the SDK must never disagree on is declared once in @kubetile/rpc-schema
// and used from there at run time: the PluginCommand types, the WebAssembly section reader the
// load check runs on, the permissions and the host functions they link
// (packages/rpc-schema/src/{plugin-command,wasm-sections,plugin-permissions}.ts).

import { HOST_FUNCTIONS, PLUGIN_COMMAND_TYPES, hostFunctionGranted, inspectModule } from '@kubetile/rpc-schema/plugin-abi';

// The host functions, the permission that links each and the permission parser: the daemon's own.
export { BUILTIN_PANE_TYPES, HOST_FUNCTIONS, hostFunctionGranted, isPermission, parseKubePermission } from '@kubetile/rpc-schema/plugin-abi';

export const ABI_VERSION = 1;

/** Import module name of the kubetile host functions. */
export const HOST_MODULE = 'kubetile';

/** Import module name of the Extism kernel functions. */
export const EXTISM_ENV_MODULE = 'extism:host/env';

/** Largest memory maximum a plugin may declare: 512 pages of 64 KiB = 32 MiB. */
export const MAX_MEMORY_PAGES = 512;
/** Function-table entries a plugin may declare, all its tables together (each needs a maximum). */
export const MAX_TABLE_ENTRIES = 65536;

/** Default maximum the SDK build helper declares (16 MiB). */
export const DEFAULT_MEMORY_PAGES = 256;

/** The forms a permission takes (`k8s:…` ones may end in `:ns=<namespace>`). */
export const PERMISSIONS = Object.freeze([
  'clipboard:write',
  'k8s:get:secrets',
  'k8s:list:<resource>',
  'k8s:logs:pods',
  'k8s:patch:<resource>',
  'k8s:delete:<resource>',
  'k8s:scale:<resource>',
]);

/** Plugin exports: `plugin_on_command` is required, the rest optional. */
export const REQUIRED_EXPORTS = Object.freeze(['plugin_on_command']);
export const OPTIONAL_EXPORTS = Object.freeze([
  'plugin_init',
  'plugin_on_open',
  'plugin_on_close',
  'plugin_on_tick',
  'plugin_snapshot',
  'plugin_restore',
  'plugin_on_event',
  // Never called: its presence declares ABI v2 (styled lines and tables, ABI.md 3.2).
  'plugin_abi_v2',
]);

/** The export whose presence declares ABI v2. */
export const ABI_V2_EXPORT = 'plugin_abi_v2';

/**
 * Functions of the Extism JS kernel (2.0.0-rc13, extism:host/env) a plugin may import: the
 * daemon's list (HTTP needs a capability kubetile does not grant, so importing it is refused).
 */
export const EXTISM_ENV_FUNCTIONS = Object.freeze([
  'alloc', 'free', 'length', 'length_unsafe',
  'load_u8', 'load_u64', 'store_u8', 'store_u64',
  'input_offset', 'input_length', 'input_load_u8', 'input_load_u64',
  'output_set', 'error_set', 'error_get',
  'config_get', 'var_get', 'var_set',
  'log_warn', 'log_info', 'log_debug', 'log_error', 'log_trace', 'get_log_level',
]);

/** The PluginCommand `type` values of ABI v1 (declared in @kubetile/rpc-schema: PluginCommandSchema). */
export const COMMAND_TYPES = PLUGIN_COMMAND_TYPES;

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Plugin keys and names are kebab-case: lowercase letters and digits, single dashes. */
export function isKebabCase(name) {
  return typeof name === 'string' && KEBAB.test(name);
}

// ---- binary inspection ----------------------------------------------------------

/**
 * Reads a module's imports, exports, memories, tables and start section without instantiating it.
 * Throws on a malformed module (bad magic, truncated section, unknown import/export kind). The
 * daemon's load check reads modules with this same function.
 */
export { inspectModule };

/** Permissions a module needs for its `kubetile` imports (sorted, unique; `k8s:…:<resource>` forms for k8s_list / k8s_write). */
export function requiredPermissions(info) {
  const perms = new Set();
  for (const imp of info.imports) {
    if (imp.module !== HOST_MODULE) continue;
    const p = HOST_FUNCTIONS[imp.name];
    if (typeof p === 'string') perms.add(p);
  }
  return [...perms].sort();
}

/**
 * The load-time checks of ABI v1. Returns a list of problems (empty = loadable).
 * Each problem: { code, message } with code one of
 *   'malformed', 'memory-unbounded', 'memory-too-large', 'memory-imported',
 *   'memory-unsupported', 'table-unbounded', 'table-too-large', 'import-not-granted',
 *   'import-unknown', 'missing-export'.
 *
 * @param {Uint8Array | ArrayBuffer} bytes
 * @param {{ permissions?: string[], maxMemoryPages?: number }} [options]
 */
export function validatePluginModule(bytes, options = {}) {
  const granted = new Set(options.permissions ?? []);
  const maxPages = options.maxMemoryPages ?? MAX_MEMORY_PAGES;
  const problems = [];
  let info;
  try {
    info = inspectModule(bytes);
  } catch (err) {
    return [{ code: 'malformed', message: `malformed module: ${err.message}` }];
  }
  for (const mem of info.memories) {
    if (mem.imported) {
      problems.push({ code: 'memory-imported', message: 'the module imports its memory; plugins must define their own' });
    } else if (mem.memory64 || mem.shared) {
      problems.push({ code: 'memory-unsupported', message: `memory64/shared memories are not supported` });
    } else if (mem.max === null) {
      problems.push({
        code: 'memory-unbounded',
        message: `memory declares no maximum (limit: ${maxPages} pages = ${(maxPages * 64) / 1024} MiB); build with --maximumMemory`,
      });
    } else if (mem.max > maxPages) {
      problems.push({
        code: 'memory-too-large',
        message: `memory maximum ${mem.max} pages exceeds the limit of ${maxPages} pages (${(maxPages * 64) / 1024} MiB)`,
      });
    }
  }
  let tableEntries = 0;
  for (const [i, t] of info.tables.entries()) {
    if (t.max === null) {
      problems.push({ code: 'table-unbounded', message: `table ${i} declares no maximum (limit: ${MAX_TABLE_ENTRIES} entries, all tables together)` });
      break;
    }
    tableEntries += Math.max(t.min, t.max);
    if (tableEntries > MAX_TABLE_ENTRIES) {
      problems.push({ code: 'table-too-large', message: `table ${i} declares ${Math.max(t.min, t.max)} entries, over the limit of ${MAX_TABLE_ENTRIES} (all tables together)` });
      break;
    }
  }
  for (const imp of info.imports) {
    const where = `${imp.module}::${imp.name}`;
    if (imp.module === HOST_MODULE) {
      if (!(imp.name in HOST_FUNCTIONS) || imp.kind !== 'function') {
        problems.push({ code: 'import-unknown', message: `imports unknown host function ${where}` });
        continue;
      }
      const perm = HOST_FUNCTIONS[imp.name];
      if (perm !== null && !hostFunctionGranted(imp.name, [...granted])) {
        problems.push({
          code: 'import-not-granted',
          message: `imports ${where}, which needs permission "${perm}" (not granted)`,
          permission: perm,
          import: imp.name,
        });
      }
    } else if (imp.module === EXTISM_ENV_MODULE) {
      if (!EXTISM_ENV_FUNCTIONS.includes(imp.name) || imp.kind !== 'function') {
        problems.push({ code: 'import-unknown', message: `imports unknown Extism kernel function ${where}` });
      }
    } else if (imp.kind !== 'memory') {
      problems.push({
        code: 'import-unknown',
        message: `imports ${where}; only "${HOST_MODULE}" and "${EXTISM_ENV_MODULE}" functions are provided` +
          (imp.module === 'env' && imp.name === 'abort' ? ' (AssemblyScript: build with --use abort=…)' : ''),
      });
    }
  }
  for (const name of REQUIRED_EXPORTS) {
    if (!info.exports.some((e) => e.name === name && e.kind === 'function')) {
      problems.push({ code: 'missing-export', message: `missing required export ${name}` });
    }
  }
  return problems;
}

// ---- the manifest: permissions with reasons, in a custom section (ABI.md section 4a) ----

/** Name of the custom section holding `{"permissions":{perm: reason}}` (UTF-8 JSON). */
export const MANIFEST_SECTION = 'kubetile.manifest';
export const MANIFEST_MAX_BYTES = 16 * 1024;
export const REASON_MAX_CHARS = 200;

/**
 * What is wrong with `reasons` for `permissions` (package.json "kubetile.reasons" vs
 * "kubetile.permissions"), as messages; empty when every permission has a good reason.
 */
export function reasonProblems(permissions, reasons) {
  if (reasons === null || typeof reasons !== 'object' || Array.isArray(reasons)) return ['"kubetile.reasons" must be an object of permission → reason'];
  const out = [];
  for (const p of permissions) {
    const r = reasons[p];
    if (typeof r !== 'string' || r.length === 0) out.push(`permission "${p}" has no reason in "kubetile.reasons" (the user is shown it when asked to consent)`);
    else if (r.length > REASON_MAX_CHARS) out.push(`the reason for "${p}" is ${r.length} characters, over ${REASON_MAX_CHARS}`);
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(r)) out.push(`the reason for "${p}" contains control characters (line breaks, escapes, bidirectional overrides)`);
  }
  for (const p of Object.keys(reasons)) if (!permissions.includes(p)) out.push(`"kubetile.reasons" names "${p}", which "kubetile.permissions" does not list`);
  return out;
}

/** The module with a `kubetile.manifest` section appended (custom sections may come anywhere). */
export function appendManifest(bytes, permissions) {
  const uleb = (n) => {
    const out = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      out.push(b);
    } while (n !== 0);
    return out;
  };
  const name = new TextEncoder().encode(MANIFEST_SECTION);
  const payload = new TextEncoder().encode(JSON.stringify({ permissions }));
  if (payload.byteLength > MANIFEST_MAX_BYTES) throw new Error(`the manifest is ${payload.byteLength} bytes, over the ${MANIFEST_MAX_BYTES}-byte limit`);
  const body = [...uleb(name.byteLength), ...name, ...payload];
  const src = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const out = new Uint8Array(src.byteLength + 1 + uleb(body.length).length + body.length);
  out.set(src, 0);
  out.set([0, ...uleb(body.length), ...body], src.byteLength);
  return out;
}
