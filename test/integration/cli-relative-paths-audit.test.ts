import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CLIENT_MAIN, makeTestEnv, waitFor, type TestEnv } from '../helpers/daemon-process.js';

/**
 * `kubetile daemon start --config my.toml --state-dir s` from a directory: the paths mean what they
 * mean there. The detached daemon runs in `/`, and read `/my.toml` (missing: the built-in defaults,
 * without a word) and saved its sessions in `/s`; KUBETILE_CONFIG and KUBETILE_STATE_DIR alike.
 */

let env: TestEnv;
let pid: number | null = null;
/** Where the daemon wrote before the fix: under `/` (cleaned up after). */
const strays: string[] = [];

beforeEach(() => {
  env = makeTestEnv();
});
const gone = (p: number): boolean => {
  try {
    process.kill(p, 0);
    return false;
  } catch {
    return true;
  }
};

afterEach(async () => {
  if (pid !== null) {
    const p = pid;
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      /* gone */
    }
    await waitFor('the daemon gone', () => gone(p));
  }
  pid = null;
  for (const p of strays.splice(0)) if (existsSync(p)) rmSync(p, { recursive: true, force: true });
  env.cleanup();
});

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLIENT_MAIN, ...args], { env: { ...env.env, ...extraEnv }, cwd: env.dir, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

type Status = { pid: number; readonly: boolean; startedWith: { config: string; stateDir: string } };

async function startedAs(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Status> {
  const start = await cli(['daemon', 'start', '--json', ...args], extraEnv);
  expect(start.stderr).toBe('');
  expect(start.code).toBe(0);
  pid = (JSON.parse(start.stdout) as { pid: number }).pid;
  const status = await cli(['daemon', 'status', '--json']);
  expect(status.code).toBe(0);
  return JSON.parse(status.stdout) as Status;
}

async function stop(): Promise<void> {
  const p = pid;
  expect((await cli(['kill-server'])).code).toBe(0);
  await waitFor('the daemon gone', () => gone(p!));
  pid = null;
}

describe('relative paths given to kubetile daemon start', () => {
  it('--config and --state-dir are taken from the directory the command runs in', async () => {
    writeFileSync(join(env.dir, 'my.toml'), 'readonly = true\n');
    const state = `kt-audit-state-${basename(env.dir)}`;
    strays.push(join('/', state), '/my.toml');
    const s = await startedAs(['--config', 'my.toml', '--state-dir', state]);
    expect(s.startedWith).toMatchObject({ config: join(env.dir, 'my.toml'), stateDir: join(env.dir, state) });
    expect(s.readonly).toBe(true);
    await stop();
    expect(existsSync(join(env.dir, state, 'kubetiled.log'))).toBe(true);
  }, 60_000);

  it('and so are KUBETILE_CONFIG and KUBETILE_STATE_DIR', async () => {
    writeFileSync(join(env.dir, 'env.toml'), 'readonly = true\n');
    const state = `kt-audit-envstate-${basename(env.dir)}`;
    strays.push(join('/', state), '/env.toml');
    const s = await startedAs([], { KUBETILE_CONFIG: 'env.toml', KUBETILE_STATE_DIR: state });
    expect(s.startedWith).toMatchObject({ config: join(env.dir, 'env.toml'), stateDir: join(env.dir, state) });
    expect(s.readonly).toBe(true);
    await stop();
  }, 60_000);
});
