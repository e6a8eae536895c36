import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { replaceKubeconfig, simKubeconfig } from '../helpers/kubeconfig-file.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * Clusters come and go in a kubeconfig over the weeks a daemon runs (kind, k3d, a cluster per pull
 * request): each context the user looked at and that left the kubeconfig kept its KubeConfig in
 * the daemon for good, and with it the whole kubeconfig as it was then (every cluster's server and
 * CA) — ~115 KiB per cluster gone with a kubeconfig of 100 contexts, without end.
 */

/** Contexts that stay (all kube-sim): the kubeconfig a withdrawn context's KubeConfig pinned. */
const STAYING = 100;
const ROUNDS = 80;
const WARM_UP = 15;

let t: SimDaemonWithClient;
let kubeconfig: string;

const contexts = (extra: string | null): string => {
  const all: Record<string, SimDaemonWithClient['sim']> = {};
  for (let i = 0; i < STAYING; i++) all[`team-${i}`] = t.sim;
  if (extra) all[extra] = t.sim;
  return simKubeconfig(all, 'team-0');
};

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 120, rows: 30 },
    beforeDaemon: (sim, env) => {
      env.env.NODE_OPTIONS = '--expose-gc';
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
      sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'apps' }, spec: { containers: [{ name: 'c', image: 'busybox' }] }, status: { phase: 'Running' } });
    },
  });
  kubeconfig = t.env.env.KUBECONFIG!;
});

afterAll(async () => {
  await t?.stop();
});

async function heapAfterGc(c: RawClient): Promise<number> {
  await c.request('daemon/status', { collect: true });
  return (await c.request<{ memory: { heapUsed: number } }>('daemon/status', { collect: true })).memory.heapUsed;
}

/** A new cluster in the kubeconfig (the last one gone from it), a tab switched to it, its pods listed. */
async function round(c: RawClient, tabId: number, paneId: number, i: number): Promise<void> {
  const name = `pr-${i}`;
  replaceKubeconfig(kubeconfig, contexts(name));
  await waitFor(`context ${name} loaded`, async () => (await c.request<{ contexts: Array<{ name: string }> }>('kube/contexts')).contexts.some((x) => x.name === name), 30_000, 20);
  await c.request('kube/use', { tabId, context: name, namespace: 'apps' });
  await waitFor(`the pods of ${name}`, async () => {
    const v = (await c.request<{ view: PaneView }>('pane/snapshot', { paneId })).view;
    return v.type === 'table' && v.rows.some((r) => JSON.stringify(r).includes('web'));
  }, 30_000, 20);
}

describe('contexts leaving the kubeconfig', () => {
  it('cost the daemon nothing once nothing uses them', async () => {
    const c = t.client;
    replaceKubeconfig(kubeconfig, contexts(null));
    await waitFor('the staying contexts', async () => (await c.request<{ contexts: unknown[] }>('kube/contexts')).contexts.length === STAYING, 30_000);
    const { tabId, paneId } = await c.request<{ tabId: number; paneId: number }>('tab/new', { view: { key: 'resource-list', args: { kind: 'pods' } } });
    for (let i = 0; i < WARM_UP; i++) await round(c, tabId, paneId, i);
    const before = await heapAfterGc(c);
    for (let i = WARM_UP; i < WARM_UP + ROUNDS; i++) await round(c, tabId, paneId, i);
    const grown = (await heapAfterGc(c)) - before;
    const perRound = grown / ROUNDS;
    // Kept: ~115 KiB a round (9 MiB); now what is left is the daemon's log ring filling.
    expect(perRound, `heap grew ${(grown / 1024 / 1024).toFixed(2)} MiB over ${ROUNDS} clusters come and gone`).toBeLessThan(32 * 1024);
  }, 240_000);
});
