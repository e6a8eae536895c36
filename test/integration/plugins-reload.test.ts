import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-jsonrpc/node';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

const SMOKE = join(REPO_ROOT, 'plugins/smoke/build/smoke.wasm');
const ECHO = join(REPO_ROOT, 'test/fixtures/plugins/build/echo.wasm');

let env: TestEnv;
let daemon: DaemonProcess;
let c: RawClient;
/** The configured plugin file, given in the config relative to the config file's directory. */
let live: string;

interface PluginRow {
  key: string;
  sha256: string | null;
  status: string;
  error: string | null;
  instances: number;
}

const text = (v: PaneView | undefined): string => (v?.type === 'lines' ? v.lines.map((l) => l.text).join('\n') : v?.type === 'message' ? v.text : '');
const row = async (key: string): Promise<PluginRow | undefined> => (await c.request<{ plugins: PluginRow[] }>('plugin/list')).plugins.find((p) => p.key === key);

/** What a build tool does: write the new file beside the old one, then rename it over. */
function replaceAtomically(target: string, bytes: Buffer | string): void {
  const tmp = join(dirname(target), `.${Date.now()}.partial`);
  writeFileSync(tmp, bytes);
  renameSync(tmp, target);
}

/** Saved like an editor does (write + rename): the daemon's config watcher never sees half a file. */
function writeConfig(body: string): void {
  mkdirSync(dirname(env.configFile), { recursive: true });
  const tmp = join(env.dir, `config.${Date.now()}.tmp`);
  writeFileSync(tmp, body);
  renameSync(tmp, env.configFile);
}

beforeEach(async () => {
  env = makeTestEnv();
  live = join(dirname(env.configFile), 'plugins', 'live.wasm');
  mkdirSync(dirname(live), { recursive: true });
  copyFileSync(SMOKE, live);
  writeConfig(`[[plugins]]\nkey = "live"\npath = "plugins/live.wasm"\ntimeout_ms = 20000\n`);
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
  await c.attach({ cols: 120, rows: 40 });
});

afterEach(async () => {
  c.close();
  await daemon.stop();
  env.cleanup();
});

describe('plugin hot reload on a real daemon', () => {
  it('swaps a rebuilt plugin in (same pane id, new render); a broken rebuild leaves the old one running with the error listed and toasted', async () => {
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'live' } });
    await c.waitView('smoke-ok', paneId, (v) => text(v) === 'smoke-ok');
    const first = await row('live');
    expect(first).toMatchObject({ status: 'ready', error: null, instances: 1 });

    // A different valid build, renamed over the configured path: the watcher swaps it in.
    replaceAtomically(live, readFileSync(ECHO));
    await c.waitView('the new build renders', paneId, (v) => text(v) === 'open' || text(v) === 'resize');
    const second = await waitFor('new sha', async () => {
      const r = await row('live');
      return r && r.sha256 !== first!.sha256 ? r : null;
    });
    expect(second).toMatchObject({ status: 'ready', error: null });
    expect((await c.request<{ panes: Array<{ paneId: number; key: string }> }>('pane/list')).panes).toContainEqual(expect.objectContaining({ paneId, key: 'live' }));
    await waitFor('success toast', () => c.notifications.find((n) => n.method === 'toast' && (n.params as { text: string }).text === "plugin 'live' reloaded"));
    await waitFor('plugin/status', () => c.notifications.find((n) => n.method === 'plugin/status' && (n.params as { key: string }).key === 'live'));
    await c.request('pane/command', { paneId, command: { type: 'select' } });
    await c.waitView('the new build answers', paneId, (v) => text(v) === 'select');

    // A broken build: the old one keeps running; plugin/list and a toast say why.
    replaceAtomically(live, 'this is not WebAssembly');
    const broken = await waitFor('reload error', async () => {
      const r = await row('live');
      return r?.error ? r : null;
    });
    expect(broken).toMatchObject({ status: 'ready', sha256: second.sha256, instances: 1 });
    expect(broken.error).toBe('refused: malformed module: not a WebAssembly module (bad magic number) (the previous build keeps running)');
    const toast = await waitFor('error toast', () => c.notifications.find((n) => n.method === 'toast' && (n.params as { level: string }).level === 'error'));
    expect((toast.params as { text: string }).text).toMatch(/^plugin 'live': refused: malformed module/);
    await c.request('pane/command', { paneId, command: { type: 'back' } });
    await c.waitView('the old build still answers', paneId, (v) => text(v) === 'back');
    const err = await c.request('plugin/reload', { key: 'live' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect((err as Error).message).toMatch(/^plugin 'live' was not reloaded: refused: malformed module/);

    // Fixed again: plugin/reload (or the watcher) brings the smoke build back, same pane.
    replaceAtomically(live, readFileSync(SMOKE));
    await c.waitView('smoke again', paneId, (v) => text(v) === 'smoke-ok');
    await waitFor('error cleared', async () => (await row('live'))?.error === null);
    expect(await c.request('plugin/reload', { key: 'live' })).toEqual({ ok: true });
  });

  it('config changes add and remove plugins without a restart', async () => {
    writeConfig(`[[plugins]]\nkey = "live"\npath = "plugins/live.wasm"\ntimeout_ms = 20000\n\n[[plugins]]\nkey = "echo"\npath = "${ECHO}"\ntimeout_ms = 20000\n`);
    expect(await c.request('config/reload')).toEqual({ ok: true, errors: [] });
    expect((await c.request<{ plugins: PluginRow[] }>('plugin/list')).plugins.map((p) => p.key)).toEqual(['echo', 'live']);
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'echo' } });
    await c.waitView('echo', paneId, (v) => text(v) === 'open' || text(v) === 'resize');

    writeConfig(`[[plugins]]\nkey = "live"\npath = "plugins/live.wasm"\npermissions = ["k8s:nope"]\ntimeout_ms = 20000\n`);
    const bad = await c.request<{ ok: boolean; errors: string[] }>('config/reload');
    expect(bad).toEqual({ ok: false, errors: ["config.toml:4: plugins.0.permissions.0: unknown permission 'k8s:nope' (known: clipboard:write, k8s:get:secrets[:ns=<namespace>], k8s:list:<resource>[:ns=<namespace>], k8s:logs:pods[:ns=<namespace>], k8s:patch:<resource>[:ns=<namespace>], k8s:delete:<resource>[:ns=<namespace>], k8s:scale:<resource>[:ns=<namespace>])"] });
    expect((await c.request<{ plugins: PluginRow[] }>('plugin/list')).plugins).toHaveLength(2);

    writeConfig(`[[plugins]]\nkey = "live"\npath = "plugins/live.wasm"\ntimeout_ms = 20000\n`);
    expect((await c.request<{ ok: boolean }>('config/reload')).ok).toBe(true);
    await c.waitView('removed', paneId, (v) => text(v) === "plugin 'echo' was removed from the config");
    expect((await c.request<{ plugins: PluginRow[] }>('plugin/list')).plugins.map((p) => p.key)).toEqual(['live']);
    expect((await c.request<{ plugins: number }>('daemon/status')).plugins).toBe(1);
  });
});
