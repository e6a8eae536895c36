#!/usr/bin/env node
// Builds every kubetile plugin from source with npm-installed tools only
// (assemblyscript + wabt from node_modules; no network, no native toolchain):
//
//   plugins/<dir>/assembly/index.ts        → plugins/<dir>/build/<name>.wasm
//   packages/sdk/test/fixtures/<dir>/…     → …/build/<name>.wasm   (SDK test plugins)
//   test/fixtures/plugins/<name>.wat        → test/fixtures/plugins/build/<name>.wasm
//
// AssemblyScript plugins are compiled by the SDK build helper
// (packages/sdk/bin/kubetile-plugin-build.mjs, the same one each plugin's
// `npm run build` runs), a few at a time in child processes. Outputs newer than
// all their inputs (plugin sources, package.json, SDK sources) are skipped.
// The SDK itself is AssemblyScript source plus plain ESM: nothing to build.
//
//   node scripts/build-plugins.mjs [--force] [--only NAME[,NAME]] [--jobs N]
//
// Exits 1, naming the plugin, when anything fails to compile.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const helper = path.join(root, 'packages/sdk/bin/kubetile-plugin-build.mjs');
// The same up-to-date check the SDK's build tool uses for one plugin.
const { newestMtime } = await import(pathToFileURL(helper).href);
const fixturesDir = path.join(root, 'test/fixtures/plugins');
const started = performance.now();

const argv = process.argv.slice(2);
const force = argv.includes('--force');
const onlyArg = argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set((argv[onlyArg + 1] ?? '').split(',').filter(Boolean)) : null;
const jobsArg = argv.indexOf('--jobs');
const jobs = Math.max(1, Number(jobsArg >= 0 ? argv[jobsArg + 1] : Math.min(os.availableParallelism?.() ?? os.cpus().length, 3)) || 1);

const log = (msg) => console.log(`build-plugins: ${msg}`);
const rel = (p) => path.relative(root, p);

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}


// ---- AssemblyScript plugins ----------------------------------------------------------

function findPlugins() {
  const dirs = [];
  for (const base of ['plugins', 'packages/sdk/test/fixtures']) {
    const abs = path.join(root, base);
    if (!existsSync(abs)) continue;
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(abs, entry.name);
      if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'assembly/index.ts'))) dirs.push(dir);
    }
  }
  return dirs.map((dir) => {
    let pkg = {};
    try {
      pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch (err) {
      throw new Error(`${rel(dir)}/package.json: ${err.message}`);
    }
    const name = pkg.kubetile?.name ?? path.basename(dir);
    return { dir, name, out: path.join(dir, 'build', `${name}.wasm`) };
  });
}

function sdkInputs() {
  const sdk = path.join(root, 'packages/sdk');
  return [
    path.join(sdk, 'index.ts'),
    path.join(sdk, 'exports.ts'),
    path.join(sdk, 'events.ts'),
    path.join(sdk, 'v2.ts'),
    path.join(sdk, 'abi.mjs'),
    helper,
    path.join(sdk, 'assembly'),
    path.join(root, 'node_modules/assemblyscript/package.json'),
  ];
}

function buildOne(plugin) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [helper, plugin.dir],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ plugin, ok: !err, stdout: stdout.trim(), stderr: stderr.trim(), err }),
    );
  });
}

async function buildPlugins() {
  const plugins = findPlugins().filter((p) => !only || only.has(p.name));
  const sdkNewest = newestMtime(sdkInputs());
  const stale = [];
  for (const p of plugins) {
    const inputs = Math.max(sdkNewest, newestMtime([path.join(p.dir, 'package.json'), path.join(p.dir, 'assembly')]));
    if (!force && mtime(p.out) >= inputs) log(`${p.name}: up to date`);
    else stale.push(p);
  }
  const failures = [];
  const queue = [...stale];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const r = await buildOne(p);
      if (r.ok) log(r.stdout.replace(/^built /, 'built ') + (r.stderr ? `\n${r.stderr}` : ''));
      else {
        failures.push(p.name);
        console.error(`build-plugins: FAILED ${p.name} (${rel(p.dir)})`);
        console.error(r.stderr || r.stdout || String(r.err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker));
  return failures;
}

// ---- WAT fixtures ---------------------------------------------------------------------

async function buildFixtures() {
  if (!existsSync(fixturesDir)) return [];
  const wats = readdirSync(fixturesDir).filter((f) => f.endsWith('.wat'));
  const outDir = path.join(fixturesDir, 'build');
  const stale = wats.filter((f) => {
    const out = path.join(outDir, f.replace(/\.wat$/, '.wasm'));
    return force || mtime(out) < mtime(path.join(fixturesDir, f));
  });
  if (stale.length === 0) {
    log(`fixtures: ${wats.length} up to date`);
    return [];
  }
  const { default: wabtInit } = await import('wabt');
  const wabt = await wabtInit();
  mkdirSync(outDir, { recursive: true });
  const failures = [];
  for (const f of stale) {
    let mod;
    try {
      mod = wabt.parseWat(f, readFileSync(path.join(fixturesDir, f), 'utf8'));
      mod.validate();
      const { buffer } = mod.toBinary({});
      writeFileSync(path.join(outDir, f.replace(/\.wat$/, '.wasm')), buffer);
    } catch (err) {
      failures.push(f);
      console.error(`build-plugins: FAILED fixture ${rel(path.join(fixturesDir, f))}: ${err.message}`);
    } finally {
      mod?.destroy();
    }
  }
  log(`fixtures: ${stale.length - failures.length} built, ${wats.length - stale.length} up to date → ${rel(outDir)}`);
  return failures;
}

try {
  const failed = [...(await buildPlugins()), ...(only ? [] : await buildFixtures())];
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  if (failed.length > 0) {
    console.error(`build-plugins: ${failed.length} failed (${failed.join(', ')}) after ${secs} s`);
    process.exit(1);
  }
  log(`done in ${secs} s`);
} catch (err) {
  console.error(`build-plugins: ${err.stack ?? err}`);
  process.exit(1);
}
