import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * The demo's embedded PostgreSQL keeps its data in the temp dir while the daemon runs: the daemon
 * removes it when it stops, and a daemon that crashed (SIGKILL) leaves one that the next start
 * removes — never a directory still in use (its process runs) nor one that is not ours. The
 * daemon runs with `--demo` and TMPDIR set to a directory of the test's own.
 */

/** The engine's first start is an initdb in WASM (tens of seconds on a loaded 2-core machine). */
const ENGINE = 240_000;
let env: TestEnv;
let tmp: string;
const daemons: DaemonProcess[] = [];

afterAll(async () => {
  for (const d of daemons) await d.stop();
  env?.cleanup();
});

const dataDirsOf = (pid: number): string[] => readdirSync(tmp).filter((n) => n.startsWith(`kube-sim-pg-${pid}-`));

/** A daemon with the demo cluster; a query pane on shop/postgres-0 connected (the engine started). */
async function demoWithEngine(): Promise<{ daemon: DaemonProcess; pid: number }> {
  const daemon = await startDaemon(env, ['--demo']);
  daemons.push(daemon);
  const c = await RawClient.connect(env.socket);
  try {
    await c.attach({ cols: 120, rows: 40 });
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'query', args: { namespace: 'shop', pod: 'postgres-0' } } });
    const text = (v: PaneView | undefined): string => (v?.type === 'terminal' ? v.rows.map((r) => r.map((x) => x.text).join('')).join('\n') : '');
    await waitFor('the dialog', () => text(c.views.get(paneId)?.view).includes('Connect to PostgreSQL'), 60_000);
    await c.request('pane/command', { paneId, command: { type: 'select' } });
    // An engine's first start in a fresh temp dir is an initdb in WASM, which may outlast the pane's
    // 30 s connect timeout on a loaded machine: the dialog says so, and enter tries again.
    let tries = 0;
    await waitFor('connected to the embedded engine', async () => {
      const t = text(c.views.get(paneId)?.view);
      if (t.includes('Connection failed: nothing answered as PostgreSQL') && tries++ < 8) await c.request('pane/command', { paneId, command: { type: 'select' } });
      return /Connected — PostgreSQL 1\d/.test(t);
    }, ENGINE * 2, 100).catch((err: unknown) => {
      throw new Error(`${String(err)}\n--- last view ---\n${text(c.views.get(paneId)?.view)}`);
    });
  } finally {
    c.close();
  }
  return { daemon, pid: daemon.child.pid! };
}

describe('the demo engine\'s data directories', () => {
  it('are removed when the daemon stops; after a crash, the next start removes them but not one in use or not ours', async () => {
    env = makeTestEnv();
    tmp = join(env.dir, 'tmp');
    mkdirSync(tmp);
    env.env.TMPDIR = tmp;
    // The seeded templates other runs made (a cache, not data dirs): an initdb in WASM saved.
    for (const t of readdirSync(tmpdir()).filter((n) => /^kube-sim-pg-template-[0-9a-f]{16}$/.test(n))) cpSync(join(tmpdir(), t), join(tmp, t), { recursive: true });

    const first = await demoWithEngine();
    expect(dataDirsOf(first.pid)).toHaveLength(1);
    expect(await first.daemon.stop()).toBe(0);
    expect(dataDirsOf(first.pid)).toEqual([]);

    // A crash: nothing removes it then.
    const second = await demoWithEngine();
    const left = dataDirsOf(second.pid);
    expect(left).toHaveLength(1);
    second.daemon.child.kill('SIGKILL');
    await second.daemon.exited;
    expect(existsSync(join(tmp, left[0]!))).toBe(true);
    // One in use (this test process runs) and one that is not a data dir of ours: both stay.
    const inUse = `kube-sim-pg-${process.pid}-AbC123`;
    mkdirSync(join(tmp, inUse));
    mkdirSync(join(tmp, 'kube-sim-pg-notours'));

    const third = await startDaemon(env, ['--demo']);
    daemons.push(third);
    await waitFor('the crashed daemon\'s data dir removed', () => !existsSync(join(tmp, left[0]!)), 60_000);
    expect(existsSync(join(tmp, inUse))).toBe(true);
    expect(existsSync(join(tmp, 'kube-sim-pg-notours'))).toBe(true);
    await third.stop();
  }, ENGINE * 5);
});
