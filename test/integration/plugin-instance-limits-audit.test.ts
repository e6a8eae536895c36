import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * An audit of the plugin instance limits (a plugin's own max_instances, and the daemon's
 * KUBETILE_MAX_PLUGIN_INSTANCES, all plugins together):
 * - a pane closed freed its plugin's own seat at once while its instance still ran (plugin_on_close,
 *   up to its timeout): opening and closing panes in a loop ran more instances of the plugin than
 *   its max_instances;
 * - a reload started each pane's new instance beside its old one, and a trial of a new build for a
 *   plugin with no pane, counted against neither limit (they count in the daemon's now; max_instances
 *   counts panes, so a plugin at it can still be reloaded);
 * - a KUBETILE_MAX_PLUGIN_INSTANCES that is not a whole number ("abc", " 5") was ignored without a word.
 */

const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/plugins/build', `${name}.wasm`);
const ownCap = (key: string, n: number): string =>
  `plugin '${key}' already runs ${n} instances, its limit (max_instances = ${n} in its [[plugins]] entry): close one of its panes, or raise max_instances`;
const daemonCap = (n: number): string =>
  `the daemon already runs ${n} plugin instance${n === 1 ? '' : 's'}, all plugins together, its limit (KUBETILE_MAX_PLUGIN_INSTANCES=${n} in the daemon's environment): close a plugin pane, or raise KUBETILE_MAX_PLUGIN_INSTANCES`;
const BESIDE = 'could not start its new build beside the running one (a reload runs both until it swaps them)';

let env: TestEnv | undefined;
let daemon: DaemonProcess | undefined;
let c: RawClient | undefined;

function writeConfig(body: string): void {
  mkdirSync(dirname(env!.configFile), { recursive: true });
  writeFileSync(env!.configFile, body);
}

