import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { errorMessage } from '../util/errors.js';
import { MAX_MODULE_BYTES, mib, type PluginExport } from './abi.js';
import { readManifest, type PluginManifest } from './manifest.js';
import { checkModule, type ModuleProblem } from './module-check.js';
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
 * Checks and compiles plugin bytes; throws PluginLoadError saying every reason it is refused.
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
    throw new PluginLoadError(`does not compile: ${errorMessage(err)}`);
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

/** Reads at most MAX_MODULE_BYTES (+1, to tell a bigger file) of a file, FIFOs and devices included. */
async function readBounded(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buf = new Uint8Array(Math.min(1 << 20, MAX_MODULE_BYTES + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.byteLength, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > MAX_MODULE_BYTES) throw new PluginLoadError(`refused: the file is over the ${mib(MAX_MODULE_BYTES)} limit`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}

/** Reads, checks and compiles a plugin file. */
export async function loadPluginFile(path: string, permissions: readonly string[]): Promise<LoadedModule> {
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(path);
  } catch (err) {
    if (err instanceof PluginLoadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new PluginLoadError(code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${errorMessage(err)}`);
  }
  return compilePlugin(path, bytes, permissions);
}
