import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import type { TableView } from '@kubetile/rpc-schema';
import { crd } from '../helpers/crd.js';

/**
 * The CronJob trigger on a hostile cluster: a custom resource of kind `CronJob` (another group's,
 * with a `spec.jobTemplate` of its own meaning) is not a batch CronJob, and no batch Job is made
 * from it.
 */

let t: SimDaemonWithClient;
let c: RawClient;
const ns = 'evil-ns';

const template = (image: string) => ({
  metadata: { labels: { app: 'x' } },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image }] } } },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    beforeDaemon: (sim) => {
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      sim.createObject(crd({ plural: 'cronjobs', group: 'evil.example.com', kind: 'CronJob' }));
      sim.createObject({ apiVersion: 'evil.example.com/v1', kind: 'CronJob', metadata: { name: 'report', namespace: ns }, spec: { jobTemplate: template('evil:latest') } });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

describe('trigger on a look-alike CronJob', () => {
  it('a custom resource of kind CronJob in another group: refused by name, no batch Job made', async () => {
    const { tabId, paneId } = await c.request<{ tabId: number; paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'cronjobs', group: 'evil.example.com', version: 'v1', kindName: 'CronJob', namespaced: true } }, newTab: true });
    await c.request('kube/use', { tabId, namespace: ns });
    await waitFor('the custom CronJob listed', async () => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 160 })).view;
      return v.type === 'table' && v.rows.some((r) => r.cells.name === 'report');
    });
    await expect(c.request('resource/action', { paneId, action: 'trigger', target: { name: 'report', namespace: ns } })).rejects.toMatchObject({
      message: `trigger failed: only batch CronJobs can be triggered (CronJob (cronjobs.evil.example.com) ${ns}/report is another group's kind); no Job was created`,
    });
    expect(t.sim.listObjects('batch/v1', 'Job', ns)).toEqual([]);
  });
});