async function boot(config: string, cap?: number): Promise<RawClient> {
  env = makeTestEnv();
  if (cap === undefined) delete env.env.KUBETILE_MAX_PLUGIN_INSTANCES;
  else env.env.KUBETILE_MAX_PLUGIN_INSTANCES = String(cap);
  writeConfig(config);
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

type PluginRow = { key: string; status: string; error: string | null; instances: number };
const rows = async (cl: RawClient): Promise<PluginRow[]> => (await cl.request<{ plugins: PluginRow[] }>('plugin/list')).plugins;
const row = async (cl: RawClient, key: string): Promise<PluginRow> => (await rows(cl)).find((r) => r.key === key)!;
const view = async (cl: RawClient, paneId: number): Promise<PaneView> => (await cl.request<{ view: PaneView }>('pane/snapshot', { paneId, cols: 400, rows: 10 })).view;
const open = async (cl: RawClient, key: string): Promise<number> => (await cl.request<{ paneId: number }>('pane/open', { view: { key }, newTab: true })).paneId;
const running = async (cl: RawClient, paneId: number): Promise<boolean> => (await view(cl, paneId)).type === 'lines';
const refused = async (cl: RawClient, paneId: number): Promise<string | null> => {
  const v = await view(cl, paneId);
  return v.type === 'message' && v.level === 'error' ? v.text : null;
};
const loaded = (cl: RawClient, n: number) => waitFor(`${n} plugins loaded`, async () => (await rows(cl)).filter((r) => r.status === 'ready').length === n, 60_000);
const runs = (cl: RawClient, paneId: number) => waitFor(`pane ${paneId} runs`, () => running(cl, paneId), 60_000);
/** The pane's echo plugin answers a command (its instance is alive and the pane's). */
async function answers(cl: RawClient, paneId: number, type: 'back' | 'select'): Promise<void> {
  await cl.request('pane/command', { paneId, command: { type } });
  await waitFor(`pane ${paneId} answers ${type}`, async () => {
    const v = await view(cl, paneId);
    return v.type === 'lines' && v.lines.some((l) => l.text === type);
  }, 60_000);
}
/** plugin/reload's refusal text (it answers with an error), or 'ok'. */
const reload = (cl: RawClient, key: string): Promise<string> =>
  cl.request('plugin/reload', { key }).then(
    () => 'ok',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );

describe("a plugin's own max_instances", () => {
  it('counts a closed pane until its instance has ended: open/close in a loop never runs more than max_instances', async () => {
    // plugin_on_close never returns: each closed pane's instance runs on until its call times out (10 s).
    const cl = await boot(entry('close-spin', fixture('close-spin'), 'timeout_ms = 10000\nmax_instances = 2'));
    await loaded(cl, 1);
    let most = 0;
    const sample = async (): Promise<void> => {
      most = Math.max(most, (await row(cl, 'close-spin')).instances);
    };
    for (let i = 0; i < 4; i++) {
      const p = await open(cl, 'close-spin');
      // Past two, a pane waits for a closed pane's instance to end (it is not refused).
      await waitFor(`round ${i}: the pane runs`, async () => {
        await sample();
        const r = await refused(cl, p);
        if (r) throw new Error(`round ${i}: refused: ${r}`);
        return running(cl, p);
      }, 60_000);
      await cl.request('pane/close', { paneId: p });
      await sample();
    }
    expect(most, 'instances of close-spin running at once (closed panes included)').toBeLessThanOrEqual(2);
    await waitFor('every instance ended', async () => (await row(cl, 'close-spin')).instances === 0, 60_000);
  }, 180_000);
});

describe("a reload counts its new instances against the daemon's cap", () => {
  it("at the plugin's own max_instances a reload goes through: max_instances counts panes, the new instances beside them count in the daemon's cap", async () => {
    const cl = await boot(entry('echo', fixture('echo'), 'timeout_ms = 10000\nmax_instances = 2'));
    await loaded(cl, 1);
    const [a, b] = [await open(cl, 'echo'), await open(cl, 'echo')];
    await Promise.all([runs(cl, a), runs(cl, b)]);
    expect(await reload(cl, 'echo')).toBe('ok');
    expect(await row(cl, 'echo')).toMatchObject({ status: 'ready', error: null });
    await answers(cl, a, 'select');
    await answers(cl, b, 'select');
    await waitFor('the old instances ended', async () => (await row(cl, 'echo')).instances === 2, 60_000);
    // A third pane is still refused by max_instances.
    const c3 = await open(cl, 'echo');
    expect(await waitFor('the third pane refused', () => refused(cl, c3), 60_000)).toBe(ownCap('echo', 2));
  }, 180_000);

  it("refused by the daemon's cap: the same, naming KUBETILE_MAX_PLUGIN_INSTANCES", async () => {
    const cl = await boot(entry('echo', fixture('echo'), 'timeout_ms = 10000'), 2);
    await loaded(cl, 1);
    const [a, b] = [await open(cl, 'echo'), await open(cl, 'echo')];
    await Promise.all([runs(cl, a), runs(cl, b)]);
    expect(await reload(cl, 'echo')).toBe(`plugin 'echo' was not reloaded: ${BESIDE}: ${daemonCap(2)}`);
    expect((await row(cl, 'echo')).instances).toBe(2);
    await answers(cl, a, 'back');
    await answers(cl, b, 'back');
  }, 180_000);

  it('a changed entry that cannot be swapped in stops its panes with the reason, never silently', async () => {
    const cl = await boot(entry('echo', fixture('echo'), 'timeout_ms = 10000'), 2);
    await loaded(cl, 1);
    const [a, b] = [await open(cl, 'echo'), await open(cl, 'echo')];
    await Promise.all([runs(cl, a), runs(cl, b)]);
    // A new config table: nothing of the old entry may go on running, and the new one has no room.
    writeConfig(entry('echo', fixture('echo'), 'timeout_ms = 10000\nconfig = { mode = "new" }'));
    expect(await cl.request('config/reload')).toMatchObject({ ok: true });
    const want = `plugin 'echo' ${BESIDE}: ${daemonCap(2)}`;
    for (const p of [a, b]) expect(await waitFor(`pane ${p} says why it stopped`, () => refused(cl, p), 60_000)).toBe(want);
    await waitFor('no instance left', async () => (await row(cl, 'echo')).instances === 0, 60_000);
  }, 180_000);

  it('the trial of a new build for a plugin with no pane takes a seat too', async () => {
    const cl = await boot([entry('busy', fixture('echo'), 'timeout_ms = 10000'), entry('idle', fixture('echo'), 'timeout_ms = 10000')].join('\n'), 1);
    await loaded(cl, 2);
    const a = await open(cl, 'busy');
    await runs(cl, a);
    const reason = `could not start its new build to try it: ${daemonCap(1)}`;
    expect(await reload(cl, 'idle')).toBe(`plugin 'idle' was not reloaded: ${reason}`);
    expect(await row(cl, 'idle')).toMatchObject({ status: 'ready', instances: 0, error: `${reason} (the previous build keeps running)` });
    await cl.request('pane/close', { paneId: a });
    await waitFor('busy’s instance ended', async () => (await row(cl, 'busy')).instances === 0, 60_000);
    expect(await reload(cl, 'idle')).toBe('ok');
  }, 180_000);
});

describe('KUBETILE_MAX_PLUGIN_INSTANCES', () => {
  /** How a daemon started with this value ends: its exit and what it said, or that it answers on its socket. */
  async function outcome(value: string): Promise<string> {
    const e = makeTestEnv();
    e.env.KUBETILE_MAX_PLUGIN_INSTANCES = value;
    const d = await startDaemon(e, [], { wait: false });
    try {
      let exited = false;
      // The socket listens before the daemon has loaded: it has started once it answers daemon/hello.
      const answered = (async (): Promise<string> => {
        while (!exited) {
          try {
            (await RawClient.connect(e.socket)).close();
            return 'answers';
          } catch {
            await new Promise((r) => setTimeout(r, 25));
          }
        }
        return 'exited';
      })();
      const ended = d.exited.then((code) => {
        exited = true;
        return `exit ${code}: ${d.stderr().trim()}`;
      });
      return await Promise.race([ended, answered]);
    } finally {
      await d.stop();
      e.cleanup();
    }
  }

  it('with a value that is not a whole number from 1 to 10000, the daemon does not start, naming the variable, the value and what is allowed', async () => {
    const bad = ['abc', '0', '-3', '1e9', ' 5', '2.5', '10001'];
    const got = await Promise.all(bad.map((v) => outcome(v)));
    expect(got).toEqual(
      bad.map(
        (v) =>
          `exit 1: kubetiled: KUBETILE_MAX_PLUGIN_INSTANCES=${JSON.stringify(v)} in the daemon's environment is not a number of plugin instances: it must be a whole number from 1 to 10000 (digits only), or unset for the default of 64`,
      ),
    );
    // A good one (and an empty one, as unset) starts.
    expect(await outcome('3')).toBe('answers');
    expect(await outcome('')).toBe('answers');
  }, 180_000);
});
