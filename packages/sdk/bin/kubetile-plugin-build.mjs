#!/usr/bin/env node
// kubetile-plugin-build: compiles a kubetile plugin (AssemblyScript) to .wasm.
//
//   kubetile-plugin-build [DIR] [--name NAME] [--out FILE] [--entry FILE]
//                         [--max-memory PAGES] [--debug] [--wat] [--quiet]
//
// DIR defaults to the current directory. The entry is DIR/assembly/index.ts and
// the output DIR/build/NAME.wasm, where NAME comes from --name, package.json
// "kubetile.name", or the directory name. After compiling, the module is checked
// against the ABI (required export, memory maximum, imports vs the permissions
// listed in package.json "kubetile.permissions").
//
// Also importable: `import { buildPlugin } from '@kubetile/sdk/build'`.

import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DEFAULT_MEMORY_PAGES,
  MAX_MEMORY_PAGES,
  appendManifest,
  reasonProblems,
  inspectModule,
  isKebabCase,
  requiredPermissions,
  validatePluginModule,
} from '../abi.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The SDK package directory (real path). */
export const SDK_DIR = realpathSync(path.resolve(here, '..'));
const require = createRequire(path.join(SDK_DIR, 'package.json'));

/** The alias that replaces AssemblyScript's env.abort import. */
export const ABORT_ALIAS = 'abort=~lib/@kubetile/sdk/assembly/abort/kubetileAbort';

/** Files whose change means every plugin must be rebuilt. */
export function sdkSourceFiles() {
  const files = [path.join(SDK_DIR, 'index.ts'), path.join(SDK_DIR, 'exports.ts'), path.join(SDK_DIR, 'events.ts'), path.join(SDK_DIR, 'v2.ts'), fileURLToPath(import.meta.url), path.join(SDK_DIR, 'abi.mjs')];
  const asmDir = path.join(SDK_DIR, 'assembly');
  for (const f of readdirSafe(asmDir)) if (f.endsWith('.ts')) files.push(path.join(asmDir, f));
  return files;
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** node_modules directories asc must search: where @kubetile/sdk and its AS deps live. */
function packagePaths() {
  const paths = new Set();
  // A node_modules dir that contains @kubetile/sdk pointing at this SDK.
  for (let dir = SDK_DIR; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules');
    const sdkLink = path.join(candidate, '@kubetile', 'sdk');
    if (existsSync(path.join(sdkLink, 'index.ts'))) {
      try {
        if (realpathSync(sdkLink) === SDK_DIR) paths.add(candidate);
      } catch {
        /* dangling link */
      }
    }
    if (path.basename(dir) === 'node_modules' && path.basename(path.dirname(SDK_DIR)) === '@kubetile') {
      paths.add(path.dirname(path.dirname(SDK_DIR)));
    }
    if (path.dirname(dir) === dir) break;
  }
  for (const pkg of ['@extism/as-pdk', 'assemblyscript-json']) {
    const pj = require.resolve(`${pkg}/package.json`);
    // .../node_modules/<pkg>/package.json → .../node_modules
    paths.add(path.resolve(path.dirname(pj), pkg.startsWith('@') ? '../..' : '..'));
  }
  return [...paths];
}

function readPackageJson(dir) {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err.message}`);
  }
}

/**
 * Compiles one plugin. Resolves to a summary; rejects with an Error whose
 * message starts with the plugin name on a compile or ABI error.
 *
 * @param {object} opts
 * @param {string} [opts.dir]  plugin directory (default: cwd)
 * @param {string} [opts.name]
 * @param {string} [opts.entry]  default: assembly/index.ts
 * @param {string} [opts.outFile]  default: build/<name>.wasm
 * @param {number} [opts.maxMemoryPages]  default 256 (16 MiB); at most 512
 * @param {boolean} [opts.debug]  no optimisation, debug names
 * @param {boolean} [opts.wat]  also write build/<name>.wat
 */
export async function buildPlugin(opts = {}) {
  const dir = path.resolve(opts.dir ?? process.cwd());
  const pkg = readPackageJson(dir);
  const meta = pkg.kubetile ?? {};
  const name = opts.name ?? meta.name ?? path.basename(dir);
  if (!isKebabCase(name)) {
    throw new Error(`plugin name "${name}" is not kebab-case (lowercase letters, digits and single dashes, e.g. "pod-health")`);
  }
  const fail = (msg) => new Error(`${name}: ${msg}`);
  const entry = path.resolve(dir, opts.entry ?? meta.entry ?? 'assembly/index.ts');
  if (!existsSync(entry)) throw fail(`entry file ${path.relative(process.cwd(), entry) || entry} not found`);
  const outFile = path.resolve(dir, opts.outFile ?? path.join('build', `${name}.wasm`));
  const maxPages = Number(opts.maxMemoryPages ?? meta.maxMemoryPages ?? DEFAULT_MEMORY_PAGES);
  // "kubetile.reasons" (permission → why) makes a kubetile.manifest section: the user sees each
  // reason when asked to consent (ABI.md section 4a). Checked before compiling.
  const reasons = meta.reasons;
  if (reasons !== undefined) {
    const listed = Array.isArray(meta.permissions) ? meta.permissions : [];
    const problems = reasonProblems(listed, reasons);
    if (problems.length > 0) throw fail(`package.json "kubetile.reasons":\n  - ${problems.join('\n  - ')}`);
  }
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > MAX_MEMORY_PAGES) {
    throw fail(`max memory must be 1..${MAX_MEMORY_PAGES} pages (64 KiB each), got ${opts.maxMemoryPages ?? meta.maxMemoryPages}`);
  }

  const { default: asc } = await import('assemblyscript/asc');
  mkdirSync(path.dirname(outFile), { recursive: true });
  // Compile to a temporary file and move it in place only once it passes the
  // ABI checks, so a failed build never leaves a fresh-looking output behind.
  const tmpFile = `${outFile.replace(/\.wasm$/, "")}.tmp-${process.pid}.wasm`;
  const args = [
    path.relative(dir, entry),
    '--outFile', tmpFile,
    '--baseDir', dir,
    '--use', ABORT_ALIAS,
    '--runtime', 'incremental',
    // 1 page initially; asc raises it if static data needs more.
    '--initialMemory', '1',
    '--maximumMemory', String(maxPages),
    '--noColors',
  ];
  if (opts.debug) args.push('--debug');
  else args.push('--optimizeLevel', '3', '--shrinkLevel', '1');
  if (opts.wat) args.push('--textFile', outFile.replace(/\.wasm$/, '') + '.wat');
  for (const p of packagePaths()) args.push('--path', p);

  const stdout = asc.createMemoryStream();
  const stderr = asc.createMemoryStream();
  const started = performance.now();
  const { error } = await asc.main(args, { stdout, stderr });
  const ms = performance.now() - started;
  if (error) {
    rmSync(tmpFile, { force: true });
    const diag = stderr.toString().trim();
    throw fail(`compile failed: ${error.message}${diag ? `\n${diag}` : ''}`);
  }

  const bytes = readFileSync(tmpFile);
  const info = inspectModule(bytes);
  const needed = requiredPermissions(info);
  const declared = Array.isArray(meta.permissions) ? meta.permissions : null;
  const problems = validatePluginModule(bytes, { permissions: declared ?? needed });
  if (problems.length > 0) {
    const hints = problems.map((p) => {
      if (p.code === 'missing-export') return `${p.message} (add \`export * from "@kubetile/sdk/exports";\` to ${path.relative(dir, entry)})`;
      if (p.code === 'import-not-granted') return `${p.message}; add it to package.json "kubetile.permissions"`;
      return p.message;
    });
    rmSync(tmpFile, { force: true });
    throw fail(`built module fails the ABI checks:\n  - ${hints.join('\n  - ')}`);
  }
  let manifest = null;
  if (reasons !== undefined) {
    manifest = Object.fromEntries([...meta.permissions].sort().map((p) => [p, reasons[p]]));
    writeFileSync(tmpFile, appendManifest(bytes, manifest));
  }
  renameSync(tmpFile, outFile);
  const memory = info.memories[0] ?? null;
  return {
    name,
    dir,
    outFile,
    bytes: bytes.length,
    ms,
    permissions: needed,
    manifest,
    memory: memory ? { initial: memory.min, maximum: memory.max } : null,
    exports: info.exports.filter((e) => e.kind === 'function').map((e) => e.name),
  };
}

