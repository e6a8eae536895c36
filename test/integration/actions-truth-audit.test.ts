import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { readyNode } from '../helpers/kube-objects.js';
import { confirmText, openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * Actions that change the cluster say what happened, audited: a rollout restart of a paused Deployment
 * is refused as kubectl refuses it (it said "restarted" and rolled nothing, the stamp waiting to roll
 * the pods at the resume); a drain whose Node was uncordoned by someone else meanwhile is not
 * "drained: cordoned"; a script's bad replicas or timeout of a megabyte is named, cut, not sent back
 * whole; the node-shell confirmation names the pod that is then made.
 */

let t: SimDaemonWithClient;
let c: RawClient;
const ns = 'prod';
/** 52 characters (the most a CronJob's name has), a dot at the 50th: where a manual Job's name is cut. */
const LONG_CRONJOB = `${'a'.repeat(49)}.bb`;

const deployment = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { replicas: 0, ...extra, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
});

const rsPod = (name: string, nodeName: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-owner`, uid: `uid-${name}-owner`, controller: true }] },
  spec: { nodeName, terminationGracePeriodSeconds: 30, containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 40 },
    sim: { controller: true },
    beforeDaemon: (sim) => {
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      sim.createObject(deployment('paused', { paused: true }));
      sim.createObject(deployment('api'));
      sim.createObject({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: ns },
        spec: { replicas: 0, serviceName: 'db', updateStrategy: { type: 'OnDelete' }, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } } },
      });
      for (const n of ['node-race', 'ip-10-0-0-7.ec2.internal']) sim.createObject(readyNode(n));
      sim.createObject(rsPod('web-1', 'node-race'));
      for (const [name, finalizers] of [['held-1', ['example.com/hold']], ['fin-held', ['example.com/hold']], ['fin-free', []]] as const) {
        sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, finalizers: [...finalizers] }, spec: { nodeName: 'ip-10-0-0-7.ec2.internal', containers: [{ name: 'main', image: 'nginx:1.27' }] }, status: { phase: 'Running' } });
      }
      sim.createObject({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: LONG_CRONJOB, namespace: ns },
        spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox:1.36' }] } } } } },
      });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const template = (name: string): Record<string, unknown> =>
  ((t.sim.getObject('apps/v1', 'Deployment', name, ns)?.spec as { template: { metadata: Record<string, unknown> } }).template.metadata);

describe('actions say what happened', () => {
  it('a paused Deployment is not "restarted": refused as kubectl refuses it, its template untouched; a running one restarts', async () => {
    const deploys = await openListIn(c, 'deployments', ns);
    await expect(c.request('resource/action', { paneId: deploys, action: 'restart', target: { name: 'paused' } })).rejects.toMatchObject({
      message: 'restart failed: Deployment prod/paused is paused: its pods are not rolled until it is resumed (kubectl rollout resume); nothing was restarted',
    });
    expect(template('paused')['annotations']).toBeUndefined();
    // The key says so too, after its one question.
    await selectRow(c, deploys, 'paused');
    await pressKeys(c, 'ctrl+alt+r');
    expect(await confirmText(c)).toBe('Restart the rollout of Deployment prod/paused?');
    const before = c.toasts().length;
    await pressKeys(c, 'y');
    const toast = await waitFor('the toast', () => c.toasts().slice(before).find((x) => /paused|restarted/.test(x)) ?? null);
    expect(toast).toMatch(/^Deployment prod\/paused is paused: .*nothing was restarted$/);
    expect(template('paused')['annotations']).toBeUndefined();
    // A Deployment that is not paused restarts as before.
    expect(await c.request('resource/action', { paneId: deploys, action: 'restart', target: { name: 'api' } })).toMatchObject({ message: 'restarted Deployment prod/api' });
    expect(Object.keys((template('api')['annotations'] as Record<string, string>) ?? {})).toEqual(['kubectl.kubernetes.io/restartedAt']);
  });

  it('a StatefulSet whose update strategy is OnDelete is stamped, and the message says no pod rolls until it is deleted', async () => {
    const sets = await openListIn(c, 'statefulsets', ns);
    const r = await c.request<{ message: string }>('resource/action', { paneId: sets, action: 'restart', target: { name: 'db' } });
    expect(r.message).toBe(
      'stamped the pod template of StatefulSet prod/db for a restart, but its update strategy is OnDelete: no pod is replaced until it is deleted (by hand), then it comes back with the new template',
    );
  });

  it('a drain whose Node is uncordoned meanwhile does not say "drained: cordoned"', async () => {
    t.sim.configure({ podTerminationMs: 600_000 });
    const nodes = await openListIn(c, 'nodes', 'default');
    const drain = c.request('resource/action', { paneId: nodes, action: 'drain', target: { name: 'node-race' }, args: { timeoutSeconds: 120 } }).then(
      (r) => ({ ok: true, r }),
      (err: Error) => ({ ok: false, r: err.message }),
    );
    // The drain cordoned the Node and evicted web-1, which terminates (its grace period) while the drain waits.
    await waitFor('web-1 terminating', () => t.sim.getObject('v1', 'Pod', 'web-1', 'default')?.metadata.deletionTimestamp ?? null);
    expect(t.sim.getObject('v1', 'Node', 'node-race', '')?.spec?.['unschedulable']).toBe(true);
    // Someone else uncordons it (kubectl uncordon); then web-1 is gone.
    t.sim.patchObject('v1', 'Node', 'node-race', undefined, { spec: { unschedulable: null } });
    t.sim.deleteObject('v1', 'Pod', 'web-1', 'default');
    expect(await drain).toEqual({
      ok: false,
      r: 'drain failed: Node node-race not drained: it was uncordoned meanwhile (by another terminal, a script or kubectl): new pods may be scheduled on it; evicted 1 pod',
    });
  });

  it('a script\'s replicas, timeout or container of a megabyte is named, cut, not sent back whole', async () => {
    const big = 'x'.repeat(1_000_000);
    const deploys = await openListIn(c, 'deployments', ns);
    const nodes = await openListIn(c, 'nodes', 'default');
    const refused = async (paneId: number, action: string, args: Record<string, unknown>, target: string): Promise<string> => {
      const err = await c.request('resource/action', { paneId, action, target: { name: target }, args }).then(() => null, (e: Error) => e);
      expect(err).not.toBeNull();
      return err!.message;
    };
    const scale = await refused(deploys, 'scale', { replicas: big }, 'api');
    expect(scale).toMatch(/^scale needs args\.replicas, a whole number from 0 to 10000, not "x{79}… \(1000002 characters\)$/);
    const drain = await refused(nodes, 'drain', { timeoutSeconds: [big] }, 'node-race');
    expect(drain).toMatch(/^drain's args\.timeoutSeconds is .*, not \["x{78}… \(1000004 characters\)$/);
    const image = await refused(deploys, 'set-image', { container: { name: big }, image: 'nginx:1.28' }, 'api');
    expect(image.length).toBeLessThan(200);
    expect(image).toMatch(/is not a container name$/);
    // Nothing was changed.
    expect((t.sim.getObject('apps/v1', 'Deployment', 'api', ns)?.spec as { replicas: number }).replicas).toBe(0);
  });

  it('the node-shell confirmation names the pod that is made (a node name with dots: the pod name has dashes)', async () => {
    const node = 'ip-10-0-0-7.ec2.internal';
    const nodes = await openListIn(c, 'nodes', 'default');
    await selectRow(c, nodes, node);
    await pressKeys(c, 's');
    const text = await confirmText(c);
    const said = /This creates pod (\S+)… in namespace default/.exec(text)?.[1];
    expect(said).toBe('kubetile-node-shell-ip-10-0-0-7-ec2-internal-');
    await pressKeys(c, 'y');
    const made = await waitFor('the node-shell pod', () => t.sim.listObjects('v1', 'Pod', 'default').find((p) => p.metadata.labels?.['kubetile.io/node-shell'] === 'true') ?? null);
    expect(made.metadata.name!.startsWith(said!)).toBe(true);
    expect(made.spec?.['nodeName']).toBe(node);
  });

  it('a CronJob of 52 characters whose cut ends in a dot is triggered: the Job\'s name is one the API server takes', async () => {
    const cronjobs = await openListIn(c, 'cronjobs', ns);
    const r = await c.request<{ message: string }>('resource/action', { paneId: cronjobs, action: 'trigger', target: { name: LONG_CRONJOB } });
    const job = new RegExp(`^created Job ${ns}/(\\S+) from CronJob ${ns}/${LONG_CRONJOB.replace('.', '\\.')}$`).exec(r.message)?.[1];
    expect(job).toMatch(/^a{49}-manual-[a-z0-9]{5}$/);
    expect(t.sim.getObject('batch/v1', 'Job', job!, ns)).toBeDefined();
  });

  it('a 409 that is not a stale version (a webhook\'s denial) is shown by name, asked once, not called "kept changing"', async () => {
    const deploys = await openListIn(c, 'deployments', ns);
    const denial = 'admission webhook "quota.example.com" denied the request: replicas over the team quota';
    t.sim.injectError({ verb: 'patch', resource: 'deployments/scale', status: 409, message: denial, count: -1 });
    const since = t.sim.journalEntries({ method: 'PATCH' }).length;
    try {
      await expect(c.request('resource/action', { paneId: deploys, action: 'scale', target: { name: 'api' }, args: { replicas: 3 } })).rejects.toMatchObject({ message: `scale failed: ${denial}` });
      expect(t.sim.journalEntries({ method: 'PATCH' }).slice(since).filter((e) => e.path.includes('/deployments/api/scale'))).toHaveLength(1);
    } finally {
      t.sim.clearErrors();
    }
    // A stale version is still read again and written: the scale lands.
    expect(await c.request('resource/action', { paneId: deploys, action: 'scale', target: { name: 'api' }, args: { replicas: 2 } })).toMatchObject({ message: 'scaled Deployment prod/api to 2' });
    expect((t.sim.getObject('apps/v1', 'Deployment', 'api', ns)?.spec as { replicas: number }).replicas).toBe(2);
  });

  it('a force-delete that a finalizer holds says the pod stays until it is removed; marked ones are named', async () => {
    const pods = await openListIn(c, 'pods', ns);
    const r = await c.request<{ message: string }>('resource/action', { paneId: pods, action: 'kill', target: { name: 'held-1' } });
    expect(r.message).toBe('Pod prod/held-1 is marked deleted but stays until its finalizer is removed (example.com/hold): a force-delete does not skip them');
    expect(t.sim.getObject('v1', 'Pod', 'held-1', ns)?.metadata.deletionTimestamp).toBeTruthy();
    // Marked: one goes, one is held; the summary says which stays.
    await selectRow(c, pods, 'fin-', 'prefix');
    await pressKeys(c, 'space', 'space');
    await pressKeys(c, 'ctrl+alt+k');
    expect(await confirmText(c)).toMatch(/^Force-delete 2 Pods: prod\/fin-(free|held), prod\/fin-(free|held)\?/);
    const before = c.toasts().length;
    await pressKeys(c, 'y');
    const toast = await waitFor('the summary', () => c.toasts().slice(before).find((x) => x.startsWith('force-deleted')) ?? null);
    expect(toast).toBe('force-deleted 2 Pods; 1 stays until its finalizers are removed: prod/fin-held');
    expect(t.sim.getObject('v1', 'Pod', 'fin-free', ns)).toBeUndefined();
    expect(t.sim.getObject('v1', 'Pod', 'fin-held', ns)?.metadata.deletionTimestamp).toBeTruthy();
  });
});
