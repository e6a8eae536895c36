import {
  EXTISM_ENV_FUNCTIONS, EXTISM_ENV_MODULE, HOST_FUNCTIONS, HOST_MODULE, hostFunctionGranted, isHostFunctionName, MAX_MEMORY_PAGES, MAX_TABLE_ENTRIES, REQUIRED_EXPORTS,
  WASM_PAGE_BYTES, mib,
} from './abi.js';
import { shownName } from './shown-name.js';
import { inspectModule, WasmFormatError, type ModuleInfo } from './wasm-inspect.js';

export type ProblemCode =
  | 'malformed'
  | 'memory-unbounded'
  | 'memory-too-large'
  | 'memory-imported'
  | 'memory-unsupported'
  | 'table-unbounded'
  | 'table-too-large'
  | 'import-not-granted'
  | 'import-unknown'
  | 'missing-export'
  /** What was left out past MAX_PROBLEMS. */
  | 'more';

export interface ModuleProblem {
  code: ProblemCode;
  message: string;
}

export interface CheckedModule {
  info: ModuleInfo;
  problems: ModuleProblem[];
}

/** Problems listed at most (a 16 MiB module can hold millions of imports, each one a problem). */
export const MAX_PROBLEMS = 10;
const limitText = (pages: number): string => `${pages} pages = ${mib(pages * WASM_PAGE_BYTES)}`;

/**
 * Tables are allocated when a module is instantiated (their minimum) and may grow to their
 * maximum: every table must declare one, and all of them together may hold MAX_TABLE_ENTRIES.
 */
function checkTables(info: ModuleInfo): ModuleProblem | null {
  let total = 0;
  for (const [i, t] of info.tables.entries()) {
    if (t.max === null) {
      return {
        code: 'table-unbounded',
        message: `its table ${i} declares no maximum; plugins must declare one (at most ${MAX_TABLE_ENTRIES} entries, all tables together)`,
      };
    }
    const size = Math.max(t.min, t.max);
    total += size;
    if (total > MAX_TABLE_ENTRIES) {
      return { code: 'table-too-large', message: `its table ${i} declares ${size} entries, over the limit of ${MAX_TABLE_ENTRIES} (all tables together)` };
    }
  }
  return null;
}

/**
 * The load-time checks of ABI v1, run before anything is instantiated: guest memory must declare
 * a maximum of at most 512 pages (Extism cannot cap guest memory at run time), function tables at
 * most 65,536 entries together (each with a declared maximum), every import must be
 * a function the host will provide — kubetile host functions only as granted — and
 * `plugin_on_command` must be exported. (In Extism's worker mode an unresolved import makes
 * createPlugin hang and throws an uncaught exception, so this check is also what keeps the daemon up.)
 */
export function checkModule(
  bytes: Uint8Array,
  permissions: readonly string[],
  maxPages = MAX_MEMORY_PAGES,
  notGranted = 'not granted in its [[plugins]] entry',
): CheckedModule {
  let info: ModuleInfo;
  try {
    info = inspectModule(bytes);
  } catch (err) {
    const msg = err instanceof WasmFormatError ? err.message : String(err);
    return { info: { imports: [], exports: [], memories: [], tables: [], hasStart: false }, problems: [{ code: 'malformed', message: `malformed module: ${msg}` }] };
  }
  const problems: ModuleProblem[] = [];
  // At most MAX_PROBLEMS, each once: a module of a million bad imports made an error of 200 MB.
  const seen = new Set<string>();
  let more = 0;
  const add = (p: ModuleProblem): void => {
    if (seen.has(p.message)) return;
    if (problems.length < MAX_PROBLEMS) {
      seen.add(p.message);
      problems.push(p);
    } else more++;
  };
  for (const mem of info.memories) {
    if (mem.imported) add({ code: 'memory-imported', message: 'the module imports its memory; a plugin must define its own' });
    else if (mem.memory64 || mem.shared) add({ code: 'memory-unsupported', message: '64-bit and shared memories are not supported' });
    else if (mem.max === null) {
      add({
        code: 'memory-unbounded',
        message: `its memory declares no maximum; plugins must declare one of at most ${limitText(maxPages)} (AssemblyScript: --maximumMemory)`,
      });
    } else if (Math.max(mem.max, mem.min) > maxPages) {
      add({ code: 'memory-too-large', message: `its memory maximum of ${limitText(Math.max(mem.max, mem.min))} is over the limit of ${limitText(maxPages)}` });
    }
  }
  const tableProblem = checkTables(info);
  if (tableProblem) add(tableProblem);
  for (const imp of info.imports) {
    const where = `${shownName(imp.module)}::${shownName(imp.name)}`;
    if (imp.module === HOST_MODULE && imp.kind === 'function' && isHostFunctionName(imp.name)) {
      const perm = HOST_FUNCTIONS[imp.name];
      if (perm !== null && !hostFunctionGranted(imp.name, permissions)) {
        add({ code: 'import-not-granted', message: `it imports ${where}, which needs the permission '${perm}' (${notGranted})` });
      }
    } else if (imp.module === HOST_MODULE) {
      add({ code: 'import-unknown', message: `it imports ${where}, which is not a kubetile host function (known: ${Object.keys(HOST_FUNCTIONS).join(', ')})` });
    } else if (imp.module === EXTISM_ENV_MODULE && imp.kind === 'function' && EXTISM_ENV_FUNCTIONS.has(imp.name)) {
      // provided by the Extism kernel
    } else if (imp.module === EXTISM_ENV_MODULE) {
      add({ code: 'import-unknown', message: `it imports ${where}, which kubetile does not provide to plugins` });
    } else {
      const hint = imp.module === 'env' && imp.name === 'abort' ? ' (AssemblyScript: build with --use abort=…)' : '';
      add({ code: 'import-unknown', message: `it imports ${where}; only '${HOST_MODULE}' and '${EXTISM_ENV_MODULE}' functions are provided${hint}` });
    }
  }
  for (const name of REQUIRED_EXPORTS) {
    if (!info.exports.some((e) => e.name === name && e.kind === 'function')) {
      add({ code: 'missing-export', message: `it does not export ${name}, which every plugin must` });
    }
  }
  if (more > 0) problems.push({ code: 'more', message: `and ${more} more` });
  return { info, problems };
}
