import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTestEnv, REPO_ROOT, waitFor, type TestEnv } from '../helpers/daemon-process.js';

/**
 * `npm run pack:cli` makes one tarball with everything kubetile runs with; installed into a
 * temporary prefix without the registry (--offline), its `kubetile` starts its own daemon, talks to
 * it and stops it.
 */

const run = promisify(execFile);
let prefix: string | null = null;
let env: TestEnv | null = null;

afterAll(async () => {
  if (env && prefix) await run(join(prefix, 'bin', 'kubetile'), ['kill-server'], { env: env.env, cwd: tmpdir() }).catch(() => undefined);
  env?.cleanup();
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

describe('the packed kubetile command', () => {
  it('installs from its tarball alone and runs: --version, daemon start, rpc daemon/status, kill-server', async () => {
    const packed = await run('node', ['scripts/pack-cli.mjs'], { cwd: REPO_ROOT, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
    const tgz = packed.stdout.trim().split('\n').pop()!;
    expect(existsSync(tgz)).toBe(true);
    prefix = mkdtempSync(join(tmpdir(), 'kt-pack-'));
    await run('npm', ['install', '-g', tgz, '--prefix', prefix, '--offline', '--no-audit', '--no-fund'], { cwd: tmpdir(), timeout: 600_000 });
    const kubetile = join(prefix, 'bin', 'kubetile');
    env = makeTestEnv();
    const opts = { env: env.env, cwd: tmpdir() };
    const v = await run(kubetile, ['--version'], opts);
    expect(v.stdout).toMatch(/^kubetile \d+\.\d+\.\d+\ndaemon: none answers/);
    const start = await run(kubetile, ['daemon', 'start'], opts);
    const pid = Number(/daemon started \(pid (\d+)\)/.exec(start.stdout)![1]);
    // The daemon that runs is the installed one, not this checkout's.
    const cmdline = await waitFor('daemon process', () => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return null;
      }
    });
    expect(cmdline).toContain(prefix);
    const status = JSON.parse((await run(kubetile, ['rpc', 'daemon/status'], opts)).stdout) as { pid: number };
    expect(status.pid).toBe(pid);
    const stop = await run(kubetile, ['kill-server'], opts);
    expect(stop.stdout).toContain(`daemon stopped (pid ${pid})`);
  }, 1_200_000);
});
