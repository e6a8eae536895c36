/**
 * The parts of the plugin ABI that both the daemon and the SDK (packages/sdk/abi.mjs, plain JS)
 * use at run time: the PluginCommand declaration, the WebAssembly section reader of the load
 * check, the permissions and the host functions they link, and the pane types a plugin's key cannot be. Loads zod (for PluginCommandSchema) and nothing else.
 */
export * from './plugin-command.js';
export * from './wasm-sections.js';
export * from './host-response.js';
export * from './plugin-permissions.js';
export * from './pane-types.js';