/** mtime (ms) of the newest file among `files` and everything under `dirs`. */
export function newestMtime(files, dirs = []) {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const f of readdirSync(p)) {
        if (f === 'node_modules' || f === 'build' || f.startsWith('.')) continue;
        visit(path.join(p, f));
      }
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const f of files) visit(f);
  for (const d of dirs) visit(d);
  return newest;
}

function parseArgs(argv) {
  const opts = {};
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--name') opts.name = value();
    else if (a === '--out') opts.outFile = path.resolve(value());
    else if (a === '--entry') opts.entry = path.resolve(value());
    else if (a === '--max-memory') opts.maxMemoryPages = Number(value());
    else if (a === '--debug') opts.debug = true;
    else if (a === '--wat') opts.wat = true;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '-h' || a === '--help') opts.help = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length > 1) throw new Error('at most one plugin directory');
  if (rest[0]) opts.dir = path.resolve(rest[0]);
  return opts;
}

const USAGE = `usage: kubetile-plugin-build [DIR] [--name NAME] [--out FILE] [--entry FILE]
                             [--max-memory PAGES] [--debug] [--wat] [--quiet]`;

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`kubetile-plugin-build: ${err.message}\n${USAGE}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  try {
    const r = await buildPlugin(opts);
    if (!opts.quiet) {
      const rel = path.relative(process.cwd(), r.outFile) || r.outFile;
      console.log(
        `built ${r.name} → ${rel} (${(r.bytes / 1024).toFixed(1)} KiB, ${(r.ms / 1000).toFixed(1)} s; ` +
          `memory max ${r.memory?.maximum ?? 0} pages; permissions: ${r.permissions.join(', ') || 'none'})`,
      );
    }
  } catch (err) {
    console.error(`kubetile-plugin-build: ${err.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url) {
  await main();
}
