/**
 * The few WebAssembly JS APIs the host uses, typed here: the daemon compiles against ES2023 +
 * @types/node, which declare no `WebAssembly` namespace.
 */

/** A compiled module (opaque; shareable with workers). */
export interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}

interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  /** Synchronous instantiation (throws LinkError/RuntimeError); runs the start function if any. */
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => object;
  Module: {
    exports(module: WasmModule): Array<{ name: string; kind: string }>;
    imports(module: WasmModule): Array<{ module: string; name: string; kind: string }>;
  };
}

export const Wasm: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
