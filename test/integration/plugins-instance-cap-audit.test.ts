import { copyFileSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * An audit: each plugin is capped at its own max_instances (≤ 256), and nothing capped them all
 * together — a config of many plugins, or a script opening panes of each, started as many worker
 * threads (tens of MiB each) as it liked. The daemon's cap (KUBETILE_MAX_PLUGIN_INSTANCES, a small
 * one here) refuses the pane past it, naming the cap and how to raise it; and a pane closed holds its
 * seat until its instance has ended, so closing panes in a loop does not pile instances up past it.
 * A rebuilt file that many plugins load started a trial instance of each at once (60: +680 MiB, and
 * some timed out starting): a few run at a time now.
 */

const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/plugins/build', `${name}.wasm`);
const capMessage = (n: number): string =>
  `the daemon already runs ${n} plugin instances, all plugins together, its limit (KUBETILE_MAX_PLUGIN_INSTANCES=${n} in the daemon's environment): close a plugin pane, or raise KUBETILE_MAX_PLUGIN_INSTANCES`;
const CAP_MESSAGE = capMessage(2);

let env: TestEnv | undefined;
let daemon: DaemonProcess | undefined;
let c: RawClient | undefined;

async function boot(config: string, cap: number): Promise<RawClient> {
  env = makeTestEnv();
  env.env.KUBETILE_MAX_PLUGIN_INSTANCES = String(cap);
  mkdirSync(dirname(env.configFile), { recursive: true });
  writeFileSync(env.configFile, config);
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
  return c;
}

afterEach(async () => {
  c?.close();
  await daemon?.stop();
  env?.cleanup();
  c = undefined;
  daemon = undefined;
  env = undefined;
});

const entry = (key: string, path: string, extra = '') => `[[plugins]]\nkey = "${key}"\npath = "${path}"\n${extra}\n`;

type PluginRow = { key: string; status: string; instances: number };
const rows = async (cl: RawClient): Promise<PluginRow[]> => (await cl.request<{ plugins: PluginRow[] }>('plugin/list')).plugins;
const view = async (cl: RawClient, paneId: number): Promise<PaneView> => (await cl.request<{ view: PaneView }>('pane/snapshot', { paneId, cols: 200, rows: 10 })).view;
const open = async (cl: RawClient, key: string): Promise<number> => (await cl.request<{ paneId: number }>('pane/open', { view: { key }, newTab: true })).paneId;
const running = async (cl: RawClient, paneId: number): Promise<boolean> => (await view(cl, paneId)).type === 'lines';
const refused = async (cl: RawClient, paneId: number): Promise<string | null> => {
  const v = await view(cl, paneId);
  return v.type === 'message' && v.level === 'error' ? v.text : null;
};
/** What a new pane came to: its refusal, or `running`. */
const settled = (cl: RawClient, paneId: number): Promise<string> =>
  waitFor(`pane ${paneId} refused or running`, async () => (await refused(cl, paneId)) ?? ((await running(cl, paneId)) ? 'running' : null), 60_000);

