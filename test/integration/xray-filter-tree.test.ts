import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinesView, TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { paneLines } from '../helpers/pane-lines.js';

/**
 * xray's `/` filtered the tree line by line: a matching pod stood alone, without its namespace or the
 * Deployment and ReplicaSet it belongs to, and two namesakes of two namespaces looked alike. Now, as in
 * k9s's xray, a match keeps its ancestors (the path to it) and its descendants (what it owns). And the
 * tree has a cursor: d, enter… act on the object under it, after filtering too — the hostile case, two
 * pods `cache` of two namespaces both matching, acts on the one the cursor is on.
 */

let t: SimDaemonWithClient;
let c: RawClient;

const deployment = (name: string, namespace: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
  },
});

const pod = (name: string, namespace: string, image: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name: 'main', image }] },
});

beforeAll(async () => {
  t = await startSimDaemon({
    sim: { controller: true },
    client: { cols: 200, rows: 60 },
    beforeDaemon: (sim) => {
      for (const name of ['prod', 'staging']) sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      sim.createObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '8', memory: '16Gi', pods: '110' } } });
      sim.createObject(deployment('api', 'prod', 'api:2'));
      sim.createObject(deployment('web', 'prod', 'nginx:1.27'));
      sim.createObject(deployment('web', 'staging', 'nginx:1.28'));
      sim.createObject(pod('cache', 'prod', 'redis:7.0'));
      sim.createObject(pod('cache', 'staging', 'redis:7.2'));
      sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'duo', namespace: 'staging' }, spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'sidecar', image: 'envoy:1' }] } });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const lines = (paneId: number): Promise<string[]> => paneLines(c, paneId);
const view = async (paneId: number): Promise<LinesView> => (await c.request<{ view: LinesView }>('pane/snapshot', { paneId, rows: 60, cols: 200 })).view;

async function keys(...ks: string[]): Promise<void> {
  for (const key of ks) await c.request('client/key', { key });
}

/** Types `/query` enter in the focused pane (a new filter in place of the last). */
async function filter(query: string): Promise<void> {
  await keys('/', ...query.split('').map((ch) => (ch === ' ' ? 'space' : ch)), 'enter');
}

/** Lines once `pred` holds, with what was last seen when it never does. */
async function linesWhen(paneId: number, label: string, pred: (ls: string[]) => boolean): Promise<string[]> {
  let last: string[] = [];
  return waitFor(label, async () => {
    last = await lines(paneId);
    return pred(last) ? last : null;
  }, 60_000).catch((err: unknown) => {
    throw new Error(`${String(err)}; lines: ${JSON.stringify(last)}`);
  });
}

/** An xray of all namespaces, focused, once every pod in it runs. */
async function openXray(kind: string, pods: number): Promise<number> {
  const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'xray', args: { kind } }, newTab: true });
  await c.request('kube/use', { tabId: r.tabId, namespace: '*' });
  await c.request('pane/focus', { paneId: r.paneId });
  await linesWhen(r.paneId, `${pods} running pods`, (ls) => ls.filter((l) => /─ Pod \S+  Running (\d)\/\1$/.test(l)).length === pods && (kind !== 'deployments' || ls.filter((l) => / {2}1\/1 ready$/.test(l)).length === pods * 2));
  return r.paneId;
}

/** The tree's lines with the generated names of ReplicaSets and pods made alike. */
const shape = (ls: string[]): string[] => ls.map((l) => l.replace(/(ReplicaSet \w+)-[a-z0-9]+/, '$1-RS').replace(/(Pod \w+)-[a-z0-9]+-[a-z0-9]+/, '$1-POD'));

