// State that survives every reload: a freshly scaffolded plugin keeps its counter across a
// rebuild (hot reload, snapshot → restore), and a crashed instance is restarted from the
// snapshot taken after its last successful command.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { CLIENT_MAIN, makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

const run = promisify(execFile);
const COUNTER = join(REPO_ROOT, 'test/fixtures/plugins/build/counter.wasm');

let env: TestEnv;
let daemon: DaemonProcess | null = null;
let c: RawClient | null = null;

const text = (v: PaneView | undefined): string => (v?.type === 'lines' ? v.lines.map((l) => l.text).join('\n') : v?.type === 'message' ? v.text : '');

function writeConfig(body: string): void {
  mkdirSync(dirname(env.configFile), { recursive: true });
  const tmp = join(env.dir, `config.${Date.now()}.tmp`);
  writeFileSync(tmp, body);
  renameSync(tmp, env.configFile);
}

async function start(config: string): Promise<RawClient> {
  writeConfig(config);
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
  await c.attach({ cols: 120, rows: 40 });
  return c;
}

beforeEach(() => {
  env = makeTestEnv();
});

afterEach(async () => {
  c?.close();
  c = null;
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

describe('plugin state across reloads and crashes', () => {
  it('a crashed instance is restarted from the snapshot of its last successful command', async () => {
    const client = await start(`[[plugins]]\nkey = "counter"\npath = ${JSON.stringify(COUNTER)}\ntimeout_ms = 5000\n`);
    const { paneId } = await client.request<{ paneId: number }>('pane/open', { view: { key: 'counter' } });
    await client.waitView('opened', paneId, (v) => text(v) === 'count 0');
    for (let i = 1; i <= 3; i++) {
      await client.request('pane/command', { paneId, command: { type: 'select_next' } });
      await client.waitView(`count ${i}`, paneId, (v) => text(v) === `count ${i}`);
    }
    // `back` traps: the instance is gone, its guest state with it.
    await client.request('pane/command', { paneId, command: { type: 'back' } });
    await waitFor('the crash counted', async () => {
      const r = await client.request<{ plugins: Array<{ key: string; errors: number }> }>('plugin/list');
      return (r.plugins.find((p) => p.key === 'counter')?.errors ?? 0) >= 1 ? true : null;
    });
    // The replacement was restored from "3": one more makes 4 (a fresh instance would say 1).
    await client.request('pane/command', { paneId, command: { type: 'select_next' } });
    const v = await client.waitView('count 4 after the restart', paneId, (x) => text(x) === 'count 4' || text(x) === 'count 1');
    expect(text(v)).toBe('count 4');
  });

  it('a freshly scaffolded plugin keeps its counter across a rebuild', async () => {
    const dir = join(env.dir, 'state-demo');
    await run(process.execPath, [CLIENT_MAIN, 'plugin', 'new', 'state-demo', dir], { env: env.env });
    await run('npm', ['run', 'build', '--silent'], { cwd: dir, env: env.env });
    const wasm = join(dir, 'build', 'state-demo.wasm');
    const client = await start(`[[plugins]]\nkey = "state-demo"\npath = ${JSON.stringify(wasm)}\ntimeout_ms = 5000\n`);
    const { paneId } = await client.request<{ paneId: number }>('pane/open', { view: { key: 'state-demo' } });
    await client.waitView('opened', paneId, (v) => text(v).includes('commands received: 0'));
    for (let i = 1; i <= 3; i++) {
      await client.request('pane/command', { paneId, command: { type: 'select_next' } });
      await client.waitView(`${i} commands`, paneId, (v) => text(v).includes(`commands received: ${i}`));
    }
    // An edit and a rebuild: the watcher swaps the new build in, restored from the snapshot.
    const src = join(dir, 'assembly', 'index.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace('Edit assembly/index.ts, then run npm run build.', 'rebuilt, state kept'));
    await run('npm', ['run', 'build', '--silent'], { cwd: dir, env: env.env });
    const v = await waitFor(
      'the new build renders',
      () => {
        const t = text(client.views.get(paneId)?.view);
        return t.includes('rebuilt, state kept') ? t : null;
      },
      60_000,
    );
    expect(v).toContain('commands received: 3');
    expect(v).toContain('last command: select_next');
    expect((await client.request<{ panes: Array<{ paneId: number; key: string }> }>('pane/list')).panes).toContainEqual(
      expect.objectContaining({ paneId, key: 'state-demo' }),
    );
  }, 300_000);
});
