import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PANE_TYPES } from '@kubetile/rpc-schema/plugin-abi';
import { CLIENT_MAIN, makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * A plugin cannot take a key the daemon's own pane types have: `kubetile plugin new help` made a
 * project that built, then the daemon refused the plugin ("already a built-in pane type"). The SDK's
 * list of those types is the daemon's (held to it here), and the scaffold refuses them up front.
 */
let env: TestEnv;
let daemon: DaemonProcess | null = null;
beforeAll(async () => {
  env = makeTestEnv();
  daemon = await startDaemon(env);
});
afterAll(async () => {
  await daemon?.stop();
  env?.cleanup();
});

describe('built-in pane types vs plugin names', () => {
  it('the list the SDK knows is what a daemon without plugins registers', async () => {
    const c = await RawClient.connect(env.socket);
    try {
      const types = (await c.request<{ types: Array<{ key: string }> }>('pane/types')).types.map((t) => t.key);
      expect([...types].sort()).toEqual([...BUILTIN_PANE_TYPES].sort());
    } finally {
      c.close();
    }
  });

  it('kubetile plugin new refuses one, naming it, and makes nothing', () => {
    for (const name of ['help', 'node-shell', 'query']) {
      const dir = join(env.dir, `p-${name}`);
      const r = spawnSync(process.execPath, [CLIENT_MAIN, 'plugin', 'new', name, dir], { cwd: env.dir, env: env.env, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`kubetile: "${name}" is one of kubetile's own pane types (the [[plugins]] key cannot be); choose another name, e.g. "my-${name}"\n`);
      expect(existsSync(dir)).toBe(false);
    }
  });
});
