import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startKubeSim, type KubeObject, type KubeSim } from '@kubetile/kube-sim';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * The node shell's privileged pod, with an unlucky cluster: a creation whose answer never came (the
 * connection dropped) but which landed after all, a Node replaced under its name while the dialog was
 * up, and a daemon stopped while the creation was still on its way. No privileged pod is left behind,
 * and none is made on a machine the user did not choose.
 */

let env: TestEnv;
let sim: KubeSim;
let daemon: DaemonProcess | null = null;
let c: RawClient;

const shellPods = (): KubeObject[] => sim.listObjects('v1', 'Pod', 'default').filter((p) => p.metadata.labels?.['kubetile.io/node-shell'] === 'true');
const shellPosts = () => sim.journalEntries({ method: 'POST' }).filter((e) => e.path === '/api/v1/namespaces/default/pods');
const shellDeletes = () => sim.journalEntries({ method: 'DELETE' }).filter((e) => e.path.startsWith('/api/v1/namespaces/default/pods/kubetile-node-shell-'));

function addNode(name: string): KubeObject {
  return sim.createObject({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
  });
}

async function paneText(paneId: number): Promise<string> {
  const v = (await c.request<{ view: { type: string; text?: string } }>('pane/snapshot', { paneId, rows: 20, cols: 160 })).view;
  return v.type === 'message' ? (v.text ?? '') : `<${v.type}>`;
}

async function connect(): Promise<void> {
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
  await c.attach({ cols: 160, rows: 40 });
}

beforeAll(async () => {
  env = makeTestEnv();
  const kubeconfig = join(env.dir, 'sim-kubeconfig');
  sim = await startKubeSim({ port: 0, seed: 'empty', controller: true, kubeconfigOut: kubeconfig, stateDir: join(env.dir, 'sim') });
  env.env.KUBECONFIG = kubeconfig;
  for (const name of ['node-a', 'node-b', 'node-c']) addNode(name);
  await connect();
});
afterAll(async () => {
  c?.close();
  await daemon?.stop();
  await sim?.stop();
  env?.cleanup();
});

