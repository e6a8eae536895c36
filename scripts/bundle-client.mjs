#!/usr/bin/env node
// Bundles the `kubetile` command (packages/client-tui/src/main.ts) with esbuild into
// packages/client-tui/dist/main.js and dist/chunks/*.js, after `tsc -b` has type-checked and built
// the package (dist/main.js from tsc is replaced; the rest of dist stays for library use).
//
// Why: unbundled, the client loads ~57 files before its first frame and ~690 once ink is in (ink
// pulls the es-toolkit barrel, zod its locales…); resolving and compiling each costs start-up time.
// Code splitting keeps what the first frame does not need (ink, react, zod, the other commands) in
// chunks that load only when used, as the dynamic imports in the source say.
//
// Not bundled: @kubetile/daemon (the client only resolves its entry file to run it) and
// @kubetile/sdk (the plugin scaffold reads its template files beside its own module).

import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.join(root, 'packages/client-tui');
const dist = path.join(pkg, 'dist');
const chunks = path.join(dist, 'chunks');

rmSync(chunks, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

/** ink imports react-devtools-core (not installed) only when DEV=true; the bundle says so instead of failing to build. */
const noDevtools = {
  name: 'no-ink-devtools',
  setup(build) {
    build.onResolve({ filter: /^\.\/devtools\.js$/ }, (a) => (a.importer.includes(`${path.sep}ink${path.sep}`) ? { path: 'ink-devtools', namespace: 'kubetile-stub' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'kubetile-stub' }, () => ({
      contents: "throw new Error('kubetile is bundled without react-devtools-core: DEV=true is not supported');",
      loader: 'js',
    }));
  },
};

/**
 * Caches in ink that outlive a frame. ink's Output turns every line of every frame into styled cells
 * (tokenize, one object per character, each character's width) with caches that live for one frame,
 * and its renderer measures every text node's width anew each frame (string-width, grapheme by
 * grapheme): each render of the same dialog redid it all, most of the CPU of a frame with an overlay.
 * Here both are kept across frames, so a render pays for the lines that changed. The cached cells are
 * only read (ink copies references into its rows and joins them to text). Bounded: emptied past
 * CACHE_ENTRIES (ink's own measure-text cache, which the renderer now shares, grew without end).
 * Each patch names the exact source it replaces; the build fails if the source no longer has it.
 */
const CACHE_ENTRIES = 4096;
const sourcePatches = [
  {
    file: /[\\/]ink[\\/]build[\\/]output\.js$/,
    find: '    caches = new OutputCaches();',
    replace: '    caches = outputCaches();',
    append: [
      'let sharedCaches = null;',
      'function outputCaches() {',
      `  if (!sharedCaches || sharedCaches.styledChars.size + sharedCaches.widths.size + sharedCaches.blockWidths.size > ${CACHE_ENTRIES}) sharedCaches = new OutputCaches();`,
      '  return sharedCaches;',
      '}',
    ],
  },
  {
    file: /[\\/]ink[\\/]build[\\/]render-node-to-output\.js$/,
    find: '                const currentWidth = widestLine(text);',
    replace: '                const currentWidth = measureText(text).width;',
    prepend: ["import measureText from './measure-text.js';"],
  },
  {
    file: /[\\/]ink[\\/]build[\\/]measure-text\.js$/,
    find: '    cache.set(text, dimensions);',
    replace: `    if (cache.size >= ${CACHE_ENTRIES}) cache.clear();\n    cache.set(text, dimensions);`,
  },
  /**
   * yoga's WebAssembly (base64 in a data: URL) is read with `fetch` whenever Node has one: the first
   * use of `fetch` loads undici, ~65 ms of CPU and ~12 MiB of RSS in every client, to decode bytes
   * already in memory. The loader's own fallback (decode the base64 here) is taken instead.
   */
  {
    file: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
    find: 'function ya(){return w||"function"!=typeof fetch?',
    replace: 'function ya(){return true?',
  },
  /**
   * vscode-jsonrpc's node entry and its runtime layer load node:crypto when they load (~3 ms of a
   * client's start, before its first frame) for a random pipe name and a randomUUID that kubetile
   * never asks for: node:crypto is loaded on such a call instead.
   */
  {
    file: /[\\/]vscode-jsonrpc[\\/]lib[\\/]node[\\/]main\.js$/,
    find: 'const crypto_1 = require("crypto");',
    replace: 'const crypto_1 = { randomBytes: (size) => require("crypto").randomBytes(size) };',
  },
  {
    file: /[\\/]vscode-jsonrpc[\\/]lib[\\/]node[\\/]ril\.js$/,
    find: 'const crypto_1 = require("crypto");',
    replace: 'const crypto_1 = { randomUUID: () => require("crypto").randomUUID() };',
  },
];
const patched = {
  name: 'source-patches',
  setup(build) {
    for (const p of sourcePatches) {
      build.onLoad({ filter: p.file }, (a) => {
        const source = readFileSync(a.path, 'utf8');
        if (source.split(p.find).length !== 2) throw new Error(`bundle-client: ${a.path} does not have "${p.find.trim()}" exactly once: see sourcePatches`);
        const body = source.replace(p.find, p.replace);
        return { contents: [...(p.prepend ?? []), body, ...(p.append ?? [])].join('\n'), loader: 'js' };
      });
    }
  },
};

const result = await esbuild.build({
  absWorkingDir: pkg,
  entryPoints: { main: 'src/main.ts' },
  tsconfig: path.join(pkg, 'tsconfig.json'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  external: ['@kubetile/daemon', '@kubetile/daemon/*', '@kubetile/sdk', '@kubetile/sdk/*'],
  // React's production build, decided at build time (the TUI always ran with NODE_ENV=production).
  define: { 'process.env.NODE_ENV': '"production"' },
  // run.ts still sets NODE_ENV for what it spawns; with the define that is harmless.
  logOverride: { 'assign-to-define': 'silent' },
  // CommonJS dependencies (vscode-jsonrpc, react) call require() for node built-ins.
  banner: { js: "import { createRequire as __kubetileCreateRequire } from 'node:module';\nconst require = __kubetileCreateRequire(import.meta.url);" },
  plugins: [noDevtools, patched],
  sourcemap: 'linked',
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});

const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
const entry = result.metafile.outputs[path.relative(pkg, path.join(dist, 'main.js'))] ?? result.metafile.outputs['dist/main.js'];
if (!entry) throw new Error('bundle-client: esbuild wrote no dist/main.js');
console.log(`bundle-client: dist/main.js + ${readdirSync(chunks).filter((f) => f.endsWith('.js')).length} chunks (${files.length} files)`);
