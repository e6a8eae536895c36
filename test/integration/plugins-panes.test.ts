import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-jsonrpc/node';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { clipboardWasm, historyWasm } from '../../packages/daemon/test/plugins/probe-plugin.js';

const SMOKE = join(REPO_ROOT, 'plugins/smoke/build/smoke.wasm');
const ECHO = join(REPO_ROOT, 'test/fixtures/plugins/build/echo.wasm');
/** Generous: a well-behaved plugin must not count as hung on a loaded test machine. */
const CALL_TIMEOUT_MS = 20_000;

let env: TestEnv;
let daemon: DaemonProcess;
const clients: RawClient[] = [];

function writeConfig(text: string): void {
  mkdirSync(dirname(env.configFile), { recursive: true });
  writeFileSync(env.configFile, text);
}

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(env.socket);
  clients.push(c);
  return c;
}

const text = (v: PaneView | undefined): string => (v?.type === 'lines' ? v.lines.map((l) => l.text).join('\n') : v?.type === 'message' ? v.text : '');

async function snapshot(c: RawClient, paneId: number): Promise<PaneView> {
  return (await c.request<{ view: PaneView }>('pane/snapshot', { paneId, cols: 60, rows: 10 })).view;
}

beforeEach(async () => {
  env = makeTestEnv();
  writeConfig(`
[[plugins]]
key = "smoke-test"
path = "${SMOKE}"
keybinding = "ctrl+y"
timeout_ms = ${CALL_TIMEOUT_MS}

[[plugins]]
key = "echo"
path = "${ECHO}"
timeout_ms = ${CALL_TIMEOUT_MS}
`);
  daemon = await startDaemon(env);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await daemon.stop();
  env.cleanup();
});

