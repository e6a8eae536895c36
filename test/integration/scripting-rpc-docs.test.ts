import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ErrorCodes, MAX_MESSAGE_BYTES } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
// @ts-expect-error: a plain ESM script of the docs folder, without types
import { renderRpcDoc } from '../../docs/render-rpc.mjs';

/**
 * docs/rpc.md is what a live daemon's rpc/discover renders to (npm run docs:rpc regenerates it), and
 * the two scripts it shows on the raw socket run against a real daemon: the TypeScript one with node
 * (through tsx), the Python one with /usr/bin/python3 and its standard library alone.
 */

const run = promisify(execFile);
let env: TestEnv;
let daemon: DaemonProcess;
beforeAll(async () => {
  env = makeTestEnv();
  daemon = await startDaemon(env);
});
afterAll(async () => {
  await daemon?.stop();
  env?.cleanup();
});

type Render = (api: unknown, codes: typeof ErrorCodes, max: number) => string;

describe('docs/rpc.md', () => {
  it('is up to date with rpc/discover (else: npm run docs:rpc)', async () => {
    const c = await RawClient.connect(env.socket);
    const api = await c.request('rpc/discover');
    c.close();
    const want = (renderRpcDoc as Render)(api, ErrorCodes, MAX_MESSAGE_BYTES);
    const have = readFileSync(join(REPO_ROOT, 'docs/rpc.md'), 'utf8');
    if (have !== want) throw new Error('docs/rpc.md is out of date with rpc/discover: run npm run docs:rpc');
    // Every method the daemon serves has its section.
    for (const m of (api as { methods: Array<{ name: string }> }).methods) expect(have).toContain(`### \`${m.name}\``);
    expect(have).toContain('## Versions and evolving the API');
  });

  it('the TypeScript example runs against a daemon', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'docs/examples/rpc-client.ts')], {
      env: { ...env.env, KUBETILE_SOCKET: env.socket },
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
    expect(r.stdout).toMatch(new RegExp(`^daemon \\d+\\.\\d+\\.\\d+ \\(pid ${daemon.child.pid}\\), API level 1\\nsessions \\d+, panes \\d+, port-forwards 0\\nattached to 'main' with 1 tab\\(s\\)\\npane \\d+: .+\\n$`));
  });

  it('the Python example runs with /usr/bin/python3 and its standard library', async () => {
    const r = await run('/usr/bin/python3', ['-I', join(REPO_ROOT, 'docs/examples/rpc_client.py')], { env: { ...env.env, KUBETILE_SOCKET: env.socket }, timeout: 60_000 });
    expect(r.stdout).toMatch(new RegExp(`^daemon \\d+\\.\\d+\\.\\d+ \\(pid ${daemon.child.pid}\\), API level 1\\nsessions \\d+, panes \\d+, port-forwards 0\\nattached to 'main' with 1 tab\\(s\\)\\npane \\d+: .+\\n$`));
  });
});