describe('node shell on an unlucky cluster', () => {
  it('a creation whose answer was lost but which landed later: the pod is deleted, not left running', async () => {
    // The API server takes the POST and holds it; the connection then drops (a load balancer, a
    // network blip): the daemon never hears back, but the server still creates the pod.
    sim.setLatency({ ms: 600_000, verb: 'create', resource: 'pods' });
    const before = shellPosts().length;
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'node-shell', args: { node: 'node-a' } }, newTab: true });
    await waitFor('the POST at the API server', () => shellPosts().length > before);
    sim.killSockets({ reset: true });
    await waitFor('the pane says the creation failed', async () => (await paneText(paneId)).includes('cannot create the node-shell pod in namespace default'));
    sim.setLatency(0);
    // The held POST goes on: the pod lands, and the daemon (which never got its uid) finds and deletes it.
    await waitFor('the late pod deleted', () => shellDeletes().some((e) => e.status === 200) && shellPods().length === 0, 60_000, 100);
    await c.request('pane/close', { paneId });
  }, 90_000);

  it('a Node deleted and re-created under its name while the dialog is up: no pod on the new machine', async () => {
    const { paneId: nodes } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'nodes' } }, newTab: true });
    await c.request('pane/focus', { paneId: nodes });
    await c.request('pane/command', { paneId: nodes, command: { type: 'filter', query: 'node-c' } });
    await waitFor('node-c selected', async () => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: nodes, rows: 20, cols: 160 })).view;
      return v.type === 'table' && v.selected !== null && v.rows[v.selected]?.cells.name === 'node-c';
    });
    await c.request('client/key', { key: 's' });
    await c.waitLayout('confirmation', (x: SessionLayout) => x.overlay?.type === 'confirm');
    const was = sim.getObject('v1', 'Node', 'node-c', undefined)!;
    sim.deleteObject('v1', 'Node', 'node-c', undefined);
    const now = addNode('node-c');
    expect(now.metadata.uid).not.toBe(was.metadata.uid);
    const posts = shellPosts().length;
    await c.request('client/key', { key: 'y' });
    const opened = await c.waitLayout('node shell pane', (x: SessionLayout) => Object.values(x.paneTitles).includes('node shell node-c'));
    const paneId = Number(Object.entries(opened.paneTitles).find(([, t]) => t === 'node shell node-c')![0]);
    await waitFor('the refusal', async () => (await paneText(paneId)).includes('node shell: node node-c was replaced by another Node of the same name since it was chosen; no pod was created'));
    expect(shellPosts().length).toBe(posts);
    expect(shellPods()).toEqual([]);
    await c.request('pane/close', { paneId });
  });

  it("the pod deleted and another made under its name while it starts: the shell never opens in the other pod", async () => {
    // The daemon's looks at the pod are held, so the swap surely happens before it sees the pod run.
    sim.setLatency({ ms: 600_000, verb: 'get', resource: 'pods' });
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'node-shell', args: { node: 'node-a' } }, newTab: true });
    await waitFor('the pane waits for its pod', async () => (await paneText(paneId)).includes('waiting for pod default/kubetile-node-shell-node-a-'));
    const ours = shellPods().find((p) => p.spec?.['nodeName'] === 'node-a')!;
    const name = ours.metadata.name!;
    // Someone deletes it and makes their own pod of that name, with a container named like ours.
    sim.deleteObject('v1', 'Pod', name, 'default');
    const impostor = sim.createObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: 'mine' } },
      spec: { nodeName: 'node-a', containers: [{ name: 'shell', image: 'busybox:1.36', stdin: true, tty: true }] },
    });
    sim.setLatency(0);
    await waitFor('the refusal', async () => (await paneText(paneId)).includes(`node shell: pod default/${name} was replaced by another pod of the same name (not the one made or chosen); nothing was opened in it`));
    // No exec into it, and it is not deleted either.
    expect(sim.journalEntries().filter((e) => e.path.startsWith(`/api/v1/namespaces/default/pods/${name}/`) && e.path.endsWith('/exec'))).toEqual([]);
    expect(sim.getObject('v1', 'Pod', name, 'default')?.metadata.uid).toBe(impostor.metadata.uid);
    await c.request('pane/close', { paneId });
    expect(sim.getObject('v1', 'Pod', name, 'default')?.metadata.uid).toBe(impostor.metadata.uid);
    sim.deleteObject('v1', 'Pod', name, 'default');
  });

  it('one failed look at the starting pod (a 500 from the API server) does not give the shell up', async () => {
    sim.injectError({ verb: 'get', resource: 'pods', path: '/pods/kubetile-node-shell-node-a-', status: 500, count: 1, message: 'etcdserver: leader changed' });
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'node-shell', args: { node: 'node-a' } }, newTab: true });
    let text = '';
    await waitFor('a terminal in the node-shell pod', async () => (text = await paneText(paneId)) === '<terminal>').catch((err: unknown) => {
      throw new Error(`${String(err)}; the pane says: ${text}`);
    });
    expect(sim.journalEntries({ method: 'GET' }).some((e) => e.path.startsWith('/api/v1/namespaces/default/pods/kubetile-node-shell-node-a-') && e.status === 500)).toBe(true);
    await c.request('pane/close', { paneId });
    await waitFor('its pod deleted', () => !shellPods().some((p) => p.spec?.['nodeName'] === 'node-a'));
  });

  it('the daemon stopped while the creation is on its way: it waits for the answer and deletes the pod', async () => {
    // Answered after a while (a slow admission webhook): later than the daemon would take to stop.
    sim.setLatency({ ms: 2_000, verb: 'create', resource: 'pods' });
    const before = shellPosts().length;
    await c.request('pane/open', { view: { key: 'node-shell', args: { node: 'node-b' } }, newTab: true });
    await waitFor('the POST at the API server', () => shellPosts().length > before);
    const deletesBefore = shellDeletes().length;
    c.close();
    await daemon!.stop();
    daemon = null;
    sim.setLatency(0);
    // Whatever the POST's fate, the pod must not outlive the daemon: it was deleted before it exited.
    const onB = () => shellPods().filter((p) => p.spec?.['nodeName'] === 'node-b');
    await waitFor('the POST done', () => shellPosts()[shellPosts().length - 1]!.status !== 0 || onB().length > 0);
    expect(shellDeletes().length).toBeGreaterThan(deletesBefore);
    expect(onB()).toEqual([]);
  }, 60_000);
});
