import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_MAIN, makeTestEnv, type TestEnv } from '../helpers/daemon-process.js';

let env: TestEnv;
beforeEach(() => {
  env = makeTestEnv();
});
afterEach(() => env.cleanup());

describe('kubetile plugin new', () => {
  it('scaffolds a plugin whose npm run build produces a wasm module', () => {
    const dir = join(env.dir, 'pod-counter');
    const out = execFileSync(process.execPath, [CLIENT_MAIN, 'plugin', 'new', 'pod-counter', dir], { env: env.env, encoding: 'utf8' });
    expect(out).toContain(`created plugin 'pod-counter' in ${dir}`);
    expect(out).toContain('[[plugins]]');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { build: string } };
    expect(pkg.scripts.build).toMatch(/kubetile-plugin-build/);
    const build = spawnSync('npm', ['run', 'build'], { cwd: dir, env: env.env, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const wasm = join(dir, 'build', 'pod-counter.wasm');
    expect(existsSync(wasm)).toBe(true);
    expect(readFileSync(wasm).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
  });
  it('refuses a name that is not kebab-case, naming it', () => {
    const r = spawnSync(process.execPath, [CLIENT_MAIN, 'plugin', 'new', 'PodCounter', join(env.dir, 'x')], { env: env.env, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/invalid plugin name "PodCounter".*kebab-case/);
  });
});
