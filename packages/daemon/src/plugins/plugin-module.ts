import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { errorMessage } from '../util/errors.js';
import type { PluginExport } from './abi.js';
import { checkModule, type ModuleProblem } from './module-check.js';
import { Wasm, type WasmModule } from './wasm-api.js';

/** A plugin file that passed the load-time checks, compiled once and shared by its instances. */
export interface LoadedModule {
  path: string;
  sha256: string;
  size: number;
  module: WasmModule;
  exports: ReadonlySet<string>;
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

/** Checks and compiles plugin bytes; throws PluginLoadError saying every reason it is refused. */
export async function compilePlugin(path: string, bytes: Uint8Array, permissions: readonly string[]): Promise<LoadedModule> {
  const { info, problems } = checkModule(bytes, permissions);
  if (problems.length > 0) {
    throw new PluginLoadError(`refused: ${problems.map((p) => p.message).join('; ')}`, problems);
  }
  let module: WasmModule;
  try {
    module = await Wasm.compile(bytes);
  } catch (err) {
    throw new PluginLoadError(`does not compile: ${errorMessage(err)}`);
  }
  // An instantiation failure inside an Extism worker surfaces as an uncaught exception and a
  // createPlugin that only ends at its timeout. Without a start function no guest code runs at
  // instantiation, so try it here first (stub imports; segments are checked, nothing is called).
  if (!info.hasStart) {
    const stubs: Record<string, Record<string, unknown>> = {};
    for (const imp of Wasm.Module.imports(module)) (stubs[imp.module] ??= {})[imp.name] = () => 0;
    try {
      new Wasm.Instance(module, stubs);
    } catch (err) {
      throw new PluginLoadError(`does not instantiate: ${errorMessage(err)}`);
    }
  }
  return {
    path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.byteLength,
    module,
    exports: new Set(Wasm.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name)),
  };
}

/** Reads, checks and compiles a plugin file. */
export async function loadPluginFile(path: string, permissions: readonly string[]): Promise<LoadedModule> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PluginLoadError(code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${errorMessage(err)}`);
  }
  return compilePlugin(path, bytes, permissions);
}
