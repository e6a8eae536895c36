import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * A list starts on its tab's namespace however it is created: opened by `:` in a tab on another namespace, or
 * restored after a daemon restart (both used to watch `default` until the scope changed).
 */

let env: TestEnv;
let sim: KubeSim;
let daemon: DaemonProcess | null = null;

const pod = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] }, status: { phase: 'Running' } });

async function names(c: RawClient, paneId: number): Promise<string[]> {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 120 })).view;
  return v.type === 'table' ? v.rows.map((r) => r.cells.name!) : [];
}

beforeAll(async () => {
  env = makeTestEnv();
  const kubeconfig = join(env.dir, 'sim-kubeconfig');
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: kubeconfig, stateDir: join(env.dir, 'sim') });
  env.env.KUBECONFIG = kubeconfig;
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'away' } });
  sim.createObject(pod('in-default', 'default'));
  sim.createObject(pod('in-away', 'away'));
  daemon = await startDaemon(env);
});
afterAll(async () => {
  await daemon?.stop();
  await sim?.stop();
  env?.cleanup();
});

describe('a list starts on its tab’s namespace', () => {
  it('when split into a tab on another namespace, and when restored after a restart', async () => {
    let c = await RawClient.connect(env.socket);
    await c.attach({ cols: 120, rows: 40 });
    const { tabId, paneId: empty } = await c.request<{ tabId: number; paneId: number }>('pane/open', { view: { key: 'empty' }, newTab: true });
    await c.request('kube/use', { tabId, namespace: 'away' });
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, split: { paneId: empty, direction: 'vertical' } });
    await waitFor('the split list shows away’s pod', async () => (await names(c, paneId)).join() === 'in-away');
    c.close();
    await daemon!.stop();
    daemon = await startDaemon(env);
    c = await RawClient.connect(env.socket);
    await c.attach({ cols: 120, rows: 40 });
    let last: string[] = [];
    await waitFor('the restored list shows away’s pod', async () => {
      last = await names(c, paneId);
      return last.join() === 'in-away';
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; rows: ${JSON.stringify(last)}`);
    });
    expect(last).toEqual(['in-away']);
    c.close();
  });
});
