import { describe, expect, it } from 'vitest';
import { jobFromCronJob, manualJobName } from '../../src/kube/cronjob-trigger.js';
import type { KubeObject } from '../../src/kube/types.js';

/** The Job a trigger makes, as `kubectl create job --from=cronjob/NAME` makes it. */
describe('a Job from a CronJob', () => {
  it('is named <cronjob>-manual-<5 chars>, cut to 63 characters with no dash before -manual-', () => {
    expect(manualJobName('report', Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]))).toBe('report-manual-bcdfg');
    const long = manualJobName('a'.repeat(70));
    expect(long).toHaveLength(63);
    expect(long).toMatch(/^a{50}-manual-[a-z0-9]{5}$/);
    // Cut right after a dash: the dash goes too.
    expect(manualJobName(`${'a'.repeat(49)}-${'b'.repeat(20)}`)).toMatch(/^a{49}-manual-[a-z0-9]{5}$/);
    expect(manualJobName(`${'x'.repeat(49)}---tail`)).toMatch(/^x{49}-manual-/);
    expect(new Set(Array.from({ length: 20 }, () => manualJobName('r'))).size).toBeGreaterThan(1);
  });

  it('takes the template: its spec, labels and annotations, owned by the CronJob as controller', () => {
    const cj: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report', namespace: 'shop', uid: 'cj-1' },
      spec: { schedule: '0 * * * *', jobTemplate: { metadata: { labels: { app: 'report' }, annotations: { team: 'data' } }, spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'busybox' }] } } } } },
    };
    const job = jobFromCronJob(cj, 'report-manual-abcde');
    expect(job.metadata).toMatchObject({
      name: 'report-manual-abcde',
      namespace: 'shop',
      labels: { app: 'report' },
      annotations: { team: 'data', 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'cj-1', controller: true, blockOwnerDeletion: true }],
    });
    expect(job.spec).toEqual((cj.spec!['jobTemplate'] as { spec: unknown }).spec);
    expect(() => jobFromCronJob({ ...cj, spec: { schedule: '* * * * *' } }, 'x')).toThrow('CronJob shop/report has no spec.jobTemplate.spec to make a Job from');
  });
});
