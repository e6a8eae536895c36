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

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
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
  plugins: [noDevtools],
  sourcemap: 'linked',
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});

const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
const entry = result.metafile.outputs[path.relative(pkg, path.join(dist, 'main.js'))] ?? result.metafile.outputs['dist/main.js'];
if (!entry) throw new Error('bundle-client: esbuild wrote no dist/main.js');
console.log(`bundle-client: dist/main.js + ${readdirSync(chunks).filter((f) => f.endsWith('.js')).length} chunks (${files.length} files)`);
