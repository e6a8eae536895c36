import { createHash } from 'node:crypto';
import { errorMessage } from '../util/errors.js';
import { readRegularFile } from '../util/regular-file.js';
import { MAX_MODULE_BYTES, mib, type PluginExport } from './abi.js';
import { readManifest, type PluginManifest } from './manifest.js';
import { checkModule, type ModuleProblem } from './module-check.js';
import { shownName } from './shown-name.js';
import { Wasm, type WasmModule } from './wasm-api.js';
import { WasmFormatError } from './wasm-inspect.js';

/** A plugin file that passed the load-time checks, compiled once and shared by its instances. */
export interface LoadedModule {
  path: string;
  sha256: string;
  size: number;
  module: WasmModule;
  exports: ReadonlySet<string>;
  /** Its `kubetile.manifest` section, or null (then it asks for what its [[plugins]] entry lists). */
  manifest: PluginManifest | null;
  /** The permissions it asks for and runs with, sorted: its manifest's, else its entry's. */
  requested: string[];
}

export class PluginLoadError extends Error {
  constructor(
    message: string,
    readonly problems: ModuleProblem[] = [],
  ) {
    super(message);
    this.name = 'PluginLoadError';
  }
}

export function exportsOf(m: LoadedModule, name: PluginExport): boolean {
  return m.exports.has(name);
}

/**
 * Checks and compiles plugin bytes; throws PluginLoadError saying why it is refused (the first
 * MAX_PROBLEMS reasons, and how many more).
 * Nothing of the plugin is instantiated or run here (this is the daemon's main thread): every size
 * the module declares is checked from its sections first, and instances start in their own
 * worker, where a failing instantiation is an ordinary start error.
 */
export async function compilePlugin(path: string, bytes: Uint8Array, permissions: readonly string[]): Promise<LoadedModule> {
  if (bytes.byteLength > MAX_MODULE_BYTES) throw new PluginLoadError(`refused: the file is ${mib(bytes.byteLength)}, over the ${mib(MAX_MODULE_BYTES)} limit`);
  let manifest: PluginManifest | null = null;
  try {
    manifest = readManifest(bytes);
  } catch (err) {
    // A malformed module is reported by checkModule below, with every other problem.
    if (!(err instanceof WasmFormatError)) throw new PluginLoadError(`refused: ${errorMessage(err)}`);
  }
  const requested = manifest ? Object.keys(manifest.permissions).sort() : [...new Set(permissions)].sort();
  const { problems } = checkModule(bytes, requested, undefined, manifest ? 'not asked for in its kubetile.manifest section' : undefined);
  if (problems.length > 0) {
    throw new PluginLoadError(`refused: ${problems.map((p) => p.message).join('; ')}`, problems);
  }
  let module: WasmModule;
  try {
    module = await Wasm.compile(bytes);
  } catch (err) {
    // V8's message may quote the module's own names (its name section): shown escaped and cut.
    throw new PluginLoadError(`does not compile: ${shownName(errorMessage(err), 500)}`);
  }
  return {
    path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.byteLength,
    module,
    exports: new Set(Wasm.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name)),
    manifest,
    requested,
  };
}

/**
 * Reads, checks and compiles a plugin file. The file is opened non-blocking and must be a regular
 * file: a FIFO in its place (opening one blocks until a writer comes) held a libuv thread for good —
 * the plugin stayed `loading`, `plugin/reload` never answered, four of them stalled every file read
 * of the daemon and it could not stop.
 */
export async function loadPluginFile(path: string, permissions: readonly string[]): Promise<LoadedModule> {
  const r = await readRegularFile(path, MAX_MODULE_BYTES);
  if (r.kind === 'missing') throw new PluginLoadError(`file not found: ${path}`);
  if (r.kind === 'refused') {
    if (r.tooBig !== undefined) throw new PluginLoadError(`refused: ${path} is ${mib(r.tooBig)}, over the ${mib(MAX_MODULE_BYTES)} limit`);
    throw new PluginLoadError(`cannot read ${path}: ${r.message}`);
  }
  return compilePlugin(path, r.bytes, permissions);
}
