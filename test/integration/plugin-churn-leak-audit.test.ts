import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * A script that opens and closes a plugin pane in a loop (a status bar refreshing, a test
 * harness) must not leave the plugin's instances running: each pane/close used to free the pane's
 * seat at once while its instance went on starting — a worker thread, plugin_init, plugin_on_open,
 * then plugin_on_close — so dozens of workers started at once, past max_instances (RSS 100 →
 * 440 MiB and 50+ threads after 100 rounds, ~800 file descriptors after 300 on a loaded machine).
 */

const ECHO = join(REPO_ROOT, 'test/fixtures/plugins/build/echo.wasm');
const ROUNDS = 40;

let env: TestEnv;
let daemon: DaemonProcess;
let c: RawClient;

beforeEach(async () => {
  env = makeTestEnv();
  mkdirSync(dirname(env.configFile), { recursive: true });
  writeFileSync(env.configFile, `[[plugins]]\nkey = "echo"\npath = "${ECHO}"\nmax_instances = 2\ntimeout_ms = 20000\n`);
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
});

afterEach(async () => {
  c?.close();
  await daemon?.stop();
  env?.cleanup();
});

type PluginRow = { key: string; status: string; instances: number; calls: number };
const echoRow = async (): Promise<PluginRow> => (await c.request<{ plugins: PluginRow[] }>('plugin/list')).plugins.find((p) => p.key === 'echo')!;
const threads = (): number => readdirSync(`/proc/${daemon.child.pid}/task`).length;

describe('a plugin pane opened and closed in a loop', () => {
  it('leaves no instance running once its pane is closed, and the daemon its threads', async () => {
    await waitFor('echo loaded', async () => (await echoRow()).status === 'ready');
    const baseThreads = threads();
    const after: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'echo' }, newTab: true });
      await c.request('pane/close', { paneId });
      after.push((await echoRow()).instances);
    }
    // plugin/list counts the instances that run: none, once their panes are closed.
    expect(Math.max(...after), `instances after each close: ${after.join(' ')}`).toBe(0);
    // Every worker started for those panes ends (polled: a worker's thread exits a little after it is ended).
    await waitFor(`the daemon back to ${baseThreads} threads (has ${threads()})`, () => threads() <= baseThreads, 30_000, 100);
    // Nor did they run the plugin for panes that were gone: plugin_init, plugin_on_open and
    // plugin_on_close for every round (3 calls each) when the instances started to the end.
    const calls = (await echoRow()).calls;
    expect(calls, `plugin calls for ${ROUNDS} panes closed at once`).toBeLessThan(ROUNDS);
    // The plugin still works: a pane opened now renders.
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'echo' }, newTab: true });
    await waitFor('the echo pane to render', async () => {
      const v = (await c.request<{ view: PaneView }>('pane/snapshot', { paneId, cols: 60, rows: 10 })).view;
      return v.type === 'lines' && v.lines.length > 0;
    });
    expect((await echoRow()).instances).toBe(1);
  }, 180_000);
});
