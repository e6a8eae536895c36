/**
 * The few WebAssembly JS APIs the host uses, typed here: the daemon compiles against ES2023 +
 * @types/node, which declare no `WebAssembly` namespace. (No instantiation: plugin code only
 * ever runs in a plugin worker, see sandbox/.)
 */

/** A compiled module (opaque; shareable with workers). */
export interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}

interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Module: {
    exports(module: WasmModule): Array<{ name: string; kind: string }>;
    imports(module: WasmModule): Array<{ module: string; name: string; kind: string }>;
  };
}

export const Wasm: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
