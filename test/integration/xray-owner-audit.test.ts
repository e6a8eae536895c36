import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { LinesView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { json, pod as plainPod, podList, startHostileApiServer, writeHostileKubeconfig } from '../helpers/hostile-api-server.js';
import { paneLines } from '../helpers/pane-lines.js';

/**
 * An audit: xray of all namespaces against a pod that claims another namespace's workload as its
 * controller. An owner reference names a uid only and the API server takes any; an owner is in its
 * dependent's namespace (the garbage collector ignores any other). The pod of namespace `evil`
 * naming the uid of `prod`'s ReplicaSet is not that ReplicaSet's pod — xray drew it under it, with
 * its status, as if `prod`'s workload ran it. And an API server that sends ownerReferences that are
 * not a list of references (a string, `[null]`): one such pod made the whole xray "view failed".
 */

let t: SimDaemonWithClient;
let c: RawClient;

const pod = (name: string, namespace: string, owner: { name: string; uid: string }, image: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.name, uid: owner.uid, controller: true }] },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 60 },
    beforeDaemon: (sim) => {
      for (const name of ['prod', 'evil']) sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      const rs = sim.createObject({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'web-5d8f', namespace: 'prod' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
        status: { replicas: 1, readyReplicas: 1 },
      });
      const owner = { name: 'web-5d8f', uid: rs.metadata.uid! };
      sim.createObject(pod('web-5d8f-good', 'prod', owner, 'nginx:1.27'));
      // Same uid, another namespace: a pod anyone allowed to create pods in `evil` can make.
      sim.createObject(pod('web-5d8f-impostor', 'evil', owner, 'evil.example/miner:1'));
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const lines = (paneId: number): Promise<string[]> => paneLines(c, paneId);

describe('xray of all namespaces', () => {
  it("draws under a ReplicaSet only the pods of its namespace, not another namespace's pod naming its uid", async () => {
    const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'xray', args: { kind: 'replicasets' } }, newTab: true });
    await c.request('kube/use', { tabId: r.tabId, namespace: '*' });
    let last: string[] = [];
    await waitFor('the tree with its pod', async () => {
      last = await lines(r.paneId);
      return last.some((l) => l.includes('Pod web-5d8f-good')) ? last : null;
    }, 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; tree: ${JSON.stringify(last)}`);
    });
    // Both pods came in the one list of pods (all namespaces): the impostor is known to the view, and not drawn.
    // (xray of all namespaces draws each root under its namespace: see xray-namespaces-audit.test.ts.)
    expect(last).toEqual(['Namespace prod', '└─ ReplicaSet web-5d8f  1/1 ready', '   └─ Pod web-5d8f-good  Running 1/1', '      └─ Container main  running nginx:1.27']);
  }, 90_000);
});

describe('xray against ownerReferences that are not a list of references', () => {
  it('draws every pod; the malformed references are no owner, and the view does not fail', async () => {
    const env = makeTestEnv();
    const api = await startHostileApiServer();
    let daemon: Awaited<ReturnType<typeof startDaemon>> | undefined;
    let client: RawClient | undefined;
    try {
      const withRefs = (name: string, refs: unknown) => {
        const p = plainPod(name);
        (p.metadata as Record<string, unknown>).ownerReferences = refs;
        return p;
      };
      api.route('/api/v1/namespaces/default/pods', (_req, res, q) => {
        if (q.get('watch')) {
          res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
          res.flushHeaders();
          return;
        }
        json(res, 200, podList([withRefs('a-string', 'x'), withRefs('b-null', [null]), withRefs('c-number-uid', [{ controller: true, uid: 42 }]), withRefs('d-object', { controller: true, uid: 'u' }), plainPod('e-plain')]));
      });
      env.env.KUBECONFIG = writeHostileKubeconfig(join(env.dir, 'kubeconfig'), api);
      daemon = await startDaemon(env);
      client = await RawClient.connect(env.socket);
      await client.attach({ cols: 200, rows: 40 });
      const c = client;
      const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'xray', args: { kind: 'pods' } }, newTab: true });
      await c.request('kube/use', { tabId: r.tabId, namespace: 'default' });
      let last: unknown = null;
      const v = await waitFor('the pods drawn', async () => {
        const x = (await c.request<{ view: LinesView | { type: 'message'; text: string } }>('pane/snapshot', { paneId: r.paneId, rows: 60, cols: 200 })).view;
        last = x;
        return x.type === 'lines' && x.lines.some((l) => l.text.startsWith('Pod e-plain')) ? x : null;
      }, 60_000).catch((err: unknown) => {
        throw new Error(`${String(err)}; view: ${JSON.stringify(last).slice(0, 300)}`);
      });
      expect(v.lines.filter((l) => l.text.startsWith('Pod ')).map((l) => l.text.split('  ')[0])).toEqual(['Pod a-string', 'Pod b-null', 'Pod c-number-uid', 'Pod d-object', 'Pod e-plain']);
    } finally {
      client?.close();
      await daemon?.stop();
      await api.close();
      env.cleanup();
    }
  }, 120_000);
});
