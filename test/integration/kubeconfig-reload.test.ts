import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { replaceKubeconfig, simKubeconfig } from '../helpers/kubeconfig-file.js';
import { crd } from '../helpers/crd.js';

/**
 * The daemon runs for days; kubectl reads the kubeconfig on every run. A kubeconfig changed while
 * the daemon runs — a context added (`kind create cluster`), a context pointed at another server, a
 * file written half-way, a kubeconfig that appears after the daemon started — is taken without a
 * restart, and the attached terminals are told. Two kube-sims stand for two clusters.
 */

let a: KubeSim;
let b: KubeSim;
let simEnv: TestEnv;
let env: TestEnv;
let daemon: DaemonProcess | null = null;
const clients: RawClient[] = [];

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: name } },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
});

const kubeconfig = simKubeconfig;
const writeKubeconfig = (text: string): void => replaceKubeconfig(env.env.KUBECONFIG!, text);

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(env.socket);
  clients.push(c);
  await c.attach({ cols: 120, rows: 40 });
  return c;
}

async function podsTab(c: RawClient, context?: string): Promise<{ paneId: number; tabId: number }> {
  const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
  if (context) await c.request('kube/use', { tabId: r.tabId, context });
  return r;
}

async function rows(c: RawClient, paneId: number): Promise<string[]> {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 120 })).view;
  return v.type === 'table' ? v.rows.map((r) => r.cells.name!).sort() : [];
}

const view = async (c: RawClient, paneId: number): Promise<unknown> => (await c.request<{ view: unknown }>('pane/snapshot', { paneId, rows: 20, cols: 120 })).view;

const toast = (c: RawClient, text: string): Promise<string> => waitFor(`a toast with "${text}"`, () => c.toasts().find((t) => t.includes(text)) ?? null);

beforeAll(async () => {
  simEnv = makeTestEnv();
  a = await startKubeSim({ port: 0, seed: 'empty', stateDir: join(simEnv.dir, 'a') });
  b = await startKubeSim({ port: 0, seed: 'empty', stateDir: join(simEnv.dir, 'b') });
  for (const n of ['a-1', 'a-2']) a.createObject(pod(n));
  b.createObject(pod('b-1'));
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  simEnv?.cleanup();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await daemon?.stop();
  daemon = null;
  env?.cleanup();
});

