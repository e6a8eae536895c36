/** Thrown for an invalid name or an unusable target directory. */
export declare class ScaffoldError extends Error {}

export interface ScaffoldOptions {
  /** The package.json "build" script (default: `node <path to kubetile-plugin-build.mjs>`). */
  buildCommand?: string;
}

export interface ScaffoldResult {
  /** Absolute path of the new plugin directory. */
  dir: string;
  name: string;
  /** Files written, relative to `dir`, sorted (e.g. "assembly/index.ts"). */
  files: string[];
}

/**
 * Creates a new plugin project named `name` in `targetDir` (which must not exist or be
 * empty) from the SDK's templates/plugin: package.json with a `build` script,
 * assembly/index.ts (a hello plugin), assembly/tsconfig.json, README.md, .gitignore.
 * Throws ScaffoldError naming the bad name when `name` is not kebab-case or is longer
 * than MAX_NAME_CHARS.
 */
export declare function scaffoldPlugin(targetDir: string, name: string, options?: ScaffoldOptions): ScaffoldResult;

/** The default build command for a plugin in `dir` (relative inside the kubetile repo). */
export declare function defaultBuildCommand(dir: string): string;

/** `s` as a TOML basic string, quotes included (what `[[plugins]] path = …` takes). */
export declare function tomlString(s: string): string;

/** Longest name scaffoldPlugin takes. */
export declare const MAX_NAME_CHARS: number;

export declare const TEMPLATE_DIR: string;
export declare const BUILD_HELPER: string;
