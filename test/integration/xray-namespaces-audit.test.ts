import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { paneLines } from '../helpers/pane-lines.js';

/**
 * An audit: xray of all namespaces (`:xray` on a tab whose namespace is all) drew each root as
 * `Deployment web`, whatever its namespace — two Deployments `web` of two namespaces were two trees
 * alike, and nothing said which was prod's. Now each namespace is a node with its roots under it,
 * as k9s's xray draws them (kubectl -A prints a NAMESPACE column); one namespace's xray is as before.
 * And a kind or uid that is not a string was dropped without a word: `{kind: 42}` drew Deployments,
 * `{uid: 42}` every namesake instead of the object pinned.
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
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const lines = (paneId: number): Promise<string[]> => paneLines(c, paneId);

/** The tree once every pod of it runs (the sim's controller makes them a moment after the Deployments). */
async function tree(paneId: number, pods: number, label: string): Promise<string[]> {
  let last: string[] = [];
  return waitFor(label, async () => {
    last = await lines(paneId);
    return last.filter((l) => /─ Pod \S+  Running 1\/1$/.test(l)).length === pods && last.filter((l) => / {2}1\/1 ready$/.test(l)).length === pods * 2 ? last : null;
  }, 60_000).catch((err: unknown) => {
    throw new Error(`${String(err)}; tree: ${JSON.stringify(last)}`);
  });
}

/** The tree's lines with the generated names of ReplicaSets and pods made alike. */
const shape = (ls: string[]): string[] => ls.map((l) => l.replace(/(ReplicaSet \w+)-[a-z0-9]+/, '$1-RS').replace(/(Pod \w+)-[a-z0-9]+-[a-z0-9]+/, '$1-POD'));

describe('xray of all namespaces', () => {
  it("draws each root under its namespace's node; one namespace's xray has none", async () => {
    const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'xray', args: { kind: 'deployments' } }, newTab: true });
    await c.request('kube/use', { tabId: r.tabId, namespace: '*' });
    const all = await tree(r.paneId, 3, 'the three Deployments with their running pods');
    expect(shape(all)).toEqual([
      'Namespace prod',
      '├─ Deployment api  1/1 ready',
      '│  └─ ReplicaSet api-RS  1/1 ready',
      '│     └─ Pod api-POD  Running 1/1',
      '│        └─ Container main  running api:2',
      '└─ Deployment web  1/1 ready',
      '   └─ ReplicaSet web-RS  1/1 ready',
      '      └─ Pod web-POD  Running 1/1',
      '         └─ Container main  running nginx:1.27',
      'Namespace staging',
      '└─ Deployment web  1/1 ready',
      '   └─ ReplicaSet web-RS  1/1 ready',
      '      └─ Pod web-POD  Running 1/1',
      '         └─ Container main  running nginx:1.28',
    ]);
    expect((await c.waitLayout('its title', (l) => l.paneTitles[String(r.paneId)] !== undefined)).paneTitles[String(r.paneId)]).toBe('Xray Deployments (All Namespaces)');

    // The tab moved to one namespace: its roots, no namespace node (as before).
    await c.request('kube/use', { tabId: r.tabId, namespace: 'staging' });
    let last: string[] = [];
    await waitFor('staging alone', async () => {
      last = await lines(r.paneId);
      return last.length === 4 && last[0] === 'Deployment web  1/1 ready' ? last : null;
    }, 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; tree: ${JSON.stringify(last)}`);
    });
    expect(shape(last)).toEqual(['Deployment web  1/1 ready', '└─ ReplicaSet web-RS  1/1 ready', '   └─ Pod web-POD  Running 1/1', '      └─ Container main  running nginx:1.28']);
  }, 120_000);

  it('one name in all namespaces (`:xray` with a name): each of its namesakes under its namespace', async () => {
    const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'xray', args: { kind: 'deployments', name: 'web' } }, newTab: true });
    await c.request('kube/use', { tabId: r.tabId, namespace: '*' });
    const all = await tree(r.paneId, 2, 'both webs with their pods');
    expect(all.filter((l) => !l.includes('─ '))).toEqual(['Namespace prod', 'Namespace staging']);
    expect(all.filter((l) => l.includes('Deployment web'))).toEqual(['└─ Deployment web  1/1 ready', '└─ Deployment web  1/1 ready']);
    expect(all.indexOf('Namespace staging')).toBe(5);
    expect(all[4]).toBe('         └─ Container main  running nginx:1.27');
    expect(all[9]).toBe('         └─ Container main  running nginx:1.28');
  }, 120_000);
});

describe('xray args that are not strings', () => {
  it('a kind or a uid that is not a string is named, not dropped (which drew Deployments, or every namesake)', async () => {
    const first = async (args: Record<string, unknown>): Promise<{ line: string; title: string | undefined }> => {
      const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'xray', args }, newTab: true });
      await c.request('kube/use', { tabId: r.tabId, namespace: '*' });
      const line = await waitFor('its first line', async () => (await lines(r.paneId))[0], 60_000);
      const l = await c.waitLayout('its title', (x) => x.paneTitles[String(r.paneId)] !== undefined);
      return { line, title: l.paneTitles[String(r.paneId)] };
    };
    expect(await first({ kind: 42 })).toEqual({ line: 'args.kind 42 is not a kind: xray draws Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods', title: 'Xray' });
    expect((await first({ kind: ['pods'] })).line).toBe('args.kind ["pods"] is not a kind: xray draws Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods');
    expect((await first({ kind: 'deployments', name: 'web', uid: 42 })).line).toBe("args.uid 42 is not an object's uid");
    expect((await first({ kind: 'deployments', name: 'web', uid: '' })).line).toBe('args.uid "" is not an object\'s uid');
    // The daemon goes on drawing: a good pane still draws its tree.
    const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'xray', args: { kind: 'deployments', name: 'api' } }, newTab: true });
    await c.request('kube/use', { tabId: r.tabId, namespace: '*' });
    await waitFor('api drawn', async () => (await lines(r.paneId))[1] === '└─ Deployment api  1/1 ready', 60_000);
  }, 120_000);
});

