import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * Plugins load after the socket listens (issue 8, item 3c): a plugin still loading or starting
 * never keeps clients out, its panes say "loading", and calls about it wait instead of failing.
 * The slow load is a plugin file that is a FIFO: its load waits until the test writes the module.
 */
const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/plugins/build', `${name}.wasm`);
const INIT_TIMEOUT_MS = 2000;

let env: TestEnv;
let daemon: DaemonProcess;
let fifo: string;
let a: RawClient;
let b: RawClient;
let fifoWritten = false;
/** b's keystrokes: when each was sent and how long it took. */
const keys: Array<{ sent: number; ms: number }> = [];
let typing = true;
let typist: Promise<void>;

/** Gives a reader waiting on the FIFO the module (true), or finds none waiting (false). */
function feedWaitingReader(): boolean {
  let fd: number;
  try {
    fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return false; // ENXIO: nobody has it open for reading
  }
  try {
    writeSync(fd, readFileSync(fixture('echo')));
  } catch {
    // the reader went away
  } finally {
    closeSync(fd);
  }
  return true;
}

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
  // Without listen-first, the daemon waits on the FIFO before its socket exists: this never returns.
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
  // Never leave a read of the FIFO waiting for a writer (the file watcher reloads after each
  // write): a thread blocked in open() would hold the daemon's exit.
  if (!fifoWritten) await writeFile(fifo, readFileSync(fixture('echo'))).catch(() => undefined);
  await waitFor('no reader left on the FIFO', () => !feedWaitingReader(), 5000).catch(() => undefined);
  a?.close();
  b?.close();
  const code = await daemon?.stop();
  env?.cleanup();
  expect(code).toBe(0);
});

describe('plugins load after the socket listens', () => {
  it('a plugin still loading: hello was answered, plugin/list and its pane say loading, plugin/reload waits for the load', async () => {
    // The connections above said hello and attached while the plugin cannot have loaded (nothing
    // was written to its FIFO yet).
    expect(await row('late')).toMatchObject({ status: 'loading', error: null });
    const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'late' }, newTab: true });
    expect(await view(paneId)).toMatchObject({ type: 'message', level: 'loading', text: "Loading plugin 'late'…" });
    let reloaded: unknown = null;
    const reload = a.request('plugin/reload', { key: 'late' }).then(
      (r) => (reloaded = r),
      (err: unknown) => (reloaded = err),
    );
    // The daemon keeps answering while the load waits.
    const before = keys.length;
    await waitFor('b typing', () => keys.length >= before + 5);
    expect(reloaded).toBeNull();
    expect(await row('late')).toMatchObject({ status: 'loading' });

    await writeFile(fifo, readFileSync(fixture('echo')));
    fifoWritten = true;
    await waitFor('the pane runs the plugin', async () => ['open', 'resize', 'focus'].includes(text(await view(paneId))));
    await reload;
    expect(reloaded).toEqual({ ok: true });
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
