import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { json, podList, startHostileApiServer, writeHostileKubeconfig, type HostileApiServer } from '../helpers/hostile-api-server.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * The sweep for node-shell pods a dead daemon left runs again when it failed before. A second node
 * shell opened while the first one's creation is under way (the API server made the pod, its answer
 * not back yet) must not take that pod for an orphan: the sweep lists it, and before the fix deleted
 * it under the first pane (same owner label, uid not known yet).
 */

const PODS = '/api/v1/namespaces/default/pods';
let env: TestEnv;
let api: HostileApiServer;
let daemon: DaemonProcess | null = null;
let c: RawClient;
/** Pods the server made (by name), as it stores them. */
const made = new Map<string, Record<string, unknown>>();
/** POSTs answered only when the test says so. */
const held: Array<() => void> = [];
let sweeps = 0;

const nameOf = (p: Record<string, unknown>): string => (p.metadata as { name: string }).name;

beforeAll(async () => {
  env = makeTestEnv();
  api = await startHostileApiServer();
  env.env.KUBECONFIG = writeHostileKubeconfig(join(env.dir, 'kubeconfig'), api);
  api.route(PODS, (req, res, q) => {
    if (req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        const p = JSON.parse(body) as Record<string, unknown>;
        const meta = p.metadata as Record<string, unknown>;
        const stored = { ...p, metadata: { ...meta, namespace: 'default', uid: `uid-${String(meta.name)}`, resourceVersion: '11', creationTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Pending' } };
        made.set(nameOf(stored), stored);
        // The pod is made now; the answer comes when released (a slow admission webhook, a slow link).
        api.route(`${PODS}/${nameOf(stored)}`, (r2, res2) => {
          r2.resume();
          if (r2.method === 'DELETE') made.delete(nameOf(stored));
          json(res2, 200, stored);
        });
        held.push(() => json(res as ServerResponse, 201, stored));
      });
      return;
    }
    if (q.get('watch')) {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      return void res.flushHeaders();
    }
    if ((q.get('labelSelector') ?? '').includes('kubetile.io/node-shell')) {
      // The first look for orphans meets a blip (an etcd timeout): the daemon looks again on the next node shell.
      if (sweeps++ === 0) return json(res, 500, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'etcdserver: request timed out', code: 500 });
    }
    json(res, 200, podList([...made.values()]));
  });
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
  await c.attach({ cols: 160, rows: 40 });
});
afterAll(async () => {
  for (const release of held.splice(0)) release();
  c?.close();
  await daemon?.stop();
  await api?.close();
  env?.cleanup();
});

const posts = (): number => api.journal.filter((r) => r.method === 'POST' && r.path === PODS).length;
const deletes = (): string[] => api.journal.filter((r) => r.method === 'DELETE').map((r) => r.path);

describe('node shell: the sweep for orphans vs a creation under way', () => {
  it('a second node shell does not delete the pod the first one is being answered about', async () => {
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'node-shell', args: { node: 'node-a' } }, newTab: true });
    await waitFor('the first creation sent (its answer held)', () => posts() === 1 && made.size === 1, 30_000);
    const first = [...made.keys()][0]!;
    expect(sweeps).toBe(1);

    await c.request('pane/open', { view: { key: 'node-shell', args: { node: 'node-b' } }, newTab: true });
    // The second pane's sweep lists the first pane's pod, then (its own creation after it) posts.
    await waitFor('the second sweep done and the second creation sent', () => sweeps === 2 && posts() === 2, 30_000);
    expect(deletes()).toEqual([]);
    expect(made.has(first)).toBe(true);

    // Answered at last: the first pane goes on with its pod, which is still there.
    for (const release of held.splice(0)) release();
    let text = '';
    await waitFor('the first pane waiting for its pod to run', async () => {
      const v = (await c.request<{ view: { type: string; text?: string } }>('pane/snapshot', { paneId, rows: 10, cols: 160 })).view;
      text = v.text ?? `<${v.type}>`;
      return text.startsWith(`waiting for pod default/${first} to run on node-a`);
    }, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; the pane says: ${text}`);
    });
    expect(made.has(first)).toBe(true);
    expect(deletes()).toEqual([]);
  });
});
