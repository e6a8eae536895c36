import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import type { SessionLayout } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * The `:` command line's history survives a daemon restart: kept in
 * `$XDG_STATE_HOME/kubetile/command-history.json` (newest first, at most 10, written atomically);
 * a corrupt file is moved aside with a warning in the daemon's log and a new history starts.
 * Real daemon processes on kube-sim, keys pressed as a client does.
 */

let env: TestEnv;
let sim: KubeSim;
let daemon: DaemonProcess;
let c: RawClient;

const stateDir = (): string => join(env.dir, 'state', 'kubetile');
const historyFile = (): string => join(stateDir(), 'command-history.json');
const names = (items: string[]): string[] => items.map((i) => i.split(' (')[0]!);

async function keys(...ks: string[]): Promise<void> {
  for (const key of ks) await c.request('client/key', { key });
}

async function connect(): Promise<void> {
  c = await RawClient.connect(env.socket);
  await c.attach({ cols: 120, rows: 40 });
}

async function restart(): Promise<void> {
  c.close();
  await daemon.stop();
  daemon = await startDaemon(env);
  await connect();
}

/** The `:` switcher's items, once discovery listed the kinds. */
async function switcherItems(): Promise<string[]> {
  await keys(':');
  const l = await c.waitLayout('the switcher with the kinds', (x: SessionLayout) => x.overlay?.type === 'selector' && x.overlay.items.some((i) => i.startsWith('deployments')));
  return l.overlay?.type === 'selector' ? l.overlay.items : [];
}

/** `:NAME` enter: the view switched (the overlay closed). */
async function pick(name: string): Promise<void> {
  await switcherItems();
  for (const ch of name) await c.request('client/key', { key: ch });
  await c.waitLayout(`typed ${name}`, (x) => x.overlay?.type === 'selector' && x.overlay.query === name);
  await keys('enter');
  await c.waitLayout(`:${name} picked`, (x) => !x.overlay);
}

const fileList = (): string[] | null => {
  try {
    return JSON.parse(readFileSync(historyFile(), 'utf8')) as string[];
  } catch {
    return null;
  }
};

beforeAll(async () => {
  env = makeTestEnv();
  const kubeconfig = join(env.dir, 'sim-kubeconfig');
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: kubeconfig, stateDir: join(env.dir, 'sim') });
  env.env.KUBECONFIG = kubeconfig;
  daemon = await startDaemon(env);
  await connect();
});
afterAll(async () => {
  c?.close();
  await daemon?.stop();
  await sim?.stop();
  env?.cleanup();
});

describe('the : command line history', () => {
  it('survives a daemon restart, newest first, and keeps at most 10 picks', async () => {
    await pick('deploy');
    await pick('svc');
    await waitFor('the history on disk', () => names(fileList() ?? []).join() === 'services,deployments');
    await restart();
    const items = await switcherItems();
    expect(names(items.slice(0, 2))).toEqual(['services', 'deployments']);
    await keys('esc');
    await c.waitLayout('switcher closed', (x) => !x.overlay);

    for (const n of ['cm', 'sts', 'ds', 'ns', 'pvc', 'pv', 'rs', 'cj', 'ing', 'po']) await pick(n);
    const want = ['pods', 'ingresses', 'cronjobs', 'replicasets', 'persistentvolumes', 'persistentvolumeclaims', 'namespaces', 'daemonsets', 'statefulsets', 'configmaps'];
    await waitFor('ten picks on disk', () => names(fileList() ?? []).join() === want.join());
    // No temp file of the atomic writes is left beside it.
    expect(readdirSync(stateDir()).filter((f) => f.startsWith('command-history.json.'))).toEqual([]);
    await restart();
    expect(names((await switcherItems()).slice(0, 10))).toEqual(want);
    await keys('esc');
    await c.waitLayout('switcher closed', (x) => !x.overlay);
  });

  it('a corrupt history file is moved aside with a warning in the log; the switcher works and a new history starts', async () => {
    c.close();
    await daemon.stop();
    writeFileSync(historyFile(), '{"not": "a history"');
    daemon = await startDaemon(env);
    await connect();
    const aside = readdirSync(stateDir()).filter((f) => f.startsWith('command-history.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(stateDir(), aside[0]!), 'utf8')).toBe('{"not": "a history"');
    await waitFor('the warning in the log', () => readFileSync(join(stateDir(), 'kubetiled.log'), 'utf8').includes(`${historyFile()} was moved to ${join(stateDir(), aside[0]!)} (it is not JSON)`));
    expect(existsSync(historyFile())).toBe(false);
    const items = await switcherItems();
    expect(items.length).toBeGreaterThan(5);
    await keys('esc');
    await c.waitLayout('switcher closed', (x) => !x.overlay);
    await pick('cm');
    await waitFor('a new history', () => names(fileList() ?? []).join() === 'configmaps');
  });
});
