export interface BuildOptions {
  /** Plugin directory (default: cwd). */
  dir?: string;
  /** Output name (default: package.json kubetile.name, else the directory name). */
  name?: string;
  /** Entry file (default: assembly/index.ts). */
  entry?: string;
  /** Output file (default: build/<name>.wasm). */
  outFile?: string;
  /** Declared memory maximum in 64 KiB pages, 1..512 (default 256 = 16 MiB). */
  maxMemoryPages?: number;
  /** Unoptimised build with debug info. */
  debug?: boolean;
  /** Also write build/<name>.wat. */
  wat?: boolean;
}

export interface BuildResult {
  name: string;
  dir: string;
  outFile: string;
  bytes: number;
  ms: number;
  /** Permissions the module's imports need. */
  permissions: string[];
  /** The kubetile.manifest written (from package.json "kubetile.reasons"), or null when none. */
  manifest: Record<string, string> | null;
  memory: { initial: number; maximum: number | null } | null;
  exports: string[];
}

/** Compiles a plugin; rejects with an Error whose message starts with "<name>: ". */
export declare function buildPlugin(options?: BuildOptions): Promise<BuildResult>;
export declare function sdkSourceFiles(): string[];
export declare function newestMtime(files: string[], dirs?: string[]): number;
export declare const SDK_DIR: string;
export declare const ABORT_ALIAS: string;
