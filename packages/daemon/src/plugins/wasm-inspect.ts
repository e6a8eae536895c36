/**
 * The daemon's load check reads modules with the one WebAssembly section reader of the plugin ABI,
 * shared with the SDK's abi.mjs: packages/rpc-schema/src/wasm-sections.ts.
 */
export {
  inspectModule, readCustomSection, WasmFormatError,
  type ExternKind, type MemoryLimits, type ModuleExport, type ModuleImport, type ModuleInfo, type TableLimits,
} from '@kubetile/rpc-schema/plugin-abi';
