import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { json, pod, podList, startHostileApiServer, writeHostileKubeconfig, type HostileApiServer } from '../helpers/hostile-api-server.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * The node shell against an API server (or a proxy in front of one) that answers the pod's creation
 * with another pod: the user's own `user-pod`. The daemon never looks at, opens a shell in, or
 * deletes that pod on the answer's word; the pod it asked for is looked for under its own name.
 */

let env: TestEnv;
let api: HostileApiServer;
let daemon: DaemonProcess | null = null;
let c: RawClient;

beforeAll(async () => {
  env = makeTestEnv();
  api = await startHostileApiServer();
  env.env.KUBECONFIG = writeHostileKubeconfig(join(env.dir, 'kubeconfig'), api);
  const userPod = { ...pod('user-pod', 'uid-user-pod'), spec: { nodeName: 'node-a', containers: [{ name: 'shell', image: 'busybox' }] }, status: { phase: 'Running', containerStatuses: [{ name: 'shell', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] } };
  api.route('/api/v1/namespaces/default/pods', (req, res, q) => {
    if (req.method === 'POST') {
      req.resume();
      return json(res, 201, userPod);
    }
    if (q.get('watch')) {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      return void res.flushHeaders();
    }
    json(res, 200, podList([]));
  });
  api.route('/api/v1/namespaces/default/pods/user-pod', (req, res) => {
    req.resume();
    json(res, 200, userPod);
  });
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

describe('node shell, a creation answered with another pod', () => {
  it('the answer is refused by name; the user pod is never read, opened or deleted', async () => {
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'node-shell', args: { node: 'node-a' } }, newTab: true });
    let text = '';
    await waitFor('the refusal', async () => {
      const v = (await c.request<{ view: { type: string; text?: string } }>('pane/snapshot', { paneId, rows: 20, cols: 160 })).view;
      text = v.type === 'message' ? (v.text ?? '') : `<${v.type}>`;
      return /^cannot create the node-shell pod in namespace default: the API server's answer is not pod default\/kubetile-node-shell-node-a-[0-9a-f]{5}$/.test(text);
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; the pane says: ${text}`);
    });
    // The pod asked for is looked for under its own name (not there: nothing to delete).
    await waitFor('a look for the pod asked for', () => api.journal.some((r) => r.method === 'GET' && r.path.startsWith('/api/v1/namespaces/default/pods/kubetile-node-shell-node-a-')));
    await c.request('pane/close', { paneId });
    expect(api.journal.filter((r) => r.path.startsWith('/api/v1/namespaces/default/pods/user-pod'))).toEqual([]);
  });
});
