import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

const fixture = (name: string) => join(REPO_ROOT, 'test/fixtures/plugins/build', `${name}.wasm`);

/**
 * Hostile plugins on a real daemon: each is stopped with a named reason in its pane, while
 * another client's keystrokes on another pane keep being answered.
 */
let env: TestEnv;
let daemon: DaemonProcess;
let a: RawClient; // drives the hostile panes
let b: RawClient; // types on its own pane meanwhile
let bPane: number;
/** Round trips of b's client/key, with the time each was answered. */
const answered: number[] = [];
let typing = true;
let typist: Promise<void>;

const SPIN_TIMEOUT_MS = 3000;

beforeAll(async () => {
  env = makeTestEnv();
  mkdirSync(dirname(env.configFile), { recursive: true });
  const entry = (key: string, file: string, extra = '') => `[[plugins]]\nkey = "${key}"\npath = "${fixture(file)}"\n${extra}\n`;
  writeFileSync(
    env.configFile,
    [
      entry('spin', 'spin', `timeout_ms = ${SPIN_TIMEOUT_MS}`),
      entry('memory-bomb', 'memory-bomb', 'timeout_ms = 20000'),
      entry('trap', 'trap', 'timeout_ms = 20000'),
      entry('render-flood', 'render-flood', 'timeout_ms = 20000'),
      entry('ungranted-import', 'ungranted-import'),
      entry('missing-export', 'missing-export'),
      entry('memory-bomb-unbounded', 'memory-bomb-unbounded'),
    ].join('\n'),
  );
  daemon = await startDaemon(env);
  a = await RawClient.connect(env.socket);
  b = await RawClient.connect(env.socket);
  await b.attach({ cols: 100, rows: 30 }, 'other');
  bPane = (await b.request<{ paneId: number }>('pane/open', { view: { key: 'help' } })).paneId;
  typist = (async () => {
    let i = 0;
    while (typing) {
      const r = await b.request<{ handled: boolean }>('client/key', { key: i++ % 2 ? 'j' : 'k' });
      if (!r.handled) throw new Error('key not handled');
      answered.push(Date.now());
    }
  })();
});

afterAll(async () => {
  typing = false;
  await typist.catch(() => undefined);
  a?.close();
  b?.close();
  const code = await daemon?.stop();
  env?.cleanup();
  expect(code).toBe(0);
});

async function view(paneId: number): Promise<PaneView> {
  return (await a.request<{ view: PaneView }>('pane/snapshot', { paneId, cols: 100, rows: 10 })).view;
}

async function open(key: string): Promise<number> {
  return (await a.request<{ paneId: number }>('pane/open', { view: { key }, newTab: true, session: 'hostile' })).paneId;
}

const stopped = async (paneId: number) => {
  const v = await view(paneId);
  return v.type === 'message' && v.level === 'error' ? v.text : null;
};

/** Sends commands (one at a time, whenever the plugin is up) until the pane says it stopped. */
async function hammerUntilStopped(paneId: number): Promise<string> {
  return waitFor(
    'plugin stopped',
    async () => {
      const text = await stopped(paneId);
      if (text) return text;
      const v = await view(paneId);
      if (v.type === 'lines' && !v.footer) await a.request('pane/command', { paneId, command: { type: 'select' } });
      return null;
    },
    60_000,
    100,
  );
}

async function stillAnswering(): Promise<void> {
  const before = answered.length;
  await waitFor('b keys answered', () => answered.length >= before + 3);
  expect(daemon.child.exitCode).toBeNull();
}

