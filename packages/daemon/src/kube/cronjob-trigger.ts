import { randomBytes } from 'node:crypto';
import type { KubeConfig } from './kubeconfig.js';
import { KubeApiError } from './api-error.js';
import { collectionPath, kubeRequest } from './kube-http.js';
import { MutationRefused, objectPath } from './mutations.js';
import { describeObject, type ObjectRef } from './object-ref.js';
import type { KubeObject } from './types.js';
import { isRecord } from '../util/is-record.js';
import { describedKind, isBuiltinKind } from './builtin-target.js';

/** Job names are label values: at most 63 characters. */
const MAX_JOB_NAME = 63;

const JOBS = { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true };

/**
 * `<cronjob>-manual-<5 random [a-z0-9]>`, the CronJob's name cut so the whole fits 63 characters, and
 * ending in no dash or dot (a CronJob of 51 or 52 characters cut after a dot made `….-manual-…`, a name
 * the API server refuses: the trigger failed).
 */
export function manualJobName(cronJob: string, random = randomBytes(8)): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const tail = Array.from(random.subarray(0, 5), (b) => alphabet[b % alphabet.length]).join('');
  const room = MAX_JOB_NAME - '-manual-'.length - tail.length;
  return `${cronJob.slice(0, room).replace(/[-.]+$/, '')}-manual-${tail}`;
}

/**
 * The Job `kubectl create job --from=cronjob/NAME` makes: the CronJob's jobTemplate (its labels and
 * annotations, plus `cronjob.kubernetes.io/instantiate: manual`), owned by the CronJob as its
 * controller, so it shows under it and goes when the CronJob is deleted.
 */
export function jobFromCronJob(cj: KubeObject, name: string): KubeObject {
  const template = isRecord(cj.spec?.['jobTemplate']) ? (cj.spec['jobTemplate'] as Record<string, unknown>) : null;
  const spec = template && isRecord(template['spec']) ? template['spec'] : null;
  if (!spec) throw new Error(`${describeObject({ kind: 'CronJob', namespace: cj.metadata.namespace ?? null, name: cj.metadata.name })} has no spec.jobTemplate.spec to make a Job from`);
  const meta = isRecord(template!['metadata']) ? template!['metadata'] : {};
  const strings = (v: unknown): Record<string, string> => (isRecord(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : {});
  const owner: { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean } = {
    apiVersion: cj.apiVersion ?? 'batch/v1',
    kind: 'CronJob',
    name: cj.metadata.name,
    uid: cj.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cj.metadata.namespace,
      uid: '',
      labels: strings(meta['labels']),
      annotations: { ...strings(meta['annotations']), 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [owner],
    },
    spec,
  };
}

/**
 * Runs the CronJob `t` now (k9s's trigger): reads it, refuses one that is gone or was re-created
 * under its name since it was chosen, and creates a Job from its template. Returns the Job's name.
 */
export async function triggerCronJob(kc: KubeConfig, t: ObjectRef): Promise<string> {
  if (t.kind !== 'CronJob') throw new Error(`only CronJobs can be triggered (${t.kind} objects cannot)`);
  // By group too: a custom resource of kind CronJob (another group's, its own meaning) had a batch Job
  // made from whatever its spec.jobTemplate held, run as if it were the CronJob's.
  if (!isBuiltinKind(t)) throw new MutationRefused(`only batch CronJobs can be triggered (${describedKind(t)} is another group's kind); no Job was created`);
  let cj: KubeObject;
  try {
    cj = await kubeRequest<KubeObject>(kc, { path: objectPath(t) });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) throw new MutationRefused(`${describeObject(t)} no longer exists; no Job was created`);
    throw err;
  }
  if (t.uid && cj.metadata?.uid !== t.uid) throw new MutationRefused(`${describeObject(t)} was replaced by another object of the same name since it was chosen; no Job was created`);
  const job = jobFromCronJob(cj, manualJobName(t.name));
  const { uid: _none, ...metadata } = job.metadata;
  const made = await kubeRequest<KubeObject>(kc, { method: 'POST', path: collectionPath(JOBS, t.namespace), body: { ...job, metadata } });
  return made?.metadata?.name ?? job.metadata.name;
}