describe('a kubeconfig changed while the daemon runs', () => {
  it('a context added is usable at once; a context pointed at another cluster lists that cluster; a malformed write keeps the one before', async () => {
    env = makeTestEnv();
    env.env.KUBECONFIG = join(env.dir, 'kube', 'config');
    writeKubeconfig(kubeconfig({ one: a }, 'one'));
    daemon = await startDaemon(env);
    const c = await client();
    const first = await podsTab(c, 'one');
    await waitFor('cluster a listed', async () => (await rows(c, first.paneId)).join() === 'a-1,a-2');

    // `kind create cluster` adds a context.
    writeKubeconfig(kubeconfig({ one: a, two: b }, 'one'));
    expect(await toast(c, 'kubeconfig reloaded')).toBe('kubeconfig reloaded: contexts added two');
    const { contexts } = await c.request<{ contexts: Array<{ name: string }> }>('kube/contexts');
    expect(contexts.map((x) => x.name).sort()).toEqual(['one', 'two']);
    const second = await podsTab(c, 'two');
    await waitFor('cluster b listed on the new context', async () => (await rows(c, second.paneId)).join() === 'b-1');

    // A file written half-way (or by hand, wrong): the one loaded before stays, and says so.
    writeKubeconfig('{"apiVersion": "v1", "clusters": [');
    expect(await toast(c, 'cannot be used')).toMatch(/^the kubeconfig changed but cannot be used \(.+\); kept the one loaded before$/);
    b.createObject(pod('b-2'));
    await waitFor('lists still live', async () => (await rows(c, second.paneId)).join() === 'b-1,b-2');

    // The context `one` now names cluster b: its list is fetched again from b and replaces a's pods.
    writeKubeconfig(kubeconfig({ one: b, two: b }, 'one'));
    expect(await toast(c, 'changed one')).toBe('kubeconfig reloaded: contexts changed one');
    await waitFor('the first tab lists cluster b', async () => (await rows(c, first.paneId)).join() === 'b-1,b-2', 30_000);

    // A context removed: the tab on it says so instead of listing what it had.
    writeKubeconfig(kubeconfig({ one: b }, 'one'));
    expect(await toast(c, 'removed two')).toBe('kubeconfig reloaded: contexts removed two');
    await expect(c.request('kube/use', { tabId: second.tabId, context: 'two' })).rejects.toThrow(/no context 'two' in the kubeconfig/);
    // Its watch stops using the credentials taken away, and the pane says why; the tab on `one`
    // (the same cluster) sees a new pod, the tab on `two` does not.
    await waitFor('the removed context said in its pane', async () => (JSON.stringify(await view(c, second.paneId)).includes("context 'two' is no longer in the kubeconfig") ? true : null));
    b.createObject(pod('b-3'));
    await waitFor('b-3 on the first tab', async () => (await rows(c, first.paneId)).join() === 'b-1,b-2,b-3');
    expect(await rows(c, second.paneId)).toEqual(['b-1', 'b-2']);
    // Back, pointing at cluster a: the tab lists a again.
    writeKubeconfig(kubeconfig({ one: b, two: a }, 'one'));
    await waitFor('the context back, on cluster a', async () => ((await rows(c, second.paneId)).join() === 'a-1,a-2' ? true : null), 30_000);
  }, 120_000);

  it('a kubeconfig that is a symlink (dotfiles): an edit of the file it points at is taken', async () => {
    env = makeTestEnv();
    const real = join(env.dir, 'dotfiles', 'kubeconfig');
    mkdirSync(dirname(real), { recursive: true });
    writeFileSync(real, kubeconfig({ one: a }, 'one'), { mode: 0o600 });
    env.env.KUBECONFIG = join(env.dir, 'kube', 'config');
    mkdirSync(dirname(env.env.KUBECONFIG), { recursive: true });
    symlinkSync(real, env.env.KUBECONFIG);
    daemon = await startDaemon(env);
    const c = await client();
    // Edited where it lives, not through the link.
    writeFileSync(real, kubeconfig({ one: a, two: b }, 'one'));
    expect(await toast(c, 'kubeconfig reloaded')).toBe('kubeconfig reloaded: contexts added two');
  }, 120_000);

  it('a certificate file it names made anew in place (minikube delete && start): taken without touching the kubeconfig', async () => {
    env = makeTestEnv();
    const ca = join(env.dir, 'profiles', 'mk', 'ca.crt');
    mkdirSync(dirname(ca), { recursive: true });
    // The CA of the cluster that was there before (b's), where the kubeconfig points now at a.
    writeFileSync(ca, b.caPem);
    env.env.KUBECONFIG = join(env.dir, 'kube', 'config');
    writeKubeconfig(JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'mk', cluster: { server: a.url, 'certificate-authority': ca } }],
      users: [{ name: 'mk', user: { token: a.token } }],
      contexts: [{ name: 'mk', context: { cluster: 'mk', user: 'mk', namespace: 'default' } }],
      'current-context': 'mk',
    }));
    daemon = await startDaemon(env);
    const c = await client();
    const t = await podsTab(c);
    await waitFor('the TLS refusal in the pane', async () => /certificate|TLS/i.test(JSON.stringify(await view(c, t.paneId))), 60_000);
    // The new cluster's CA written where the old one was (a new file renamed over it, as minikube does).
    writeFileSync(`${ca}.new`, a.caPem);
    renameSync(`${ca}.new`, ca);
    // Before: the CA read at start was used until the daemon restarted.
    expect(await toast(c, 'kubeconfig reloaded')).toBe('kubeconfig reloaded: contexts changed mk');
    await waitFor('the tab lists cluster a', async () => (await rows(c, t.paneId)).join() === 'a-1,a-2', 60_000);
  }, 120_000);

  it('no kubeconfig at the start: when one appears, tabs without a cluster take its context and list it', async () => {
    env = makeTestEnv();
    env.env.KUBECONFIG = join(env.dir, 'not-yet', 'config');
    daemon = await startDaemon(env);
    const c = await client();
    const t = await podsTab(c);
    const before = (await c.request<{ view: { type: string } }>('pane/snapshot', { paneId: t.paneId, rows: 20, cols: 120 })).view;
    expect(before.type).not.toBe('table');
    writeKubeconfig(kubeconfig({ here: a }, 'here'));
    expect(await toast(c, 'kubeconfig loaded')).toBe('kubeconfig loaded: 1 context');
    await waitFor('the tab lists cluster a', async () => (await rows(c, t.paneId)).join() === 'a-1,a-2', 30_000);
    // Removed again: nothing to use, the one loaded is kept.
    rmSync(env.env.KUBECONFIG);
    expect(await toast(c, 'cannot be used')).toContain('no kubeconfig file is there now');
  }, 120_000);

  it('tabs saved while there was no cluster take the one there is when the daemon starts again', async () => {
    env = makeTestEnv();
    env.env.KUBECONFIG = join(env.dir, 'not-yet', 'config');
    daemon = await startDaemon(env);
    const c = await client();
    const t = await podsTab(c);
    await waitFor('the tab saved without a cluster', async () => ((await c.request<{ view: { type: string } }>('pane/snapshot', { paneId: t.paneId, rows: 20, cols: 120 })).view.type !== 'table' ? true : null));
    for (const x of clients.splice(0)) x.close();
    await daemon.stop();
    // The kubeconfig is there by the next start (kind create cluster, or `kubetile --demo`).
    writeKubeconfig(kubeconfig({ here: a }, 'here'));
    daemon = await startDaemon(env);
    const again = await client();
    const tab = await waitFor('the restored pods tab', () => again.layout?.tabs.find((x) => Object.values(again.layout!.paneTitles).some((title) => title.startsWith('Pods'))) ?? null);
    expect(tab.context).toBe('here');
    await waitFor('the restored tab lists cluster a', async () => (await rows(again, tab.focusedPaneId)).join() === 'a-1,a-2', 30_000);
  }, 120_000);

  it("a context pointed at another cluster: `:` offers that cluster's kinds at once (the old cluster's, for up to a minute)", async () => {
    if (!a.getObject('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'gizmos.a.example.com')) a.createObject(crd({ plural: 'gizmos', group: 'a.example.com', kind: 'Gizmo' }));
    if (!b.getObject('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.b.example.com')) b.createObject(crd({ plural: 'widgets', group: 'b.example.com', kind: 'Widget' }));
    env = makeTestEnv();
    env.env.KUBECONFIG = join(env.dir, 'kube', 'config');
    writeKubeconfig(kubeconfig({ one: a }, 'one'));
    daemon = await startDaemon(env);
    const c = await client();
    await podsTab(c, 'one');
    /** `:` + `text`: the item the switcher selects for it (esc closes it again). */
    const offered = async (text: string): Promise<string> => {
      await c.request('client/key', { key: ':' });
      await c.waitLayout('the switcher with its kinds', (l) => l.overlay?.type === 'selector' && !l.overlay.items.includes('Loading...'));
      for (const ch of text) await c.request('client/key', { key: ch });
      const l = await c.waitLayout(`:${text} typed`, (x) => x.overlay?.type === 'selector' && x.overlay.query === text);
      const o = l.overlay as { items: string[]; selected: number };
      await c.request('client/key', { key: 'esc' });
      await c.waitLayout('the switcher closed', (x) => !x.overlay);
      return o.items[o.selected] ?? '';
    };
    expect(await offered('gizmos')).toBe('gizmos');
    writeKubeconfig(kubeconfig({ one: b }, 'one'));
    expect(await toast(c, 'changed one')).toBe('kubeconfig reloaded: contexts changed one');
    expect(await offered('widgets')).toBe('widgets');
    expect(await offered('gizmos')).not.toBe('gizmos');
  }, 120_000);
});