describe('plugin panes on a real daemon', () => {
  it('a smoke-test pane opened over RPC renders smoke-ok in the view the client receives', async () => {
    const c = await client();
    await c.attach({ cols: 120, rows: 40 });
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'smoke-test' } });
    const view = await c.waitView('smoke-ok', paneId, (v) => v.type === 'lines' && v.lines.some((l) => l.text === 'smoke-ok'));
    expect(view).toMatchObject({ type: 'lines', title: 'smoke-test', lines: [{ text: 'smoke-ok' }] });
    await c.request('pane/command', { paneId, command: { type: 'scroll_down' } });
    expect(text(await snapshot(c, paneId))).toBe('smoke-ok');
    const list = await c.request<{ plugins: Array<Record<string, unknown>> }>('plugin/list');
    expect(list.plugins.find((p) => p.key === 'smoke-test')).toMatchObject({
      key: 'smoke-test',
      path: SMOKE,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      permissions: [],
      status: 'ready',
      error: null,
      instances: 1,
      errors: 0,
    });
    const status = await c.request<{ plugins: number }>('daemon/status');
    expect(status.plugins).toBe(2);
  });

  it('an unknown plugin key gives an error pane and the daemon carries on', async () => {
    const c = await client();
    await c.attach();
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'no-such-plugin' } });
    expect(await snapshot(c, paneId)).toMatchObject({ type: 'message', level: 'error', text: "no pane type 'no-such-plugin'" });
    await expect(c.request('daemon/status')).resolves.toMatchObject({ pid: daemon.child.pid });
    const err = await c.request('plugin/reload', { key: 'no-such-plugin' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect((err as ResponseError<unknown>).message).toBe("no plugin 'no-such-plugin'");
  });

  it('10 concurrent instances each receive their own commands', async () => {
    const c = await client();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push((await c.request<{ paneId: number }>('pane/open', { view: { key: 'echo' }, newTab: true })).paneId);
    // The first snapshot shows the pane at a new size, which the plugin hears as a resize.
    await Promise.all(ids.map((id) => waitFor(`pane ${id} open`, async () => ['open', 'resize'].includes(text(await snapshot(c, id))))));
    const cmds = ['scroll_up', 'scroll_down', 'select_next', 'select_prev', 'select', 'back', 'go_to_top', 'page_up', 'toggle_wrap', 'scroll_left'];
    await Promise.all(ids.map((id, i) => c.request('pane/command', { paneId: id, command: { type: cmds[i] } })));
    await Promise.all(ids.map((id, i) => waitFor(`pane ${id} got ${cmds[i]}`, async () => text(await snapshot(c, id)) === cmds[i])));
    const echo = (await c.request<{ plugins: Array<{ key: string; instances: number; calls: number }> }>('plugin/list')).plugins.find((p) => p.key === 'echo')!;
    expect(echo.instances).toBe(10);
    expect(echo.calls).toBeGreaterThanOrEqual(30); // init + open + the command, per instance
  });

  it('its keybinding opens the plugin pane beside the focused one, and focuses it when already open', async () => {
    const c = await client();
    await c.attach();
    const first = c.activeTab().focusedPaneId;
    expect(await c.request('client/key', { key: 'ctrl+y' })).toEqual({ handled: true, command: 'app:open_plugin:smoke-test' });
    const layout = await c.waitLayout('plugin pane', (l) => {
      const t = l.tabs.find((x) => x.id === l.activeTabId)!;
      return t.focusedPaneId !== first && l.paneTitles[String(t.focusedPaneId)] === 'smoke-test';
    });
    const pluginPane = layout.tabs.find((x) => x.id === layout.activeTabId)!.focusedPaneId;
    await c.waitView('smoke-ok', pluginPane, (v) => v.type === 'lines' && v.lines[0]?.text === 'smoke-ok');
    await c.request('pane/focus', { paneId: first });
    await c.request('client/key', { key: 'ctrl+y' });
    await c.waitLayout('focus back on the plugin', (l) => l.tabs.find((x) => x.id === l.activeTabId)!.focusedPaneId === pluginPane);
    const panes = (await c.request<{ panes: Array<{ key: string }> }>('pane/list')).panes;
    expect(panes.filter((p) => p.key === 'smoke-test')).toHaveLength(1);
  });

  it('focus and the viewport size reach the plugin as commands', async () => {
    // A plugin that renders every input it was given, so nothing is lost to coalesced frames.
    const history = join(env.dir, 'history.wasm');
    writeFileSync(history, await historyWasm());
    writeConfig(`[[plugins]]\nkey = "history"\npath = "${history}"\ntimeout_ms = ${CALL_TIMEOUT_MS}\n`);
    expect(await (await client()).request('config/reload')).toEqual({ ok: true, errors: [] });
    const c = await client();
    await c.attach({ cols: 200, rows: 30 }); // wide enough for whole JSON lines
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'history' } });
    const inputs = (v: PaneView) => (v.type === 'lines' ? v.lines.map((l) => JSON.parse(l.text) as Record<string, unknown>) : []);
    const has = (want: Record<string, unknown>) => (v: PaneView) => inputs(v).some((i) => Object.entries(want).every(([k, x]) => i[k] === x));
    // Opened beside the focused pane: it hears open, then focus and its size.
    const first = await c.waitView('focus + size', paneId, (v) => has({ type: 'focus', focused: true })(v) && has({ type: 'resize' })(v));
    expect(inputs(first)[0]).toEqual({ pane_id: paneId });
    const size = inputs(first).find((i) => i.type === 'resize')!;
    expect(size).toEqual({ type: 'resize', width: expect.any(Number), height: expect.any(Number), pane_id: paneId });
    // The terminal grows: a new, larger size.
    await c.request('client/resize', { cols: 240, rows: 44 });
    await c.waitView('bigger size', paneId, (v) => inputs(v).some((i) => i.type === 'resize' && (i.width as number) > (size.width as number) && (i.height as number) > (size.height as number)));
    // Focus moves to the other pane: the plugin hears it lose focus.
    await c.request('client/key', { key: 'tab' });
    await c.waitView('focus lost', paneId, has({ type: 'focus', focused: false }));
  });

  it("clipboard_write goes to the client focused on the plugin's pane, or to all the session's clients", async () => {
    const wasm = join(env.dir, 'clip.wasm');
    writeFileSync(wasm, await clipboardWasm());
    writeConfig(`[[plugins]]\nkey = "clip"\npath = "${wasm}"\npermissions = ["clipboard:write"]\ntimeout_ms = ${CALL_TIMEOUT_MS}\n`);
    const a = await client();
    const b = await client();
    expect(await a.request('config/reload')).toEqual({ ok: true, errors: [] });
    await a.attach();
    await b.attach();
    const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'clip' } });
    await a.waitView('ready', paneId, (v) => text(v) === 'ready');
    const copies = (c: RawClient) => c.notifications.filter((n) => n.method === 'clipboard/write').map((n) => (n.params as { text: string }).text);

    await a.request('pane/command', { paneId, command: { type: 'select' } });
    await a.waitView('copied', paneId, (v) => text(v) === '{"ok":true,"value":null}');
    await waitFor('A got it', () => copies(a).length === 1);
    expect(copies(a)).toEqual(['copied!']);
    expect(copies(b)).toEqual([]); // B's focus is on its own pane

    await a.request('client/key', { key: 'tab' }); // now nobody is focused on the plugin pane
    await a.waitLayout('A moved on', (l) => l.tabs.find((t) => t.id === l.activeTabId)!.focusedPaneId !== paneId);
    await a.request('pane/command', { paneId, command: { type: 'select' } });
    await waitFor('both got it', () => copies(a).length === 2 && copies(b).length === 1);
  });

  it('closing the tab and stopping the daemon close the plugin instances', async () => {
    const c = await client();
    const { tabId, paneId } = await c.request<{ tabId: number; paneId: number }>('pane/open', { view: { key: 'smoke-test' }, newTab: true });
    await waitFor('open', async () => text(await snapshot(c, paneId)) === 'smoke-ok');
    await c.request('pane/open', { view: { key: 'smoke-test' }, split: { paneId, direction: 'horizontal' } });
    const instances = async () => (await c.request<{ plugins: Array<{ key: string; instances: number }> }>('plugin/list')).plugins.find((p) => p.key === 'smoke-test')!.instances;
    await waitFor('2 instances', async () => (await instances()) === 2);
    await c.request('tab/close', { tabId });
    await waitFor('no instance', async () => (await instances()) === 0);
    await c.request('pane/open', { view: { key: 'smoke-test' }, newTab: true });
    await waitFor('1 instance', async () => (await instances()) === 1);
    c.close();
    expect(await daemon.stop()).toBe(0);
  });
});