describe('hostile plugins', () => {
  it('spin: the call times out, the daemon keeps answering the other client during the spin, and 3 timeouts stop it', async () => {
    const paneId = await open('spin');
    await waitFor('spin ready', async () => (await view(paneId)).type === 'lines');
    const sent = Date.now();
    await a.request('pane/command', { paneId, command: { type: 'scroll_down' } });
    // The spinning call is in flight until its timeout: b's keystrokes are answered meanwhile.
    const during = await waitFor('3 keys answered during the spin', () => {
      const n = answered.filter((t) => t > sent).length;
      return n >= 3 ? answered.filter((t) => t > sent) : null;
    });
    const restarting = await waitFor('spin restarting', async () => {
      const v = await view(paneId);
      return v.type === 'lines' && v.footer?.startsWith('restarting') ? { at: Date.now(), footer: v.footer } : null;
    });
    expect(restarting.footer).toBe(`restarting after crash 1: plugin_on_command timed out after ${SPIN_TIMEOUT_MS} ms`);
    expect(during[2]!).toBeLessThan(restarting.at);
    const reason = await hammerUntilStopped(paneId);
    expect(reason).toBe(`plugin 'spin' stopped after 3 crashes within 60 s: plugin_on_command timed out after ${SPIN_TIMEOUT_MS} ms`);
    await stillAnswering();
  });

  it('memory-bomb: filling the Extism memory limit stops it with that reason', async () => {
    const paneId = await open('memory-bomb');
    expect(await hammerUntilStopped(paneId)).toMatch(/^plugin 'memory-bomb' stopped after 3 crashes within 60 s: plugin_on_command: Extism memory limit exceeded/);
    await stillAnswering();
  });

  it('trap: traps stop it with the trap named', async () => {
    const paneId = await open('trap');
    expect(await hammerUntilStopped(paneId)).toMatch(/^plugin 'trap' stopped after 3 crashes within 60 s: plugin_on_(command|tick) trapped: (unreachable|memory access out of bounds)/);
    await stillAnswering();
  });

  it('render-flood: renders over the limit stop it with the sizes named', async () => {
    const paneId = await open('render-flood');
    expect(await hammerUntilStopped(paneId)).toMatch(/^plugin 'render-flood' stopped after 3 crashes within 60 s: .*4\.0 MiB.* over the 1 MiB limit$/);
    await stillAnswering();
  });

  it('ungranted-import: refused before instantiation, naming the import and the permission', async () => {
    const paneId = await open('ungranted-import');
    const text = await waitFor('refused', () => stopped(paneId));
    expect(text).toBe(
      "plugin 'ungranted-import' refused: it imports kubetile::get_secret, which needs the permission 'k8s:get:secrets' (not granted in its [[plugins]] entry)",
    );
    await stillAnswering();
  });

  it('missing-export and unbounded memory: refused with their reasons', async () => {
    const missing = await open('missing-export');
    expect(await waitFor('refused', () => stopped(missing))).toBe("plugin 'missing-export' refused: it does not export plugin_on_command, which every plugin must");
    const unbounded = await open('memory-bomb-unbounded');
    expect(await waitFor('refused', () => stopped(unbounded))).toMatch(/^plugin 'memory-bomb-unbounded' refused: its memory declares no maximum/);
    await stillAnswering();
  });

  it('plugin/list reports every hostile plugin, the daemon is still up, and b saw its own pane all along', async () => {
    const list = (await a.request<{ plugins: Array<{ key: string; status: string; error: string | null; instances: number; errors: number }> }>('plugin/list')).plugins;
    const by = Object.fromEntries(list.map((p) => [p.key, p]));
    expect(by['ungranted-import']).toMatchObject({ status: 'error', error: expect.stringContaining("needs the permission 'k8s:get:secrets'") });
    expect(by['missing-export']).toMatchObject({ status: 'error' });
    // Stopped at run time: plugin/list says so, with the reason the pane shows; every crash counted as an error.
    for (const k of ['spin', 'memory-bomb', 'trap', 'render-flood']) {
      expect(by[k]).toMatchObject({ status: 'stopped', instances: 0, error: expect.stringMatching(new RegExp(`^plugin '${k}' stopped after 3 crashes within 60 s: `)) });
      expect(by[k]!.errors).toBeGreaterThanOrEqual(3);
    }
    expect(b.views.get(bPane)?.view.type).toBe('lines');
    expect(answered.length).toBeGreaterThan(10);
  });
});
