import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { json, pod, podList, startHostileApiServer, writeHostileKubeconfig, type HostileApiServer } from '../helpers/hostile-api-server.js';
import { openListIn, selectRow } from '../helpers/list-pane.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * ownerReferences as an API server (an aggregated one, a proxy) may send them: a string, an object,
 * `[null]`, a reference with a numeric uid. Debug mode on such a pod said "TypeError: … is not a
 * function"; now it says the pod has no workload to change, and nothing is written.
 */
let env: TestEnv;
let api: HostileApiServer;
let daemon: DaemonProcess | null = null;
let c: RawClient;

const SHAPES: Record<string, unknown> = {
  'refs-string': 'x',
  'refs-object': { controller: true, kind: 'ReplicaSet', name: 'rs', uid: 'u' },
  'refs-null': [null],
  'refs-number-uid': [{ apiVersion: 'apps/v1', controller: true, kind: 'ReplicaSet', name: 'rs', uid: 7 }],
};
const pods = Object.entries(SHAPES).map(([name, refs]) => {
  const p = pod(name) as { metadata: Record<string, unknown> };
  p.metadata.ownerReferences = refs;
  return p;
});

beforeAll(async () => {
  env = makeTestEnv();
  api = await startHostileApiServer();
  env.env.KUBECONFIG = writeHostileKubeconfig(join(env.dir, 'kubeconfig'), api);
  api.route('/api/v1/namespaces/default/pods', (req, res, q) => {
    req.resume();
    if (q.get('watch')) {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      return void res.flushHeaders();
    }
    json(res, 200, podList(pods));
  });
  for (const p of pods) {
    api.route(`/api/v1/namespaces/default/pods/${String(p.metadata.name)}`, (req, res) => {
      req.resume();
      json(res, 200, p);
    });
  }
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
  await c.attach({ cols: 160, rows: 40 });
});
afterAll(async () => {
  c?.close();
  await daemon?.stop();
  await api?.close();
  env?.cleanup();
});

describe('malformed ownerReferences', () => {
  it('debug mode on each pod says it has no workload (not a TypeError), and writes nothing', async () => {
    const paneId = await openListIn(c, 'pods', 'default');
    for (const name of Object.keys(SHAPES)) {
      await selectRow(c, paneId, name);
      const err = await c.request('resource/action', { paneId, action: 'debug', args: { mode: 'debug-mode' }, target: { name } }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message, name).toBe(`debug failed: pod default/${name} is not run by a Deployment, StatefulSet or DaemonSet (debug mode changes the workload's pod template)`);
    }
    expect(api.journal.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
