import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CLIENT_MAIN, makeTestEnv, waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { processAlive as alive } from '../helpers/process-alive.js';

/**
 * `kubetile daemon start` run several times at once (scripts, terminals opened at login): one
 * daemon starts, and every command succeeds and names it — the ones whose daemon lost the race to
 * the socket used to fail with "the daemon exited (code 3) before answering" whenever the winner
 * took more than a second to answer (here: a big config, parsed before the first answer).
 */

let env: TestEnv;
const pids = new Set<number>();

beforeEach(() => {
  env = makeTestEnv();
});
afterEach(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  pids.clear();
  env.cleanup();
});


function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLIENT_MAIN, ...args], { env: env.env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('kubetile daemon start, three at once', () => {
  it('all succeed and name the one daemon that runs', async () => {
    const lines = ['[theme]'];
    for (let i = 0; i < 60_000; i += 1) lines.push(`k${i} = "v"`);
    mkdirSync(dirname(env.configFile), { recursive: true });
    writeFileSync(env.configFile, `${lines.join('\n')}\n`);
    const runs = await Promise.all([1, 2, 3].map(() => cli(['daemon', 'start', '--json'])));
    const answers = runs.map((r) => {
      const pid = /"pid":(\d+)/.exec(r.stdout)?.[1];
      if (pid) pids.add(Number(pid));
      return r;
    });
    for (const r of answers) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const said = answers.map((r) => JSON.parse(r.stdout) as { started: boolean; pid: number; socket: string });
    expect(new Set(said.map((s) => s.pid)).size).toBe(1);
    // (A command whose own daemon lost may still say started: the launcher reports the pid that answers.)
    expect(said.filter((s) => s.started).length).toBeGreaterThanOrEqual(1);
    const status = await cli(['daemon', 'status', '--json']);
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as { pid: number }).pid).toBe(said[0]!.pid);

    const stop = await cli(['kill-server']);
    expect(stop.code).toBe(0);
    await waitFor('the daemon gone', () => !alive(said[0]!.pid));
  }, 90_000);
});
