#!/usr/bin/env node
// Builds a self-contained npm package of the `kubetile` command:
//
//   npm run pack:cli            → build/kubetile-<version>.tgz
//
// The tarball holds everything it runs with, bundled: the built workspace packages (rpc-schema,
// kube-sim, daemon, client-tui, sdk), their third-party dependencies at the workspace's pins (installed
// here from the npm registry or its cache), the built example plugins (plugins/*.wasm) and the README.
// `npm install -g ./build/kubetile-<version>.tgz` then gives `kubetile` and `kubetiled` on a machine
// with only Node (no registry needed).

import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'build');
const stage = path.join(out, 'pack', 'kubetile');
const WORKSPACES = ['rpc-schema', 'kube-sim', 'daemon', 'client-tui', 'sdk'];
const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));
const fail = (msg) => {
  console.error(`pack-cli: ${msg}`);
  process.exit(1);
};

const rootPkg = readJson(path.join(root, 'package.json'));
const cli = readJson(path.join(root, 'packages/client-tui/package.json'));
rmSync(path.join(out, 'pack'), { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// Third-party dependencies: the union of the workspace packages' pins (they must agree).
const deps = {};
const bundled = [];
for (const ws of WORKSPACES) {
  const dir = path.join(root, 'packages', ws);
  const pkg = readJson(path.join(dir, 'package.json'));
  for (const [name, version] of Object.entries(pkg.dependencies ?? {})) {
    if (name.startsWith('@kubetile/')) continue;
    if (deps[name] && deps[name] !== version) fail(`${name} is pinned to ${deps[name]} and ${version} by different packages`);
    deps[name] = version;
  }
  // The package as npm would publish it: its package.json and its files (copied in by npm install).
  const target = path.join(stage, 'vendor', ws);
  mkdirSync(target, { recursive: true });
  const files = pkg.files ?? ['dist'];
  for (const f of files) {
    const src = path.join(dir, f);
    if (!existsSync(src)) fail(`${pkg.name}: ${f} is missing — run npm run build first`);
    cpSync(src, path.join(target, f), { recursive: true, filter: (p) => !p.includes(`${path.sep}test${path.sep}`) && !p.endsWith('.tsbuildinfo') });
  }
  for (const extra of ['README.md', 'ABI.md']) if (existsSync(path.join(dir, extra))) cpSync(path.join(dir, extra), path.join(target, extra));
  const { devDependencies: _dev, scripts: _scripts, private: _private, ...published } = pkg;
  // Within the bundle, the workspace packages find each other as siblings.
  for (const name of Object.keys(published.dependencies ?? {})) {
    if (name.startsWith('@kubetile/')) published.dependencies[name] = `file:../${name.slice('@kubetile/'.length)}`;
  }
  writeFileSync(path.join(target, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  bundled.push({ name: pkg.name, ws, version: pkg.version });
}

// The built example plugins.
mkdirSync(path.join(stage, 'plugins'), { recursive: true });
for (const p of readdirSync(path.join(root, 'plugins'), { withFileTypes: true })) {
  if (!p.isDirectory()) continue;
  const build = path.join(root, 'plugins', p.name, 'build');
  if (!existsSync(build)) fail(`plugins/${p.name} is not built — run npm run build:plugins first`);
  for (const f of readdirSync(build)) if (f.endsWith('.wasm')) cpSync(path.join(build, f), path.join(stage, 'plugins', f));
}

// The commands: thin entry points into the bundled client and daemon.
mkdirSync(path.join(stage, 'bin'), { recursive: true });
const entry = (file, target) => {
  writeFileSync(path.join(stage, 'bin', file), `#!/usr/bin/env node\nimport '${target}';\n`);
  chmodSync(path.join(stage, 'bin', file), 0o755);
};
entry('kubetile.js', '@kubetile/client-tui/main');
entry('kubetiled.js', '@kubetile/daemon/main');
cpSync(path.join(root, 'README.md'), path.join(stage, 'README.md'));

const manifest = (dependencies) => ({
  name: 'kubetile',
  version: cli.version,
  description: rootPkg.description,
  type: 'module',
  license: rootPkg.license ?? 'UNLICENSED',
  engines: rootPkg.engines,
  bin: { kubetile: 'bin/kubetile.js', kubetiled: 'bin/kubetiled.js' },
  files: ['bin', 'plugins', 'README.md'],
  dependencies,
  bundleDependencies: Object.keys(dependencies),
});
// Install the whole tree as real files (no links), without dev dependencies or install scripts…
writeFileSync(
  path.join(stage, 'package.json'),
  `${JSON.stringify(manifest({ ...Object.fromEntries(bundled.map((b) => [b.name, `file:vendor/${b.ws}`])), ...deps }), null, 2)}\n`,
);
execFileSync('npm', ['install', '--omit=dev', '--install-links', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
// …then name the workspace packages by version: the bundle satisfies them.
writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest({ ...Object.fromEntries(bundled.map((b) => [b.name, b.version])), ...deps }), null, 2)}\n`);
for (const b of bundled) {
  const f = path.join(stage, 'node_modules', b.name, 'package.json');
  const pkg = readJson(f);
  for (const name of Object.keys(pkg.dependencies ?? {})) if (name.startsWith('@kubetile/')) pkg.dependencies[name] = cli.version;
  writeFileSync(f, `${JSON.stringify(pkg, null, 2)}\n`);
}
const tgz = execFileSync('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
console.log(path.join(out, tgz));
