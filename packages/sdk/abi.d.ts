// Types for abi.mjs — kubetile plugin ABI v1 constants and load-time checks.

import type { ModuleInfo, PluginCommandType } from '@kubetile/rpc-schema/plugin-abi';
export type { ExternKind, MemoryLimits, ModuleExport, ModuleImport, ModuleInfo, TableLimits } from '@kubetile/rpc-schema/plugin-abi';

export declare const ABI_VERSION: 1;
export declare const HOST_MODULE: 'kubetile';
export declare const EXTISM_ENV_MODULE: 'extism:host/env';
/** 512 pages of 64 KiB = 32 MiB. */
export declare const MAX_MEMORY_PAGES: number;
export declare const MAX_TABLE_ENTRIES: number;
export declare const DEFAULT_MEMORY_PAGES: number;

export type HostFunctionName = 'host_send_render' | 'list_pods' | 'get_secret' | 'clipboard_write' | 'k8s_list' | 'k8s_logs' | 'k8s_write';
/** `clipboard:write`, `k8s:get:secrets`, or `k8s:logs:pods[:ns=<namespace>]`, or `k8s:<list|patch|delete|scale>:<resource>[:ns=<namespace>]`. */
export type Permission = string;

/** Host function → the permission that grants it (null: always available); `<resource>`: any resource of that verb. */
/** The daemon's own pane types: a plugin's [[plugins]] key cannot be one. */
export declare const BUILTIN_PANE_TYPES: readonly string[];
export declare const HOST_FUNCTIONS: Readonly<Record<HostFunctionName, string | null>>;
/** The forms a permission takes. */
export declare const PERMISSIONS: readonly string[];
export declare function parseKubePermission(p: unknown): { verb: 'list' | 'logs' | 'patch' | 'delete' | 'scale'; resource: string; namespace: string | null } | null;
export declare function isPermission(p: unknown): boolean;
/** Whether these permissions link host function `fn`. */
export declare function hostFunctionGranted(fn: HostFunctionName, permissions: readonly string[]): boolean;
export declare const REQUIRED_EXPORTS: readonly string[];
export declare const OPTIONAL_EXPORTS: readonly string[];
/** The export whose presence declares ABI v2 (styled lines and tables). */
export declare const ABI_V2_EXPORT: 'plugin_abi_v2';
export declare const EXTISM_ENV_FUNCTIONS: readonly string[];
/** PluginCommand `type` values, from @kubetile/rpc-schema's PluginCommandSchema. */
export declare const COMMAND_TYPES: readonly PluginCommandType[];

export declare function isKebabCase(name: unknown): boolean;

/** Reads imports, exports, memory and table limits without compiling (the daemon's reader). Throws on a malformed module. */
export declare function inspectModule(bytes: Uint8Array | ArrayBuffer): ModuleInfo;

/** Permissions needed by a module's `kubetile` imports (sorted). */
export declare function requiredPermissions(info: ModuleInfo): Permission[];

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
  | 'missing-export';

export interface Problem {
  code: ProblemCode;
  message: string;
  /** For 'import-not-granted'. */
  permission?: Permission;
  import?: string;
}

/** The load-time checks of ABI v1; an empty list means the host may instantiate it. */
export declare function validatePluginModule(
  bytes: Uint8Array | ArrayBuffer,
  options?: { permissions?: readonly string[]; maxMemoryPages?: number },
): Problem[];

/** Name of the custom section holding the manifest (ABI.md section 4a). */
export declare const MANIFEST_SECTION: 'kubetile.manifest';
export declare const MANIFEST_MAX_BYTES: number;
export declare const REASON_MAX_CHARS: number;
/** Problems with package.json "kubetile.reasons" for these permissions (empty: fine). */
export declare function reasonProblems(permissions: readonly string[], reasons: unknown): string[];
/** The module with a kubetile.manifest section `{"permissions": permissions}` appended. */
export declare function appendManifest(bytes: Uint8Array | ArrayBuffer, permissions: Record<string, string>): Uint8Array;
