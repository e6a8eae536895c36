// The build helper and the scaffold: a fresh plugin from the template builds
// with `npm run build` and runs; compile and ABI errors fail loudly by name.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlugin } from '../bin/kubetile-plugin-build.mjs';
import { BUILD_HELPER, ScaffoldError, defaultBuildCommand, scaffoldPlugin } from '../scaffold.mjs';
import { REPO_ROOT } from './helpers/paths.js';
import { TestHost } from './helpers/test-host.js';

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kubetile-sdk-test-'));

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A plugin dir with the given assembly/index.ts (outside the repo, like a user's plugin). */
function pluginDir(name: string, source: string, kubetile: Record<string, unknown> = {}): string {
  const dir = path.join(tmp, name);
  mkdirSync(path.join(dir, 'assembly'), { recursive: true });
  writeFileSync(path.join(dir, 'assembly/index.ts'), source);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, kubetile: { name, ...kubetile } }));
  return dir;
}

describe('scaffoldPlugin', () => {
  it('rejects names that are not kebab-case, naming them', () => {
    for (const bad of ['MyPlugin', 'my_plugin', 'my plugin', '-x', 'x-', 'a--b', '1abc', '']) {
      expect(() => scaffoldPlugin(path.join(tmp, 'never'), bad)).toThrow(ScaffoldError);
      expect(() => scaffoldPlugin(path.join(tmp, 'never'), bad)).toThrow(`invalid plugin name ${JSON.stringify(bad)}`);
    }
    expect(existsSync(path.join(tmp, 'never'))).toBe(false);
  });

  it('refuses a non-empty target directory', () => {
    const dir = path.join(tmp, 'busy');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'keep.txt'), 'x');
    expect(() => scaffoldPlugin(dir, 'busy')).toThrow(/not empty/);
  });

  it('writes a project whose npm run build produces a working plugin', async () => {
    const dir = path.join(tmp, 'hello-world');
    const result = scaffoldPlugin(dir, 'hello-world');
    expect(result).toEqual({
      dir,
      name: 'hello-world',
      files: ['.gitignore', 'README.md', 'assembly/index.ts', 'assembly/tsconfig.json', 'package.json'],
    });
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('hello-world');
    expect(pkg.kubetile).toEqual({ name: 'hello-world', permissions: [] });
    // outside the repo: an absolute path to the helper
    expect(pkg.scripts.build).toBe(`node ${JSON.stringify(BUILD_HELPER)}`);
    const source = readFileSync(path.join(dir, 'assembly/index.ts'), 'utf8');
    expect(source).toContain('class HelloWorld extends Plugin');
    expect(source).not.toMatch(/\{\{\w+\}\}/);
    expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(`path        = "${dir}/build/hello-world.wasm"`);

    const { stdout } = await run('npm', ['run', 'build', '--silent'], { cwd: dir });
    expect(stdout).toMatch(/built hello-world → build\/hello-world\.wasm .*permissions: none/);

    const host = await TestHost.load({ wasm: path.join(dir, 'build/hello-world.wasm') });
    try {
      await host.init({ greeting: 'Grüß dich' });
      expect(await host.open()).toEqual([
        'Grüß dich from hello-world!',
        'commands received: 0',
        'last command: (none yet)',
        '',
        'Edit assembly/index.ts, then run npm run build.',
      ]);
      expect((await host.command({ type: 'filter', query: 'web' }))![2]).toBe('last command: filter "web"');
      expect(await host.command({ type: 'resize', width: 80, height: 20 })).toBeNull();
    } finally {
      await host.close();
    }
  });

  it('uses a relative build command inside the kubetile repo', () => {
    expect(defaultBuildCommand(path.join(REPO_ROOT, 'plugins', 'new-one'))).toBe(
      'node "../../packages/sdk/bin/kubetile-plugin-build.mjs"',
    );
  });
});

