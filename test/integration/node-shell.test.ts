import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeSim, type KubeObject, type KubeSim } from '@kubetile/kube-sim';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * k9s's node shell on a real daemon and kube-sim: `s` on a Node asks once, saying what pod will be created; `y`
 * creates the privileged pod on that node and an exec pane into it; closing the pane (or stopping the daemon)
 * deletes the pod; `n` creates nothing. `s` still sorts every other list, and `o` sorts nodes.
 */

let env: TestEnv;
let sim: KubeSim;
let daemon: DaemonProcess | null = null;
let c: RawClient;

const tabOf = (l: SessionLayout) => l.tabs.find((t) => t.id === l.activeTabId)!;
const shellPods = (): KubeObject[] => sim.listObjects('v1', 'Pod', 'default').filter((p) => p.metadata.labels?.['kubetile.io/node-shell'] === 'true');

async function keys(...ks: string[]): Promise<void> {
  for (const key of ks) await c.request('client/key', { key });
}

async function table(paneId: number): Promise<TableView> {
  return (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 160 })).view;
}

/** A nodes list in a new tab, focused, with `node` selected. */
async function nodesWith(node: string): Promise<number> {
  const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'nodes' } }, newTab: true });
  await c.request('pane/focus', { paneId });
  await c.request('pane/command', { paneId, command: { type: 'filter', query: node } });
  await waitFor(`${node} selected`, async () => {
    const v = await table(paneId);
    return v.type === 'table' && v.selected !== null && v.rows[v.selected]?.cells.name === node;
  });
  return paneId;
}

beforeAll(async () => {
  env = makeTestEnv();
  const kubeconfig = join(env.dir, 'sim-kubeconfig');
  sim = await startKubeSim({ port: 0, seed: 'empty', controller: true, kubeconfigOut: kubeconfig, stateDir: join(env.dir, 'sim') });
  env.env.KUBECONFIG = kubeconfig;
  for (const name of ['node-a', 'node-b']) {
    sim.createObject({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      spec: name === 'node-b' ? { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } : {},
      status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
    });
  }
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
  await c.attach({ cols: 160, rows: 40 });
});
afterAll(async () => {
  c?.close();
  await daemon?.stop();
  await sim?.stop();
  env?.cleanup();
});

