import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { makeTestEnv, startDaemon, waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { API_LEVEL } from '@kubetile/rpc-schema';

let env: TestEnv;
beforeEach(() => {
  env = makeTestEnv();
});
afterEach(() => env.cleanup());

describe('daemon socket lifecycle', () => {
  it('creates the socket 0600 in a 0700 directory and removes it on SIGTERM after telling clients', async () => {
    const d = await startDaemon(env);
    expect(statSync(env.socket).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(env.socket)).mode & 0o777).toBe(0o700);
    const c = await RawClient.connect(env.socket);
    await c.attach();
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    const exit = await waitFor('daemon/exit', () => c.notifications.find((n) => n.method === 'daemon/exit'));
    expect(exit.params).toEqual({ reason: 'signal SIGTERM' });
    expect(existsSync(env.socket)).toBe(false);
    c.close();
  });
  it('a SIGTERM while it still loads (the socket already listens) stops it cleanly: exit 0, socket removed', async () => {
    const d = await startDaemon(env);
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    expect(existsSync(env.socket)).toBe(false);
  });
  it('daemon/shutdown stops it cleanly too', async () => {
    const d = await startDaemon(env);
    const c = await RawClient.connect(env.socket);
    await c.request('daemon/shutdown');
    expect(await d.exited).toBe(0);
    await waitFor('daemon/exit', () => c.notifications.find((n) => n.method === 'daemon/exit'));
    expect(existsSync(env.socket)).toBe(false);
    c.close();
  });
  it('a client that never closes its side after the goodbye does not hold the daemon’s exit', async () => {
    const d = await startDaemon(env);
    // Half-open allowed, and 'end' ignored: the socket stays open until this test destroys it.
    const stubborn = connect({ path: env.socket, allowHalfOpen: true });
    stubborn.on('error', () => undefined);
    await new Promise<void>((r) => stubborn.once('connect', () => r()));
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'daemon/hello', params: { client: { name: 'stubborn', version: '0' }, apiLevel: API_LEVEL } });
    stubborn.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let answered = '';
    stubborn.on('data', (b) => (answered += b.toString()));
    await waitFor('the stubborn client served', () => answered.includes('"result"'));
    const c = await RawClient.connect(env.socket);
    await c.request('daemon/shutdown');
    c.close();
    // Before: the listener's close waited for every connection to end, this one never did.
    expect(await d.exited).toBe(0);
    expect(stubborn.destroyed || stubborn.readableEnded).toBe(true);
    stubborn.destroy();
  });

  it('a second daemon on the same socket refuses to start and leaves the first alone', async () => {
    const first = await startDaemon(env);
    const second = await startDaemon(env, [], { wait: false });
    expect(await second.exited).toBe(3);
    expect(second.stderr()).toMatch(/a kubetile daemon is already running on .*kubetile\.sock/);
    const c = await RawClient.connect(env.socket);
    await expect(c.request<{ pid: number }>('daemon/status')).resolves.toMatchObject({ pid: first.child.pid });
    c.close();
    await first.stop();
  });
  it('replaces a stale socket file that nobody answers', async () => {
    const crashed = await startDaemon(env);
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    expect(existsSync(env.socket)).toBe(true);
    const d = await startDaemon(env);
    const c = await RawClient.connect(env.socket);
    await expect(c.request<{ pid: number }>('daemon/status')).resolves.toMatchObject({ pid: d.child.pid });
    c.close();
    await d.stop();
  });
  it('refuses to replace a path that is not a socket', async () => {
    mkdirSync(dirname(env.socket), { recursive: true, mode: 0o700 });
    writeFileSync(env.socket, 'precious');
    const d = await startDaemon(env, [], { wait: false });
    expect(await d.exited).toBe(1);
    expect(d.stderr()).toMatch(/exists and is not a socket/);
  });
  it('rejects bad flags naming them', async () => {
    const d = await startDaemon(env, ['--frobnicate'], { wait: false });
    expect(await d.exited).toBe(2);
    expect(d.stderr()).toMatch(/frobnicate/);
  });
});

describe('config', () => {
  it('hot-reloads keybindings; a bad file is reported with line and key and the last good config stays', async () => {
    mkdirSync(dirname(env.configFile), { recursive: true });
    writeFileSync(env.configFile, '[keybindings.tui]\nsplit_vertical = "alt+s"\n');
    const d = await startDaemon(env);
    const c = await RawClient.connect(env.socket);
    await c.attach();
    await expect(c.request('client/key', { key: 'alt+s' })).resolves.toMatchObject({ command: 'app:split_vertical' });
    writeFileSync(env.configFile, '[keybindings.tui]\nsplit_vertical = "alt+s"\nnew_tab = "hyper+t"\n');
    const toast = await waitFor('error toast', () =>
      c.notifications.find((n) => n.method === 'toast' && /new_tab/.test((n.params as { text: string }).text)),
    );
    expect(toast.params).toEqual({ level: 'error', text: "config.toml:3: keybindings.tui.new_tab: unknown modifier 'hyper' in key 'hyper+t'" });
    // the last good config is still in force
    await expect(c.request('client/key', { key: 'alt+s' })).resolves.toMatchObject({ command: 'app:split_vertical' });
    // The help pane lists the bindings in force, and follows the reload.
    const { paneId: help } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    const splitRow = async (): Promise<string | undefined> => {
      const s = await c.request<{ view: { type: string; lines?: Array<{ text: string }> } }>('pane/snapshot', { paneId: help, cols: 120, rows: 200 });
      return s.view.lines?.map((l) => l.text).find((t) => / {2}Split$/.test(t));
    };
    expect(await splitRow()).toMatch(/Alt\+S\b/);
    writeFileSync(env.configFile, '[keybindings.tui]\nsplit_vertical = "alt+b"\n');
    await waitFor('reloaded', async () => (await c.request<{ command?: string }>('client/key', { key: 'alt+b' })).command === 'app:split_vertical');
    const after = await splitRow();
    expect(after).toMatch(/Alt\+B\b/);
    expect(after).not.toMatch(/Alt\+S\b/);
    const r = await c.request<{ ok: boolean; errors: string[] }>('config/reload');
    expect(r).toEqual({ ok: true, errors: [] });
    c.close();
    await d.stop();
  });
});
