// scaffoldPlugin(targetDir, name): creates a new kubetile plugin project from
// templates/plugin (what `kubetile plugin new NAME` does). Plain ESM, no deps.

import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PANE_TYPES, isKebabCase } from './abi.mjs';

const SDK_DIR = path.dirname(fileURLToPath(import.meta.url));
export const TEMPLATE_DIR = path.join(SDK_DIR, 'templates', 'plugin');
export const BUILD_HELPER = path.join(SDK_DIR, 'bin', 'kubetile-plugin-build.mjs');

/** `s` as a TOML basic string, quotes included (JSON's escapes are TOML's; DEL must be escaped in TOML too). */
export function tomlString(s) {
  return JSON.stringify(s).replace(/\x7f/g, '\\u007f');
}

/** Longest plugin name `kubetile plugin new` takes. */
export const MAX_NAME_CHARS = 64;

// Template files stored under another name (npm drops .gitignore files from packages).
const RENAMES = { gitignore: '.gitignore' };

export class ScaffoldError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ScaffoldError';
  }
}

function pascalCase(name) {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
    .replace(/^(\d)/, 'P$1');
}

/** The repo root when the SDK sits in a kubetile checkout (packages/sdk), else null. */
function repoRootOfSdk() {
  const root = path.resolve(SDK_DIR, '..', '..');
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    return Array.isArray(pkg.workspaces) ? root : null;
  } catch {
    return null;
  }
}

/** `npm run build` command for a plugin at `dir`: relative inside the kubetile repo, else absolute. */
export function defaultBuildCommand(dir) {
  const root = repoRootOfSdk();
  const inRepo = root !== null && !path.relative(root, dir).startsWith('..') && !path.isAbsolute(path.relative(root, dir));
  const helper = inRepo ? path.relative(dir, BUILD_HELPER) : BUILD_HELPER;
  return `node ${JSON.stringify(helper.split(path.sep).join('/'))}`;
}

/** Where `p` points when it is a symbolic link to nothing (mkdir said only ENOENT), else null. */
function danglingLink(p) {
  try {
    if (!lstatSync(p).isSymbolicLink() || existsSync(p)) return null;
    return readlinkSync(p);
  } catch {
    return null;
  }
}

function listTemplate(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listTemplate(path.join(dir, entry.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * Creates a plugin project named `name` (kebab-case) in `targetDir`, which must
 * not exist or be empty. Returns the directory and the files written.
 *
 * @param {string} targetDir
 * @param {string} name
 * @param {{ buildCommand?: string }} [options]
 */
export function scaffoldPlugin(targetDir, name, options = {}) {
  if (!isKebabCase(name)) {
    throw new ScaffoldError(
      `invalid plugin name ${JSON.stringify(name)}: use kebab-case (lowercase letters and digits, ` +
        `words separated by single dashes, starting with a letter), e.g. "pod-health"`,
    );
  }
  // The daemon refuses a [[plugins]] key that is one of its own pane types; it was scaffolded and
  // built, then refused when loaded.
  if (BUILTIN_PANE_TYPES.includes(name)) {
    throw new ScaffoldError(`${JSON.stringify(name)} is one of kubetile's own pane types (the [[plugins]] key cannot be); choose another name, e.g. "my-${name}"`);
  }
  // A name of 250 characters scaffolded fine, then every `npm run build` failed with
  // ENAMETOOLONG (build/NAME.tmp-PID.wasm is over the 255 bytes a file name may have).
  if (name.length > MAX_NAME_CHARS) {
    throw new ScaffoldError(
      `plugin name is ${name.length} characters long; at most ${MAX_NAME_CHARS} (it names the npm package, ` +
        `build/NAME.wasm and the [[plugins]] key)`,
    );
  }
  if (typeof targetDir !== 'string' || targetDir.length === 0) {
    throw new ScaffoldError('scaffoldPlugin: targetDir must be a non-empty path');
  }
  const dir = path.resolve(targetDir);
  const link = danglingLink(dir);
  if (link !== null) throw new ScaffoldError(`${dir} is a symbolic link to ${link}, which does not exist; create that directory or choose another`);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ScaffoldError(`${dir} exists and is not a directory`);
    if (readdirSync(dir).length > 0) throw new ScaffoldError(`${dir} is not empty; choose a new directory`);
  }
  const buildCommand = options.buildCommand ?? defaultBuildCommand(dir);
  const vars = {
    name,
    className: pascalCase(name),
    // package.json holds it inside a JSON string
    buildCommand: JSON.stringify(buildCommand).slice(1, -1),
    // README.md holds it inside a TOML basic string's quotes
    wasmPath: tomlString(path.join(dir, 'build', `${name}.wasm`).split(path.sep).join('/')).slice(1, -1),
  };
  const files = [];
  for (const rel of listTemplate(TEMPLATE_DIR)) {
    const text = readFileSync(path.join(TEMPLATE_DIR, rel), 'utf8').replace(/\{\{(\w+)\}\}/g, (m, key) =>
      Object.prototype.hasOwnProperty.call(vars, key) ? vars[key] : m,
    );
    const base = path.basename(rel);
    const outRel = path.join(path.dirname(rel), RENAMES[base] ?? base);
    const out = path.join(dir, outRel);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, text, { flag: 'wx' });
    files.push(outRel.split(path.sep).join('/'));
  }
  return { dir, name, files: files.sort() };
}
