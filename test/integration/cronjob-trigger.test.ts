import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { confirmText as confirmDialog, openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * `t` on a CronJob (k9s's trigger): one confirmation naming it, then a Job from its template as
 * `kubectl create job --from=cronjob/…` makes it — on exactly the CronJob chosen; other kinds refuse.
 */

let t: SimDaemonWithClient;
let c: RawClient;
const ns = 'batch-ns';

const cronJob = (name: string, image = 'busybox:1.36') => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name, namespace: ns },
  spec: {
    schedule: '0 3 * * *',
    jobTemplate: {
      metadata: { labels: { app: name }, annotations: { team: 'data' } },
      spec: { backoffLimit: 1, template: { metadata: { labels: { app: name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'run', image }] } } },
    },
  },
});
const jobs = () => t.sim.listObjects('batch/v1', 'Job', ns);

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    beforeDaemon: (sim) => {
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      sim.createObject(cronJob('report'));
      sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: ns }, data: {} });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const confirmText = (): Promise<string> => confirmDialog(c);

describe('trigger a CronJob', () => {
  it('t asks once, then creates a Job from the template, owned by the CronJob; n creates nothing', async () => {
    const pane = await openListIn(c, 'cronjobs', ns);
    await selectRow(c, pane, 'report');
    await pressKeys(c, 't');
    expect(await confirmText()).toBe(`Run CronJob ${ns}/report now? A Job is created from its template.`);
    await pressKeys(c, 'n');
    await c.waitLayout('closed', (x) => x.overlay === null);
    expect(jobs()).toEqual([]);

    await pressKeys(c, 't');
    await confirmText();
    await pressKeys(c, 'y');
    const toast = await waitFor('the toast', () => c.toasts().find((x) => x.startsWith('created Job')) ?? null);
    const name = new RegExp(`^created Job ${ns}/(report-manual-[a-z0-9]{5}) from CronJob ${ns}/report$`).exec(toast)?.[1];
    expect(name).toBeTruthy();
    const job = jobs().find((j) => j.metadata.name === name)!;
    const cj = t.sim.getObject('batch/v1', 'CronJob', 'report', ns)!;
    expect(job.metadata.labels).toMatchObject({ app: 'report' });
    expect(job.metadata.annotations).toMatchObject({ team: 'data', 'cronjob.kubernetes.io/instantiate': 'manual' });
    expect(job.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CronJob', name: 'report', uid: cj.metadata.uid, controller: true })]);
    expect((job.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image).toBe('busybox:1.36');
    expect(jobs()).toHaveLength(1);
  });

  it('a CronJob re-created under the name while the dialog is open gets no Job; other kinds and scripts refuse', async () => {
    const pane = await openListIn(c, 'cronjobs', ns);
    await selectRow(c, pane, 'report');
    await pressKeys(c, 't');
    await confirmText();
    t.sim.deleteObject('batch/v1', 'CronJob', 'report', ns);
    t.sim.createObject(cronJob('report', 'busybox:other'));
    await pressKeys(c, 'y');
    await waitFor('the refusal', () => c.toasts().find((x) => x === `CronJob ${ns}/report was replaced by another object of the same name since it was chosen; no Job was created`) ?? null);
    // (The first CronJob's Job went with it: kube-sim collects what an owner leaves.)
    const uid = t.sim.getObject('batch/v1', 'CronJob', 'report', ns)!.metadata.uid;
    const ownedByNew = () => jobs().filter((j) => j.metadata.ownerReferences?.some((o) => o.uid === uid));
    expect(ownedByNew()).toEqual([]);

    const cms = await openListIn(c, 'configmaps', ns);
    await selectRow(c, cms, 'cfg');
    await pressKeys(c, 't');
    await waitFor('the kind refusal', () => c.toasts().find((x) => x === 'only CronJobs can be triggered (ConfigMap objects cannot)') ?? null);
    await expect(c.request('resource/action', { paneId: cms, action: 'trigger' })).rejects.toMatchObject({ message: 'only CronJobs can be triggered (ConfigMap objects cannot)' });
    // A script triggers one by name.
    const r = await c.request<{ message: string }>('resource/action', { paneId: pane, action: 'trigger', target: { name: 'report' } });
    expect(r.message).toMatch(new RegExp(`^created Job ${ns}/report-manual-[a-z0-9]{5} from CronJob ${ns}/report$`));
    expect(ownedByNew()).toHaveLength(1);
    expect((ownedByNew()[0]!.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image).toBe('busybox:other');
  });
});

/**
 * `s` on a CronJob (k9s's suspend): it is read, and the question says what `y` will do — suspend a
 * running one, resume a suspended one; the SUSPEND column follows. `o` still sorts there. Other kinds
 * sort with `s` as before; scripts say suspend or resume.
 */
describe('suspend and resume a CronJob', () => {
  const suspended = (name: string): unknown => (t.sim.getObject('batch/v1', 'CronJob', name, ns)?.spec as { suspend?: boolean } | undefined)?.suspend;
  const suspendCell = async (paneId: number, name: string): Promise<string | undefined> => {
    const v = (await c.request<{ view: { type: string; rows: Array<{ cells: Record<string, string> }> } }>('pane/snapshot', { paneId, rows: 20, cols: 160 })).view;
    return v.type === 'table' ? v.rows.find((r) => r.cells.name === name)?.cells.suspend : undefined;
  };

  it('s asks to suspend a running CronJob, then to resume it; the SUSPEND column follows', async () => {
    t.sim.createObject(cronJob('nightly'));
    const pane = await openListIn(c, 'cronjobs', ns);
    await selectRow(c, pane, 'nightly');
    await pressKeys(c, 's');
    expect(await confirmText()).toBe(`Suspend CronJob ${ns}/nightly? No Jobs are scheduled until it is resumed; Jobs running now go on.`);
    await pressKeys(c, 'y');
    await waitFor('the toast', () => c.toasts().find((x) => x === `suspended CronJob ${ns}/nightly: no Jobs are scheduled until it is resumed`) ?? null);
    expect(suspended('nightly')).toBe(true);
    await waitFor('SUSPEND True', async () => (await suspendCell(pane, 'nightly')) === 'True');

    await pressKeys(c, 's');
    expect(await confirmText()).toBe(`Resume CronJob ${ns}/nightly? Its Jobs are scheduled again.`);
    await pressKeys(c, 'n');
    await c.waitLayout('closed', (x) => x.overlay === null);
    expect(suspended('nightly')).toBe(true);
    await pressKeys(c, 's');
    await confirmText();
    await pressKeys(c, 'y');
    await waitFor('the resume toast', () => c.toasts().find((x) => x === `resumed CronJob ${ns}/nightly`) ?? null);
    expect(suspended('nightly')).toBe(false);
    await waitFor('SUSPEND False', async () => (await suspendCell(pane, 'nightly')) === 'False');
  });

  it('y does what the question said even if someone toggled it meanwhile; other kinds sort with s; scripts name the action', async () => {
    const pane = await openListIn(c, 'cronjobs', ns);
    await selectRow(c, pane, 'nightly');
    await pressKeys(c, 's');
    expect(await confirmText()).toMatch(/^Suspend /);
    t.sim.patchObject('batch/v1', 'CronJob', 'nightly', ns, { spec: { suspend: true } });
    await pressKeys(c, 'y');
    await waitFor('the toast', () => c.toasts().filter((x) => x.startsWith(`suspended CronJob ${ns}/nightly`)).length >= 2 || null);
    expect(suspended('nightly')).toBe(true);

    const cms = await openListIn(c, 'configmaps', ns);
    const sortedBefore = c.layout?.overlay ?? null;
    await pressKeys(c, 's');
    expect(c.layout?.overlay ?? null).toBe(sortedBefore);
    await expect(c.request('resource/action', { paneId: cms, action: 'suspend' })).rejects.toMatchObject({ message: 'only CronJobs can be suspended (ConfigMap objects cannot)' });
    const r = await c.request<{ message: string }>('resource/action', { paneId: pane, action: 'resume', target: { name: 'nightly' } });
    expect(r.message).toBe(`resumed CronJob ${ns}/nightly`);
    expect(suspended('nightly')).toBe(false);
  });
});

