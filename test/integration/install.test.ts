import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTestEnv, REPO_ROOT, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';

/**
 * The README's install command puts `kubetile` on the PATH: `npm install -g .` from the checkout,
 * here into a temporary prefix; the installed command answers --version and talks to a daemon.
 * `npx kubetile` works in the checkout after `npm install`.
 */

const run = promisify(execFile);
let prefix: string;
let env: TestEnv;
let daemon: DaemonProcess;

beforeAll(async () => {
  prefix = mkdtempSync(join(tmpdir(), 'kt-prefix-'));
  env = makeTestEnv();
  daemon = await startDaemon(env);
}, 120_000);
afterAll(async () => {
  await daemon?.stop();
  env?.cleanup();
  rmSync(prefix, { recursive: true, force: true });
});

describe('installing the kubetile command', () => {
  it('npm install -g . puts a working kubetile on the PATH', async () => {
    await run('npm', ['install', '-g', '.', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: REPO_ROOT, timeout: 120_000 });
    const bin = join(prefix, 'bin', 'kubetile');
    expect(existsSync(bin)).toBe(true);
    const cmdEnv = { ...env.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, KUBETILE_SOCKET: env.socket };
    const v = await run('kubetile', ['--version'], { env: cmdEnv, cwd: tmpdir() });
    expect(v.stdout).toMatch(/^kubetile \d+\.\d+\.\d+\ndaemon: kubetile \d+\.\d+\.\d+ \(pid \d+/);
    const status = await run('kubetile', ['rpc', 'daemon/status'], { env: cmdEnv, cwd: tmpdir() });
    expect(JSON.parse(status.stdout)).toMatchObject({ pid: daemon.child.pid, socket: env.socket });
  }, 180_000);

  it('npx kubetile works in the checkout', async () => {
    const v = await run('npx', ['--no-install', 'kubetile', '--version'], { cwd: REPO_ROOT, env: { ...env.env, KUBETILE_SOCKET: env.socket }, timeout: 60_000 });
    expect(v.stdout).toMatch(/^kubetile \d+\.\d+\.\d+\n/);
  }, 120_000);
});
