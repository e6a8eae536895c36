import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { paneLines } from '../helpers/pane-lines.js';

/**
 * An audit: xray of a Deployment for a user who may list Deployments and ReplicaSets but not Pods
 * (RBAC), or while the pods' watch fails: the tree was drawn without its pods and said nothing —
 * a ReplicaSet `1/1 ready` with no pod under it, as if it had none. Now the tree says which kind it
 * cannot show, and why (the API server's words), above the tree.
 */

let t: SimDaemonWithClient;
let c: RawClient;

beforeAll(async () => {
  t = await startSimDaemon({
    sim: { controller: true },
    client: { cols: 200, rows: 60 },
    beforeDaemon: (sim) => {
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
      sim.createObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '8', memory: '16Gi', pods: '110' } } });
      sim.createObject({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'prod' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
      });
      sim.forbid('pods', ['list', 'watch']);
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const lines = (paneId: number): Promise<string[]> => paneLines(c, paneId);

describe('xray when a kind under the root cannot be listed', () => {
  it('says the pods are not shown and why, above the tree it can draw', async () => {
    const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'xray', args: { kind: 'deployments', name: 'web' } }, newTab: true });
    await c.request('kube/use', { tabId: r.tabId, namespace: 'prod' });
    let last: string[] = [];
    await waitFor('the tree with its ReplicaSet', async () => {
      last = await lines(r.paneId);
      return last.some((l) => /─ ReplicaSet web-/.test(l)) && last.some((l) => l.startsWith('Pods not shown')) ? last : null;
    }, 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; tree: ${JSON.stringify(last)}`);
    });
    expect(last[0]).toBe('Pods not shown: pods is forbidden: User "kube-sim-admin" cannot list resource "pods" in API group "" in the namespace "prod"');
    // (its status follows the sim's controller: not asserted)
    expect(last.slice(1).map((l) => l.replace(/web-[a-z0-9]+/, 'web-RS').replace(/ {2}\d\/1 ready$/, ''))).toEqual(['Deployment web', '└─ ReplicaSet web-RS']);
    // Allowed again: the pods come, and the warning goes.
    t.sim.allow('pods');
    await waitFor('the pods drawn, no warning', async () => {
      last = await lines(r.paneId);
      return last.some((l) => /─ Pod web-\S+  Running 1\/1$/.test(l)) && !last.some((l) => l.startsWith('Pods not shown')) ? last : null;
    }, 90_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; tree: ${JSON.stringify(last)}`);
    });
  }, 180_000);
});
