import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT, CLIENT_MAIN, kubetile, makeHome, stopDaemon, type Home } from './harness.js';

/** Runs a bash pipeline with `$K` standing for the kubetile command; collects its output. */
function sh(script: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      env: { ...env, K: `${JSON.stringify(process.execPath)} ${JSON.stringify(CLIENT_MAIN)}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${script}; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!BUILT)('kubetile rpc output reaches a slow or closed pipe intact', () => {
  let home: Home;
  let fullSize: number;
  beforeAll(async () => {
    home = makeHome();
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    const file = join(home.dir, 'discover.json');
    const r = await sh(`eval "$K rpc rpc/discover" > ${JSON.stringify(file)}`, home.env);
    expect(r.code).toBe(0);
    fullSize = statSync(file).size;
    // More than a pipe buffer holds, or the slow reader below could not tell.
    expect(fullSize).toBeGreaterThan(64 * 1024);
  });
  afterAll(async () => {
    await stopDaemon(home);
    home.cleanup();
  });

  it('a consumer that starts reading late gets every byte, and the status is 0', async () => {
    const r = await sh(`eval "$K rpc rpc/discover" | (sleep 1; wc -c); echo "status=\${PIPESTATUS[0]}"`, home.env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${fullSize}\nstatus=0\n`);
  });

  it('a consumer that stops reading (| head -c 10): quiet, status 141 like any tool killed by SIGPIPE', async () => {
    const r = await sh(`eval "$K rpc rpc/discover" | head -c 10; s=\${PIPESTATUS[0]}; echo; echo "status=$s"`, home.env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('{\n  "apiLe\nstatus=141\n');
  });

  it('an output error after the call succeeded exits non-zero with a one-line message', async () => {
    if (!existsSync('/dev/full')) return;
    const r = await sh(`eval "$K rpc rpc/discover" > /dev/full; echo "status=$?"`, home.env);
    expect(r.stdout).toBe('status=1\n');
    expect(r.stderr).toMatch(/^kubetile: cannot write the output: ENOSPC/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