describe('buildPlugin failures', () => {
  it('a compile error rejects with the plugin name and the diagnostic, leaving no output', async () => {
    const dir = pluginDir(
      'broken-one',
      'import { Plugin, registerPlugin } from "@kubetile/sdk";\nexport * from "@kubetile/sdk/exports";\nconst x: i32 = "not a number";\n',
    );
    const err = await buildPlugin({ dir }).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/^broken-one: compile failed/);
    expect(err?.message).toContain('assembly/index.ts');
    expect(existsSync(path.join(dir, 'build'))).toBe(true);
    expect(readdirSync(path.join(dir, 'build'))).toEqual([]);
  });

  it('the CLI exits 1 and prints the plugin name', async () => {
    const dir = path.join(tmp, 'broken-one');
    const err = await run(process.execPath, [BUILD_HELPER, dir]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/^kubetile-plugin-build: broken-one: compile failed/);
  });

  it('forgetting the exports line fails the ABI check with a hint', async () => {
    const dir = pluginDir(
      'no-exports',
      'import { Command, Lines, Plugin, registerPlugin } from "@kubetile/sdk";\n' +
        'class P extends Plugin { onCommand(cmd: Command): Lines | null { return null; } }\nregisterPlugin(new P());\n',
    );
    await expect(buildPlugin({ dir })).rejects.toThrow(
      /no-exports: built module fails the ABI checks:\n {2}- missing required export plugin_on_command \(add `export \* from "@kubetile\/sdk\/exports";`/,
    );
    expect(existsSync(path.join(dir, 'build/no-exports.wasm'))).toBe(false);
  });

  it('calling a host function not listed in kubetile.permissions fails the build', async () => {
    const dir = pluginDir(
      'sneaky',
      'import { Command, Lines, Plugin, listPods, registerPlugin } from "@kubetile/sdk";\n' +
        'export * from "@kubetile/sdk/exports";\n' +
        'class P extends Plugin { onCommand(cmd: Command): Lines | null { return Lines.of(listPods().value.length.toString()); } }\n' +
        'registerPlugin(new P());\n',
      { permissions: [] },
    );
    await expect(buildPlugin({ dir })).rejects.toThrow(/sneaky: .*kubetile::list_pods, which needs permission "k8s:list:pods".*kubetile\.permissions/s);
  });

  it('"kubetile.reasons" writes a kubetile.manifest section the daemon reads; a permission without a reason fails the build', async () => {
    const source =
      'import { Command, Lines, Plugin, listPods, registerPlugin } from "@kubetile/sdk";\n' +
      'export * from "@kubetile/sdk/exports";\n' +
      'class P extends Plugin { onCommand(cmd: Command): Lines | null { return Lines.of(listPods().value.length.toString()); } }\n' +
      'registerPlugin(new P());\n';
    const dir = pluginDir('with-reasons', source, { permissions: ['k8s:list:pods'], reasons: { 'k8s:list:pods': 'counts the pods' } });
    const r = await buildPlugin({ dir });
    expect(r.manifest).toEqual({ 'k8s:list:pods': 'counts the pods' });
    // Read back with the daemon's own parser.
    const { readManifest } = await import('../../daemon/src/plugins/manifest.js');
    expect(readManifest(new Uint8Array(readFileSync(r.outFile)))).toEqual({ permissions: { 'k8s:list:pods': 'counts the pods' } });

    const missing = pluginDir('no-reason', source, { permissions: ['k8s:list:pods'], reasons: {} });
    await expect(buildPlugin({ dir: missing })).rejects.toThrow(/no-reason: package\.json "kubetile\.reasons":\n {2}- permission "k8s:list:pods" has no reason/);
    const multiline = pluginDir('bad-reason', source, { permissions: ['k8s:list:pods'], reasons: { 'k8s:list:pods': 'one\ntwo' } });
    await expect(buildPlugin({ dir: multiline })).rejects.toThrow(/the reason for "k8s:list:pods" contains control characters/);
  });

  it('rejects a bad name or memory size before compiling', async () => {
    await expect(buildPlugin({ dir: tmp, name: 'Bad_Name' })).rejects.toThrow(/"Bad_Name" is not kebab-case/);
    const dir = path.join(tmp, 'hello-world');
    await expect(buildPlugin({ dir, maxMemoryPages: 513 })).rejects.toThrow(/hello-world: max memory must be 1\.\.512 pages/);
  });

  it('honours a smaller memory maximum', async () => {
    const dir = path.join(tmp, 'hello-world');
    const r = await buildPlugin({ dir, maxMemoryPages: 16, outFile: path.join(tmp, 'small.wasm') });
    expect(r.memory).toEqual({ initial: 1, maximum: 16 });
  });
});

describe('scripts/build-plugins.mjs', () => {
  it('is fast when nothing changed', async () => {
    await run(process.execPath, [path.join(REPO_ROOT, 'scripts/build-plugins.mjs')], { cwd: REPO_ROOT });
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'scripts/build-plugins.mjs')], { cwd: REPO_ROOT });
    expect(stdout).toContain('build-plugins: smoke: up to date');
    expect(stdout).toContain('build-plugins: pod-health: up to date');
    expect(stdout).toContain('build-plugins: secret-viewer: up to date');
    expect(stdout).toMatch(/build-plugins: fixtures: \d+ up to date/);
    expect(stdout).not.toContain('built ');
  });
});