describe('the daemon-wide cap on plugin instances', () => {
  it('refuses the pane past it, whichever plugin, naming the cap; a pane closed makes room', async () => {
    const cl = await boot(['a', 'b', 'c'].map((k) => entry(`echo-${k}`, fixture('echo'), 'timeout_ms = 10000')).join('\n'), 2);
    await waitFor('the three plugins loaded', async () => (await rows(cl)).filter((r) => r.status === 'ready').length === 3, 60_000);
    const a = await open(cl, 'echo-a');
    const b = await open(cl, 'echo-b');
    for (const p of [a, b]) await waitFor(`pane ${p} runs`, () => running(cl, p), 60_000);
    // A third plugin, well under its own max_instances (16): refused by the daemon's cap.
    const c3 = await open(cl, 'echo-c');
    expect(await settled(cl, c3)).toBe(CAP_MESSAGE);
    // A second pane of a plugin already running: the same.
    const b2 = await open(cl, 'echo-b');
    expect(await settled(cl, b2)).toBe(CAP_MESSAGE);
    expect((await rows(cl)).map((r) => [r.key, r.instances])).toEqual([['echo-a', 1], ['echo-b', 1], ['echo-c', 0]]);
    // The others still answer.
    await cl.request('pane/command', { paneId: a, command: { type: 'back' } });
    await waitFor('echo-a answers', async () => {
      const v = await view(cl, a);
      return v.type === 'lines' && v.lines.some((l) => l.text === 'back');
    }, 60_000);
    // A pane closed: its seat is free for a new pane of any plugin.
    await cl.request('pane/close', { paneId: a });
    const c4 = await open(cl, 'echo-c');
    await waitFor('echo-c runs once a pane is closed', () => running(cl, c4), 60_000);
    expect((await rows(cl)).find((r) => r.key === 'echo-c')?.instances).toBe(1);
  }, 180_000);

  it('counts a closed pane until its instance has ended: closing panes in a loop stays under the cap', async () => {
    // plugin_on_close never returns: each closed pane's instance runs on until its call times out (4 s).
    // The plugin's own max_instances (16) is far off: the daemon's cap is the one that holds.
    const cl = await boot(entry('close-spin', fixture('close-spin'), 'timeout_ms = 4000'), 2);
    await waitFor('close-spin loaded', async () => (await rows(cl))[0]?.status === 'ready', 60_000);
    const ROUNDS = 5;
    let most = 0;
    const sample = async (): Promise<void> => {
      most = Math.max(most, (await rows(cl))[0]!.instances);
    };
    for (let i = 0; i < ROUNDS; i++) {
      const p = await open(cl, 'close-spin');
      // Once two closed panes' instances still run, the next waits for one of them to end (it is not refused).
      await waitFor(`round ${i}: the pane runs`, async () => {
        await sample();
        const r = await refused(cl, p);
        if (r) throw new Error(`round ${i}: refused: ${r}`);
        return running(cl, p);
      }, 60_000);
      await cl.request('pane/close', { paneId: p });
      await sample();
    }
    expect(most, 'instances running at once (closed panes included)').toBeLessThanOrEqual(2);
    await waitFor('every instance ended', async () => (await rows(cl))[0]!.instances === 0, 60_000);
  }, 180_000);

  it('a rebuilt file that many plugins load is tried a few plugins at a time, and every one of them reloads', async () => {
    const N = 24;
    const cl = await boot('', 64);
    const file = join(env!.dir, 'shared.wasm');
    copyFileSync(fixture('echo'), file);
    writeFileSync(env!.configFile, Array.from({ length: N }, (_, i) => entry(`p${i}`, file, 'timeout_ms = 10000')).join('\n'));
    expect((await cl.request<{ ok: boolean }>('config/reload')).ok).toBe(true);
    await waitFor(`the ${N} plugins loaded`, async () => (await rows(cl)).filter((r) => r.status === 'ready').length === N, 60_000);
    const sha = async (): Promise<string[]> => (await cl.request<{ plugins: Array<{ sha256: string | null }> }>('plugin/list')).plugins.map((p) => p.sha256 ?? '');
    const old = (await sha())[0];
    const threads = (): number => readdirSync(`/proc/${daemon!.child.pid}/task`).length;
    const base = threads();
    let peak = base;
    // The new build, renamed over the file: each plugin's watcher reloads it, with no pane open (a trial instance each).
    const tmp = join(env!.dir, 'shared.partial');
    copyFileSync(fixture('counter'), tmp);
    renameSync(tmp, file);
    await waitFor('every plugin on the new build', async () => {
      peak = Math.max(peak, threads());
      const now = await sha();
      return now.every((s) => s !== old && s === now[0]);
    }, 120_000, 20);
    // 4 trials at a time (a worker thread each), and a little room for the runtime's own threads; N at once before.
    expect(peak - base, `threads: ${base} before, ${peak} at the most`).toBeLessThanOrEqual(8);
    expect((await rows(cl)).filter((r) => r.status !== 'ready')).toEqual([]);
  }, 240_000);

  it('panes of many plugins opened and closed in a loop, at once: no seat is left held, the cap is whole again', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => `echo-${k}`);
    const cl = await boot(keys.map((k) => entry(k, fixture('echo'), 'timeout_ms = 10000')).join('\n'), 3);
    await waitFor('the plugins loaded', async () => (await rows(cl)).filter((r) => r.status === 'ready').length === keys.length, 60_000);
    for (let round = 0; round < 10; round++) {
      const panes = await Promise.all(keys.map((k) => open(cl, k)));
      await Promise.all(panes.map((paneId) => cl.request('pane/close', { paneId })));
    }
    await waitFor('every instance ended', async () => (await rows(cl)).every((r) => r.instances === 0), 60_000);
    // Three panes run (the cap), the fourth is refused: none of the 60 closed panes kept a seat.
    const panes = await Promise.all(keys.slice(0, 3).map((k) => open(cl, k)));
    for (const p of panes) expect(await settled(cl, p)).toBe('running');
    const fourth = await open(cl, keys[3]!);
    expect(await settled(cl, fourth)).toBe(capMessage(3));
  }, 180_000);
});

