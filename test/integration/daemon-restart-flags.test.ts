import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLIENT_MAIN, makeTestEnv, type TestEnv } from '../helpers/daemon-process.js';

/**
 * `kubetile daemon restart` from another shell (no KUBETILE_DEMO, no flags) starts the next daemon
 * the way the running one was started: a --readonly daemon must not come back read-write, a demo
 * daemon must not come back without its cluster. Flags given to the restart still win.
 */

const execFileP = promisify(execFile);
let env: TestEnv | null = null;

async function kt(e: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const r = await execFileP(process.execPath, [CLIENT_MAIN, ...args], { env: e, timeout: 90_000 });
  return r.stdout;
}

interface Status {
  pid: number;
  readonly?: boolean;
  startedWith?: { demo: boolean | 'auto'; readonlyFlag: boolean; config: string; stateDir: string };
}

const status = async (e: NodeJS.ProcessEnv): Promise<Status> => JSON.parse(await kt(e, 'rpc', 'daemon/status')) as Status;
const contexts = async (e: NodeJS.ProcessEnv): Promise<string[]> => (JSON.parse(await kt(e, 'rpc', 'kube/contexts')) as { contexts: Array<{ name: string }> }).contexts.map((c) => c.name);

afterEach(async () => {
  if (env) await kt(env.env, 'kill-server').catch(() => undefined);
  env?.cleanup();
  env = null;
});

describe('kubetile daemon restart', () => {
  it('keeps --readonly and --demo of the daemon it replaces, and says so', async () => {
    env = makeTestEnv();
    const e = { ...env.env, KUBETILE_SOCKET: env.socket };
    delete e.KUBECONFIG;
    delete e.KUBETILE_DEMO;
    await kt(e, 'daemon', 'start', '--demo', '--readonly');
    const before = await status(e);
    expect(before).toMatchObject({ readonly: true, startedWith: { demo: true, readonlyFlag: true } });
    expect(await contexts(e)).not.toEqual([]);

    const out = await kt(e, 'daemon', 'restart');
    expect(out).toMatch(/^kubetile: daemon restarted \(pid \d+ → \d+\), kubetile \S+ on .+ \(as it was started: --demo, --readonly\)\n$/);
    const after = await status(e);
    expect(after.pid).not.toBe(before.pid);
    expect(after).toMatchObject({ readonly: true, startedWith: { demo: true, readonlyFlag: true, config: before.startedWith!.config, stateDir: before.startedWith!.stateDir } });
    expect(await contexts(e)).not.toEqual([]);
  }, 180_000);

  it('keeps the demo-when-there-is-no-kubeconfig of `npm start` (KUBETILE_DEMO=auto) when restarted from a shell without it', async () => {
    env = makeTestEnv();
    const e = { ...env.env, KUBETILE_SOCKET: env.socket };
    delete e.KUBECONFIG;
    await kt({ ...e, KUBETILE_DEMO: 'auto' }, 'daemon', 'start');
    expect(await status(e)).toMatchObject({ readonly: false, startedWith: { demo: 'auto', readonlyFlag: false } });
    const out = await kt(e, 'daemon', 'restart');
    expect(out).toContain('(as it was started: the demo cluster when there is no kubeconfig)');
    expect(await status(e)).toMatchObject({ startedWith: { demo: 'auto' } });
    expect(await contexts(e)).not.toEqual([]);
  }, 180_000);
});
