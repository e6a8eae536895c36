import type { KubeObject } from '../types.js';
import { ageSince, formatAge } from './age.js';
import { ageCol, col, containerNamesCol, formatSelector, imagesCol, nameCol, namespaceCol, numberCol, ratioCol, statusCol } from './common.js';
import { arr, at, num, numOrUndef, objs, str, timeMs } from './json.js';
import type { KindDef } from './types.js';

/** COMPLETIONS as kubectl prints it: `1/1`, `2/5`, or `0/1 of 3` for a work queue (no completions, parallelism > 1). */
export function jobCompletions(o: unknown): string {
  const succeeded = num(at(o, 'status', 'succeeded'));
  const completions = numOrUndef(at(o, 'spec', 'completions'));
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = num(at(o, 'spec', 'parallelism'));
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** DURATION: completion − start, or now − start while running, '' before the job starts. */
export function jobDuration(o: unknown, now: number): string {
  const start = timeMs(at(o, 'status', 'startTime'));
  if (start === undefined) return '';
  const end = timeMs(at(o, 'status', 'completionTime')) ?? now;
  return formatAge(end - start);
}

function jobCondition(o: unknown, type: string): boolean {
  const c = objs(at(o, 'status', 'conditions')).find((x) => str(x['type']) === type);
  return c !== undefined && str(c['status']) === 'True';
}

/**
 * STATUS as kubectl's `printJob` (≥ 1.31) works it out, first match wins: Complete, Failed, Terminating,
 * Suspended, FailureTarget, SuccessCriteriaMet (a success policy met, its pods being stopped), else Running.
 */
export function jobStatus(o: KubeObject): string {
  if (jobCondition(o, 'Complete')) return 'Complete';
  if (jobCondition(o, 'Failed')) return 'Failed';
  if (str(at(o, 'metadata', 'deletionTimestamp')) !== '') return 'Terminating';
  if (jobCondition(o, 'Suspended')) return 'Suspended';
  if (jobCondition(o, 'FailureTarget')) return 'FailureTarget';
  if (jobCondition(o, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

export const jobsKind: KindDef = {
  id: 'jobs',
  kind: 'Job',
  group: 'batch',
  version: 'v1',
  namespaced: true,
  shortNames: ['job'],
  alias: 'JOB',
  display: 'Jobs',
  columns: [
    nameCol,
    namespaceCol,
    statusCol('status', 'STATUS', jobStatus),
    ratioCol('completions', 'COMPLETIONS', jobCompletions),
    col('duration', 'DURATION', 'age', jobDuration),
    ageCol,
    containerNamesCol('spec', 'template', 'spec'),
    imagesCol('spec', 'template', 'spec'),
    col('selector', 'SELECTOR', 'text', (o) => formatSelector(at(o, 'spec', 'selector'))),
  ],
  defaultColumns: ['name', 'status', 'completions', 'duration', 'age'],
  wideColumns: ['containers', 'images', 'selector'],
};

const jobTemplateSpec = ['spec', 'jobTemplate', 'spec', 'template', 'spec'];

export const cronJobsKind: KindDef = {
  id: 'cronjobs',
  kind: 'CronJob',
  group: 'batch',
  version: 'v1',
  namespaced: true,
  shortNames: ['cj'],
  alias: 'CRN',
  display: 'CronJobs',
  columns: [
    nameCol,
    namespaceCol,
    col('schedule', 'SCHEDULE', 'text', (o) => str(at(o, 'spec', 'schedule'))),
    col('timezone', 'TIMEZONE', 'text', (o) => str(at(o, 'spec', 'timeZone')) || '<none>'),
    col(
      'suspend',
      'SUSPEND',
      'text',
      (o) => (at(o, 'spec', 'suspend') === true ? 'True' : 'False'),
      (o) => (at(o, 'spec', 'suspend') === true ? 'warn' : undefined),
    ),
    numberCol('active', 'ACTIVE', (o) => arr(at(o, 'status', 'active')).length),
    col('last-schedule', 'LAST SCHEDULE', 'age', (o, now) => {
      const t = at(o, 'status', 'lastScheduleTime');
      return t === undefined || t === null || t === '' ? '<none>' : ageSince(t, now);
    }),
    ageCol,
    containerNamesCol(...jobTemplateSpec),
    imagesCol(...jobTemplateSpec),
    col('selector', 'SELECTOR', 'text', (o) => formatSelector(at(o, 'spec', 'jobTemplate', 'spec', 'selector'))),
  ],
  defaultColumns: ['name', 'schedule', 'timezone', 'suspend', 'active', 'last-schedule', 'age'],
  wideColumns: ['containers', 'images', 'selector'],
};