describe('node shell', () => {
  it('s on a Node: one confirmation naming the pod, the privileged pod on that node, a shell in it, the pod deleted on close', async () => {
    await nodesWith('node-b');
    await keys('s');
    const l = await c.waitLayout('confirmation', (x) => x.overlay?.type === 'confirm');
    const text = l.overlay?.type === 'confirm' ? l.overlay.text : '';
    expect(text).toMatch(/^Open a shell on node node-b\? This creates pod kubetile-node-shell-node-b-… in namespace default: image busybox:1\.36, privileged/);
    expect(text).toMatch(/deleted when the pane closes/);
    // Nothing is created before y.
    expect(shellPods()).toEqual([]);
    await keys('y');
    const opened = await c.waitLayout('node shell pane', (x) => Object.values(x.paneTitles).includes('node shell node-b'));
    const paneId = Number(Object.entries(opened.paneTitles).find(([, t]) => t === 'node shell node-b')![0]);
    const pod = await waitFor('the node-shell pod', () => shellPods()[0]);
    expect(pod.metadata.name).toMatch(/^kubetile-node-shell-node-b-[0-9a-f]{5}$/);
    const spec = pod.spec as Record<string, unknown>;
    expect(spec).toMatchObject({ nodeName: 'node-b', hostPID: true, hostNetwork: true, hostIPC: true, tolerations: [{ operator: 'Exists' }] });
    expect((spec.containers as Array<Record<string, unknown>>)[0]).toMatchObject({ name: 'shell', image: 'busybox:1.36', securityContext: { privileged: true, runAsUser: 0 } });
    // The pane becomes a terminal in the pod once it runs.
    let screen: string[] = [];
    await waitFor('a shell in the node-shell pod', async () => {
      const v = (await c.request<{ view: { type: string; rows?: Array<Array<{ text: string }>> } }>('pane/snapshot', { paneId, rows: 24, cols: 100 })).view;
      screen = (v.rows ?? []).map((r) => r.map((x) => x.text).join('').trimEnd()).filter((x) => x !== '');
      return v.type === 'terminal' && screen.some((x) => x.includes(pod.metadata.name ?? '-'));
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; screen: ${JSON.stringify(screen)}`);
    });
    // alt+x on it asks first (a root shell on the node, its pod deleted on close); n keeps both.
    await keys('alt+x');
    const asked = await c.waitLayout('the close question', (x) => x.overlay?.type === 'confirm');
    expect(asked.overlay?.type === 'confirm' ? asked.overlay.text : '').toBe('Close the pane? The root shell on node node-b is still running: closing ends it.');
    await keys('n');
    await c.waitLayout('answered', (x) => !x.overlay);
    expect(shellPods()).toHaveLength(1);
    await c.request('pane/close', { paneId });
    await waitFor('the node-shell pod deleted', () => shellPods().length === 0);
  });

  it('n creates nothing; s on pods still sorts, o sorts nodes', async () => {
    const nodes = await nodesWith('node-a');
    await keys('s');
    await c.waitLayout('confirmation', (x) => x.overlay?.type === 'confirm');
    await keys('n');
    await c.waitLayout('closed', (x) => !x.overlay);
    expect(shellPods()).toEqual([]);
    await c.request('pane/command', { paneId: nodes, command: { type: 'clear_filter' } });
    await keys('o');
    await waitFor('nodes sorted by the first column', async () => (await table(nodes)).sort?.column === 'name');

    const { paneId: pods } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await c.request('pane/focus', { paneId: pods });
    await keys('s');
    await waitFor('pods sorted by s', async () => (await table(pods)).sort?.column === 'name');
    // No dialog, nothing opened: the pods list keeps the focus.
    const l = await c.waitLayout('the pods list focused', (x) => tabOf(x).focusedPaneId === pods);
    expect(l.overlay ?? null).toBeNull();
    expect(Object.values(l.paneTitles).filter((t) => t.startsWith('node shell'))).toEqual([]);
  });

  it('stopping the daemon deletes a node-shell pod still open', async () => {
    await nodesWith('node-a');
    await keys('s');
    await c.waitLayout('confirmation', (x) => x.overlay?.type === 'confirm');
    await keys('y');
    await waitFor('the node-shell pod', () => shellPods()[0]);
    await waitFor('it runs', () => (shellPods()[0]?.status as Record<string, unknown> | undefined)?.phase === 'Running');
    c.close();
    await daemon!.stop();
    daemon = null;
    await waitFor('the pod deleted by the stopping daemon', () => shellPods().length === 0);
  });

  it('after a kill -9 the next daemon deletes the pod the dead one left (its own only), when it restores the pane', async () => {
    daemon = await startDaemon(env);
    c = await RawClient.connect(env.socket);
    await c.attach({ cols: 160, rows: 40 });
    await nodesWith('node-a');
    await keys('s');
    await c.waitLayout('confirmation', (x) => x.overlay?.type === 'confirm');
    await keys('y');
    const orphan = await waitFor('the node-shell pod', () => shellPods()[0]);
    expect(orphan.metadata.labels?.['kubetile.io/owner']).toMatch(/^[0-9a-f]{20}$/);
    // Another user's node shell in the same namespace: not ours to delete.
    sim.createObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kubetile-node-shell-node-b-other', namespace: 'default', labels: { 'kubetile.io/node-shell': 'true', 'kubetile.io/owner': 'someone-else' } },
      spec: { nodeName: 'node-b', containers: [{ name: 'shell', image: 'busybox:1.36' }] },
    });
    const stateFile = join(env.dir, 'state', 'kubetile', 'sessions.json');
    await waitFor('the session saved with its node-shell pane', () => existsSync(stateFile) && readFileSync(stateFile, 'utf8').includes('"node-shell"'));
    c.close();
    daemon!.child.kill('SIGKILL');
    await daemon!.exited;
    daemon = null;
    expect(shellPods().map((p) => p.metadata.name)).toContain(orphan.metadata.name);

    daemon = await startDaemon(env);
    c = await RawClient.connect(env.socket);
    await c.attach({ cols: 160, rows: 40 });
    await waitFor('the orphan deleted', () => !shellPods().some((p) => p.metadata.uid === orphan.metadata.uid));
    expect(shellPods().map((p) => p.metadata.name)).toEqual(['kubetile-node-shell-node-b-other']);
  });
});
