import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * Plugins load after the socket listens (issue 8, item 3c): a plugin loading or starting never
 * keeps clients out, its panes say "loading" meanwhile. A plugin file that is a FIFO no longer makes
 * a load that waits for a writer (it held a libuv thread for good, and the daemon's exit): it is
 * refused at once, and the module put in its place later is loaded by the file watcher.
 */
const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/plugins/build', `${name}.wasm`);
const INIT_TIMEOUT_MS = 2000;

let env: TestEnv;
let daemon: DaemonProcess;
let fifo: string;
let a: RawClient;
let b: RawClient;
/** b's keystrokes: when each was sent and how long it took. */
const keys: Array<{ sent: number; ms: number }> = [];
let typing = true;
let typist: Promise<void>;

const text = (v: PaneView | undefined): string => (v?.type === 'lines' ? v.lines.map((l) => l.text).join('\n') : v?.type === 'message' ? v.text : '');
async function view(paneId: number): Promise<PaneView> {
  return (await a.request<{ view: PaneView }>('pane/snapshot', { paneId, cols: 120, rows: 10 })).view;
}
const row = async (key: string) =>
  (await a.request<{ plugins: Array<{ key: string; status: string; error: string | null }> }>('plugin/list')).plugins.find((p) => p.key === key);

beforeAll(async () => {
  env = makeTestEnv();
  fifo = join(env.dir, 'late.wasm');
  execFileSync('mkfifo', [fifo]);
  mkdirSync(dirname(env.configFile), { recursive: true });
  writeFileSync(
    env.configFile,
    `[[plugins]]\nkey = "late"\npath = "${fifo}"\ntimeout_ms = 10000\n\n[[plugins]]\nkey = "slow-init"\npath = "${fixture('slow-init')}"\ntimeout_ms = ${INIT_TIMEOUT_MS}\n`,
  );
  daemon = await startDaemon(env);
  a = await RawClient.connect(env.socket);
  await a.attach({ cols: 120, rows: 40 });
  b = await RawClient.connect(env.socket);
  await b.attach({ cols: 100, rows: 30 }, 'other');
  await b.request('pane/open', { view: { key: 'help' } });
  typist = (async () => {
    let i = 0;
    while (typing) {
      const sent = Date.now();
      await b.request('client/key', { key: i++ % 2 ? 'j' : 'k' });
      keys.push({ sent, ms: Date.now() - sent });
    }
  })();
});

afterAll(async () => {
  typing = false;
  await typist?.catch(() => undefined);
  a?.close();
  b?.close();
  const code = await daemon?.stop();
  env?.cleanup();
  expect(code).toBe(0);
});

describe('plugins load after the socket listens', () => {
  it('a FIFO in a plugin file\'s place: hello was answered, the load is refused at once naming it, the module put there later loads', async () => {
    const refused = `cannot read ${fifo}: not a regular file (a FIFO)`;
    expect(await waitFor('late refused', async () => ((await row('late'))?.status === 'error' ? row('late') : null))).toMatchObject({ error: refused });
    await expect(a.request('plugin/reload', { key: 'late' })).rejects.toThrow(`plugin 'late' was not reloaded: ${refused}`);
    const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'late' }, newTab: true });
    expect(await view(paneId)).toMatchObject({ type: 'message', level: 'error', text: `plugin 'late' ${refused}` });
    // The module moved into its place (as a build does): the file watcher loads it.
    const staged = join(env.dir, 'late.tmp');
    await writeFile(staged, readFileSync(fixture('echo')));
    renameSync(staged, fifo);
    await waitFor('late loaded', async () => (await row('late'))?.status === 'ready');
    await waitFor('the pane runs the plugin', async () => ['open', 'resize', 'focus'].includes(text(await view(paneId))));
    expect(await row('late')).toMatchObject({ status: 'ready', error: null });
  });

  it('an instance whose plugin_init never returns: its pane says loading meanwhile, clients are answered, timeouts in a row stop it', async () => {
    const started = Date.now();
    const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'slow-init' }, newTab: true });
    expect(await view(paneId)).toMatchObject({ type: 'message', level: 'loading', text: "Loading plugin 'slow-init'…" });
    const stopped = await waitFor(
      'stopped',
      async () => {
        const v = await view(paneId);
        return v.type === 'message' && v.level === 'error' ? v.text : null;
      },
      60_000,
      100,
    );
    expect(stopped).toBe(`plugin 'slow-init' stopped after 3 crashes within 60 s: plugin_init timed out after ${INIT_TIMEOUT_MS} ms`);
    expect(await row('slow-init')).toMatchObject({ status: 'stopped', error: stopped });
    const during = keys.filter((k) => k.sent >= started);
    expect(during.length).toBeGreaterThan(10);
    expect(Math.max(...during.map((k) => k.ms))).toBeLessThan(2000);
  });
});
