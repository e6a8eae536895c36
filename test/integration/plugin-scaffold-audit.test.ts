import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_MAIN, makeTestEnv, REPO_ROOT, startDaemon, waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

let env: TestEnv;
beforeEach(() => {
  env = makeTestEnv();
});
afterEach(() => env.cleanup());

const pluginNew = (name: string, dir: string) =>
  spawnSync(process.execPath, [CLIENT_MAIN, 'plugin', 'new', name, dir], { cwd: env.dir, env: env.env, encoding: 'utf8' });

describe('kubetile plugin new: what it prints works when pasted', () => {
  it('a directory with spaces, quotes, a backslash and $(…): the cd line goes there (running nothing) and the TOML loads the plugin', async () => {
    const rel = `my plugins/a "b" \\c $(touch pwned) 'd'`;
    const dir = join(env.dir, rel);
    mkdirSync(dirname(dir), { recursive: true });
    const r = pluginNew('odd-dir', rel);
    expect(r.status, r.stderr).toBe(0);
    // The `cd …` of "next:", pasted into a shell in the same directory.
    const cdLine = /^ {2}(cd .*?) && npm install/m.exec(r.stdout)![1]!;
    const pwd = execFileSync('sh', ['-c', `${cdLine} && pwd -P`], { cwd: env.dir, encoding: 'utf8' }).trim();
    expect(pwd).toBe(dir);
    expect(existsSync(join(env.dir, 'pwned'))).toBe(false);

    // The printed [[plugins]] entry pasted into config.toml (a built module where it says).
    const wasm = join(dir, 'build', 'odd-dir.wasm');
    mkdirSync(dirname(wasm));
    copyFileSync(join(REPO_ROOT, 'test/fixtures/plugins/build/echo.wasm'), wasm);
    const toml = r.stdout.slice(r.stdout.indexOf('  [[plugins]]'));
    mkdirSync(dirname(env.configFile), { recursive: true });
    writeFileSync(env.configFile, toml);
    const daemon = await startDaemon(env);
    const c = await RawClient.connect(env.socket);
    try {
      const p = await waitFor('odd-dir loaded', async () => {
        const { plugins } = await c.request<{ plugins: Array<{ key: string; status: string; path: string; error: string | null }> }>('plugin/list', {});
        return plugins.find((x) => x.key === 'odd-dir' && x.status !== 'loading');
      });
      expect(p).toMatchObject({ status: 'ready', path: wasm, error: null });
      // The generated README's TOML block names the same file.
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      const block = /```toml\n([\s\S]*?)```/.exec(readme)![1]!;
      writeFileSync(env.configFile, block.replace(/^key\s*=.*$/m, 'key = "from-readme"'));
      const q = await waitFor('from-readme loaded', async () => {
        const { plugins } = await c.request<{ plugins: Array<{ key: string; status: string; path: string }> }>('plugin/list', {});
        return plugins.find((x) => x.key === 'from-readme' && x.status !== 'loading');
      });
      expect(q).toMatchObject({ status: 'ready', path: wasm });
    } finally {
      c.close();
      expect(await daemon.stop()).toBe(0);
    }
  });

  it("refuses a directory holding the user's files, naming it, and leaves them as they were", () => {
    const dir = join(env.dir, 'mine');
    mkdirSync(join(dir, 'assembly'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"name":"mine"}');
    writeFileSync(join(dir, 'assembly', 'index.ts'), '// my code');
    const r = pluginNew('mine', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`kubetile: ${dir} is not empty; choose a new directory\n`);
    expect(readdirSync(dir).sort()).toEqual(['assembly', 'package.json']);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{"name":"mine"}');
    expect(readFileSync(join(dir, 'assembly', 'index.ts'), 'utf8')).toBe('// my code');
  });

  it('refuses a name too long to build, saying how long it may be; the longest one taken builds', () => {
    const long = `p${'-a'.repeat(125)}`; // 251 characters: before, scaffolded, then every build failed with ENAMETOOLONG
    const r = pluginNew(long, join(env.dir, 'long'));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'kubetile: plugin name is 251 characters long; at most 64 (it names the npm package, build/NAME.wasm and the [[plugins]] key)\n',
    );
    expect(existsSync(join(env.dir, 'long'))).toBe(false);

    const longest = `p${'-a'.repeat(31)}${'b'}`; // 64 characters
    expect(longest).toHaveLength(64);
    const dir = join(env.dir, 'longest');
    expect(pluginNew(longest, dir).status).toBe(0);
    const build = spawnSync('npm', ['run', 'build'], { cwd: dir, env: env.env, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    expect(readFileSync(join(dir, 'build', `${longest}.wasm`)).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
  });

  it('a directory that is a symbolic link to nothing: says so, naming both (it said ENOENT on mkdir of a path ls shows)', () => {
    const dir = join(env.dir, 'link');
    symlinkSync(join(env.dir, 'gone', 'away'), dir);
    const r = pluginNew('linked', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`kubetile: ${dir} is a symbolic link to ${join(env.dir, 'gone', 'away')}, which does not exist; create that directory or choose another\n`);
    // A link to a directory that is there is followed.
    mkdirSync(join(env.dir, 'gone', 'away'), { recursive: true });
    expect(pluginNew('linked', dir).status).toBe(0);
    expect(readdirSync(join(env.dir, 'gone', 'away'))).toContain('package.json');
  });
});
