/** Table printers for apps/v1 and batch/v1 kinds, as kubectl prints them. */
import { asArray, asString, getPath, type KubeObject } from '../types.js';
import { col, containersAndImages, formatMapSelector, formatSelector, int, str, type Cell, type Printer, type RowCondition } from './columns.js';
import { humanDuration, since } from './humanize.js';

function template(obj: KubeObject): unknown {
  return getPath(obj, ['spec', 'template', 'spec']);
}

export const deploymentPrinter: Printer = {
  columns: [col('Name'), col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
  cells(obj, now): Cell[] {
    const [c, i] = containersAndImages(template(obj));
    return [obj.metadata.name ?? '', `${int(obj, ['status', 'readyReplicas'])}/${int(obj, ['spec', 'replicas'])}`, int(obj, ['status', 'updatedReplicas']), int(obj, ['status', 'availableReplicas']), since(obj.metadata.creationTimestamp, now), c, i, formatSelector(getPath(obj, ['spec', 'selector']))];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [col('Name'), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
  cells(obj, now): Cell[] {
    const [c, i] = containersAndImages(template(obj));
    return [obj.metadata.name ?? '', int(obj, ['spec', 'replicas']), int(obj, ['status', 'replicas']), int(obj, ['status', 'readyReplicas']), since(obj.metadata.creationTimestamp, now), c, i, formatSelector(getPath(obj, ['spec', 'selector']))];
  },
};

export const statefulSetPrinter: Printer = {
  columns: [col('Name'), col('Ready'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1)],
  cells(obj, now): Cell[] {
    const [c, i] = containersAndImages(template(obj));
    return [obj.metadata.name ?? '', `${int(obj, ['status', 'readyReplicas'])}/${int(obj, ['spec', 'replicas'])}`, since(obj.metadata.creationTimestamp, now), c, i];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [col('Name'), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
  cells(obj, now): Cell[] {
    const [c, i] = containersAndImages(template(obj));
    return [obj.metadata.name ?? '', int(obj, ['status', 'desiredNumberScheduled']), int(obj, ['status', 'currentNumberScheduled']), int(obj, ['status', 'numberReady']), int(obj, ['status', 'updatedNumberScheduled']), int(obj, ['status', 'numberAvailable']), formatMapSelector(getPath(obj, ['spec', 'template', 'spec', 'nodeSelector'])), since(obj.metadata.creationTimestamp, now), c, i, formatSelector(getPath(obj, ['spec', 'selector']))];
  },
};

/** kubectl's `printJob` STATUS, first match wins: Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet, Running. */
function jobStatus(obj: KubeObject): string {
  const conds = asArray(getPath(obj, ['status', 'conditions']));
  const has = (t: string): boolean => conds.some((c) => getPath(c, ['type']) === t && getPath(c, ['status']) === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

export const jobPrinter: Printer = {
  columns: [col('Name'), col('Status'), col('Completions'), col('Duration'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
  cells(obj, now): Cell[] {
    const [c, i] = containersAndImages(template(obj));
    const completions = getPath(obj, ['spec', 'completions']);
    const succeeded = int(obj, ['status', 'succeeded']);
    const compl = typeof completions === 'number' ? `${succeeded}/${completions}` : `${succeeded}/1 of ${int(obj, ['spec', 'parallelism'])}`;
    const start = asString(getPath(obj, ['status', 'startTime']));
    const end = asString(getPath(obj, ['status', 'completionTime']));
    const duration = start ? humanDuration((end ? Date.parse(end) : now) - Date.parse(start)) : '';
    return [obj.metadata.name ?? '', jobStatus(obj), compl, duration, since(obj.metadata.creationTimestamp, now), c, i, formatSelector(getPath(obj, ['spec', 'selector']))];
  },
  conditions(obj): RowCondition[] | undefined {
    const s = jobStatus(obj);
    if (s === 'Complete' || s === 'Failed') return [{ type: 'Completed', status: 'True' }];
    return undefined;
  },
};

export const cronJobPrinter: Printer = {
  columns: [col('Name'), col('Schedule'), col('Timezone'), col('Suspend', 'boolean'), col('Active', 'integer'), col('Last Schedule'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
  cells(obj, now): Cell[] {
    const [c, i] = containersAndImages(getPath(obj, ['spec', 'jobTemplate', 'spec', 'template', 'spec']));
    const last = asString(getPath(obj, ['status', 'lastScheduleTime']));
    return [obj.metadata.name ?? '', str(obj, ['spec', 'schedule']), str(obj, ['spec', 'timeZone'], '<none>'), getPath(obj, ['spec', 'suspend']) === true ? 'True' : 'False', asArray(getPath(obj, ['status', 'active'])).length, last ? since(last, now) : '<none>', since(obj.metadata.creationTimestamp, now), c, i, formatSelector(getPath(obj, ['spec', 'jobTemplate', 'spec', 'selector']))];
  },
};