describe("xray's filter keeps the tree", () => {
  it('a match keeps its namespace and owners above it, and what it owns below it; esc gives the whole tree back', async () => {
    const x = await openXray('deployments', 3);
    // A container of staging's web: the path to it (the same Deployment name in prod is not shown).
    await filter('nginx:1.28');
    const one = await linesWhen(x, 'the path to the match', (ls) => ls.length === 5);
    expect(shape(one)).toEqual([
      'Namespace staging',
      '└─ Deployment web  1/1 ready',
      '   └─ ReplicaSet web-RS  1/1 ready',
      '      └─ Pod web-POD  Running 1/1',
      '         └─ Container main  running nginx:1.28',
    ]);
    // A Deployment: itself under its namespace, with its ReplicaSet, pod and container (not its neighbour web,
    // and the guides drawn for what is shown: api is the last line under prod now).
    await filter('deployment api');
    const api = await linesWhen(x, 'api and its tree', (ls) => ls.length === 5);
    expect(shape(api)).toEqual([
      'Namespace prod',
      '└─ Deployment api  1/1 ready',
      '   └─ ReplicaSet api-RS  1/1 ready',
      '      └─ Pod api-POD  Running 1/1',
      '         └─ Container main  running api:2',
    ]);
    // A namespace: all of it.
    await filter('namespace staging');
    expect((await linesWhen(x, 'staging whole', (ls) => ls.length === 5))[0]).toBe('Namespace staging');
    // Nothing matches: nothing shown, the badge says 0 of all.
    await filter('no-such-thing');
    await linesWhen(x, 'no lines', (ls) => ls.length === 0);
    expect((await view(x)).badge).toBe('0/14');
    await keys('esc');
    expect(await linesWhen(x, 'the whole tree back', (ls) => ls.length === 14)).toContain('Namespace prod');
  }, 120_000);

  it('the cursor acts on the object under it after filtering: two pods `cache` of two namespaces, d on the second describes staging’s', async () => {
    const x = await openXray('pods', 6);
    await filter('Pod cache');
    const shown = await linesWhen(x, 'both caches with their namespaces and containers', (ls) => ls.length === 6);
    expect(shown).toEqual([
      'Namespace prod',
      '└─ Pod cache  Running 1/1',
      '   └─ Container main  running redis:7.0',
      'Namespace staging',
      '└─ Pod cache  Running 1/1',
      '   └─ Container main  running redis:7.2',
    ]);
    // The filter starts the cursor on its first line, a namespace's: d there acts on nothing (no namespace is
    // offered to a key meant for a pod, ctrl+d included).
    expect((await view(x)).cursor).toBe(0);
    const atHeader = c.toasts().length;
    await keys('d');
    await waitFor('d on the namespace line refused', () => c.toasts().slice(atHeader).find((m) => /no selected resource/.test(m)));
    expect(Object.values(c.layout!.paneTitles).some((title) => title.startsWith('Describe'))).toBe(false);
    // j moves it down to staging's cache.
    await keys('j', 'j', 'j', 'j');
    await waitFor('the cursor on the second cache', async () => (await view(x)).cursor === 4);
    // A namesake-ish pod comes above it (prod's cache-2): the cursor stays on staging's cache, now two lines down.
    t.sim.createObject(pod('cache-2', 'prod', 'redis:7.1'));
    const moved = await waitFor('the cursor following its pod', async () => {
      const v = await view(x);
      return v.lines.length === 8 && v.cursor === 6 ? v : null;
    });
    expect(moved.lines.map((l) => l.text).slice(5, 8)).toEqual(['Namespace staging', '└─ Pod cache  Running 1/1', '   └─ Container main  running redis:7.2']);
    const before = c.toasts().length;
    await keys('d');
    const l = await c.waitLayout('a describe of the pod under the cursor', (y) => Object.values(y.paneTitles).some((title) => title.startsWith('Describe: Pod')), 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; toasts: ${JSON.stringify(c.toasts().slice(before))}`);
    });
    expect(Object.values(l.paneTitles).filter((title) => title.startsWith('Describe: Pod'))).toEqual(['Describe: Pod staging/cache']);
    const describeId = Number(Object.entries(l.paneTitles).find(([, title]) => title === 'Describe: Pod staging/cache')![0]);
    expect((await linesWhen(describeId, 'the description', (ls) => ls.some((s) => /redis:7\.2/.test(s)))).join('\n')).not.toMatch(/redis:7\.0/);

    // enter on the container line of prod's cache: the pods list, on prod's cache.
    await c.request('pane/focus', { paneId: x });
    await keys('k', 'k', 'k', 'k');
    await waitFor('the cursor on prod’s container', async () => (await view(x)).cursor === 2);
    await keys('enter');
    const list = await c.waitLayout('a pods list beside', (y) => Object.values(y.paneTitles).some((title) => title.startsWith('Pods')), 30_000);
    const listId = Number(Object.entries(list.paneTitles).find(([, title]) => title.startsWith('Pods'))![0]);
    const selected = await waitFor('prod’s cache selected', async () => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: listId, rows: 30, cols: 200 })).view;
      if (v.type !== 'table' || v.selected === null) return null;
      const row = v.rows[v.selected - v.offset];
      return row?.cells.name === 'cache' ? row : null;
    });
    expect(selected.cells.namespace).toBe('prod');
  }, 120_000);

  it('l and e on a Container line act on that container, not on every container of its pod', async () => {
    const x = await openXray('pods', 6);
    await filter('sidecar');
    await linesWhen(x, 'the sidecar with its pod and namespace', (ls) => ls.join('\n') === 'Namespace staging\n└─ Pod duo  Running 2/2\n   └─ Container sidecar  running envoy:1');
    await keys('j', 'j');
    await waitFor('the cursor on the container', async () => (await view(x)).cursor === 2);
    // Before: the pod's logs, asking which container (or all of them).
    await keys('l');
    const l = await c.waitLayout('the sidecar’s logs', (y) => Object.values(y.paneTitles).some((title) => title.startsWith('Logs: duo')), 30_000);
    expect(Object.values(l.paneTitles).find((title) => title.startsWith('Logs: duo'))).toBe('Logs: duo [sidecar] @ staging');
    await c.request('pane/focus', { paneId: x });
    await keys('e');
    const e = await c.waitLayout('a shell in the sidecar', (y) => Object.values(y.paneTitles).some((title) => title.startsWith('exec staging/duo')), 30_000);
    expect(Object.values(e.paneTitles).find((title) => title.startsWith('exec staging/duo'))).toBe('exec staging/duo (sidecar)');
  }, 120_000);
});
