import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { replaceKubeconfig, simKubeconfig } from '../helpers/kubeconfig-file.js';

/**
 * A session saved on a context the kubeconfig no longer has (a cluster deleted, a kubeconfig
 * switched) comes back with its tab. Its list cannot be watched: the pane says why and what to do —
 * it said `Loading...` for ever, while only the daemon's log knew — and lists as soon as a reloaded
 * kubeconfig has the context again.
 */

let sim: KubeSim;
let simEnv: TestEnv;
let env: TestEnv;
let daemon: DaemonProcess | null = null;
let c: RawClient | null = null;

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: { phase: 'Running' },
});

beforeAll(async () => {
  simEnv = makeTestEnv();
  sim = await startKubeSim({ port: 0, seed: 'empty', stateDir: join(simEnv.dir, 'sim') });
  sim.createObject(pod('web-1'));
});
afterAll(async () => {
  await sim?.stop();
  simEnv?.cleanup();
});
afterEach(async () => {
  c?.close();
  await daemon?.stop();
  daemon = null;
  env?.cleanup();
});

describe('a restored tab on a context the kubeconfig no longer has', () => {
  it('its list says so and lists once the context is back', async () => {
    env = makeTestEnv();
    env.env.KUBECONFIG = join(env.dir, 'kube', 'config');
    replaceKubeconfig(env.env.KUBECONFIG, simKubeconfig({ one: sim }, 'one'));
    const stateDir = join(env.dir, 'state', 'kubetile');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(
      join(stateDir, 'sessions.json'),
      JSON.stringify({
        version: 1,
        savedAt: '2026-12-06T00:00:00Z',
        sessions: [
          {
            name: 'work',
            tabs: [{ id: 1, context: 'gone', namespace: 'default', tree: { type: 'leaf', paneId: 1 }, lastFocusedPaneId: 1 }],
            panes: [{ id: 1, view: { key: 'resource-list', args: { kind: 'pods' } } }],
            lastActiveTabId: 1,
          },
        ],
        features: {},
      }),
    );
    daemon = await startDaemon(env);
    c = await RawClient.connect(env.socket);
    await c.attach({ cols: 120, rows: 40 }, 'work');
    const snapshot = async (): Promise<{ type: string; text?: string; rows?: Array<{ cells: Record<string, string> }> }> =>
      (await c!.request<{ view: { type: string; text?: string; rows?: Array<{ cells: Record<string, string> }> } }>('pane/snapshot', { paneId: 1, rows: 20, cols: 120 })).view;
    const said = await waitFor('the pane to say why it cannot list', async () => {
      const v = await snapshot();
      return v.type === 'message' ? v : null;
    });
    expect(said.text).toBe("Cannot list Pods: no context 'gone' in the kubeconfig (ctrl+k picks another context)");

    // The cluster is back under that name: the same pane lists it, nothing else done.
    replaceKubeconfig(env.env.KUBECONFIG, simKubeconfig({ one: sim, gone: sim }, 'one'));
    await waitFor('the pane to list the context once it is back', async () => {
      const v = await snapshot();
      return v.type === 'table' && v.rows?.map((r) => r.cells.name).join() === 'web-1';
    });
  });
});
