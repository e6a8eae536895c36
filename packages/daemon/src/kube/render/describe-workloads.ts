import { formatAge } from '../kinds/age.js';
import { formatLabels, formatSelector } from '../kinds/common.js';
import { arr, at, num, numOrUndef, obj, objs, str, timeMs } from '../kinds/json.js';
import { storageClass } from '../kinds/storage.js';
import type { KubeObject } from '../types.js';
import { boolPtr, controllerOf, intOrString, rfc1123z, writeAnnotations, writeLabels } from './describe-meta.js';
import { writePodTemplate } from './describe-volumes.js';
import type { DescribeWriter } from './describe-writer.js';

/** `selector.String()` of a LabelSelector ('' when empty, unlike `<none>` in list columns). */
function selectorString(v: unknown): string {
  const s = formatSelector(v);
  return s === '<none>' ? '' : s;
}

function writeConditionTable(w: DescribeWriter, conditions: unknown): void {
  const list = objs(conditions);
  if (list.length === 0) return;
  w.section(0, 'Conditions');
  w.row(1, ['Type', 'Status', 'Reason'], 'header');
  w.row(1, ['----', '------', '------'], 'dim');
  for (const c of list) {
    const s = str(c['status']);
    w.write(1, `${str(c['type'])} `, { text: s, style: s === 'True' ? 'ok' : s === 'False' ? 'error' : undefined }, str(c['reason']));
  }
}

const replicas = (o: KubeObject): number => numOrUndef(at(o, 'spec', 'replicas')) ?? 1;

export function describeDeployment(w: DescribeWriter, d: KubeObject): void {
  const st = obj(d.status);
  w.kv(0, 'Name', str(at(d, 'metadata', 'name')));
  w.kv(0, 'Namespace', str(at(d, 'metadata', 'namespace')));
  w.kv(0, 'CreationTimestamp', rfc1123z(at(d, 'metadata', 'creationTimestamp')));
  writeLabels(w, 'Labels', at(d, 'metadata', 'labels'));
  writeAnnotations(w, 'Annotations', at(d, 'metadata', 'annotations'));
  w.kv(0, 'Selector', selectorString(at(d, 'spec', 'selector')));
  const unavailable = num(st['unavailableReplicas']);
  w.kv(
    0,
    'Replicas',
    `${replicas(d)} desired | ${num(st['updatedReplicas'])} updated | ${num(st['replicas'])} total | ${num(st['availableReplicas'])} available | ${unavailable} unavailable`,
    unavailable > 0 ? 'warn' : undefined,
  );
  w.kv(0, 'StrategyType', str(at(d, 'spec', 'strategy', 'type')));
  w.kv(0, 'MinReadySeconds', String(num(at(d, 'spec', 'minReadySeconds'))));
  const ru = at(d, 'spec', 'strategy', 'rollingUpdate');
  if (ru && typeof ru === 'object') {
    w.kv(0, 'RollingUpdateStrategy', `${intOrString(at(ru, 'maxUnavailable'))} max unavailable, ${intOrString(at(ru, 'maxSurge'))} max surge`);
  }
  writePodTemplate(w, at(d, 'spec', 'template'));
  writeConditionTable(w, st['conditions']);
}

export function describeStatefulSet(w: DescribeWriter, s: KubeObject): void {
  w.kv(0, 'Name', str(at(s, 'metadata', 'name')));
  w.kv(0, 'Namespace', str(at(s, 'metadata', 'namespace')));
  w.kv(0, 'CreationTimestamp', rfc1123z(at(s, 'metadata', 'creationTimestamp')));
  w.kv(0, 'Selector', selectorString(at(s, 'spec', 'selector')));
  writeLabels(w, 'Labels', at(s, 'metadata', 'labels'));
  writeAnnotations(w, 'Annotations', at(s, 'metadata', 'annotations'));
  w.kv(0, 'Replicas', `${replicas(s)} desired | ${num(at(s, 'status', 'replicas'))} total`);
  w.kv(0, 'Update Strategy', str(at(s, 'spec', 'updateStrategy', 'type')));
  const partition = numOrUndef(at(s, 'spec', 'updateStrategy', 'rollingUpdate', 'partition'));
  if (partition !== undefined) w.write(1, 'Partition:', String(partition));
  // kubectl counts the pods here (Running / Waiting / Succeeded / Failed); without the pods we show readiness.
  w.kv(0, 'Ready Replicas', String(num(at(s, 'status', 'readyReplicas'))));
  writePodTemplate(w, at(s, 'spec', 'template'));
  const claims = objs(at(s, 'spec', 'volumeClaimTemplates'));
  if (claims.length === 0) {
    w.kv(0, 'Volume Claims', '<none>');
  } else {
    w.section(0, 'Volume Claims');
    for (const pvc of claims) {
      w.write(1, 'Name:', str(at(pvc, 'metadata', 'name')));
      w.write(1, 'StorageClass:', storageClass(pvc));
      writeLabels(w, 'Labels', at(pvc, 'metadata', 'labels'), '  ');
      writeLabels(w, 'Annotations', at(pvc, 'metadata', 'annotations'), '  ');
      w.write(1, 'Capacity:', str(at(pvc, 'spec', 'resources', 'requests', 'storage')) || '<default>');
      w.write(1, 'Access Modes:', `[${arr(at(pvc, 'spec', 'accessModes')).map(str).join(' ')}]`);
    }
  }
  writeConditionTable(w, at(s, 'status', 'conditions'));
}

export function describeDaemonSet(w: DescribeWriter, d: KubeObject): void {
  const st = obj(d.status);
  w.kv(0, 'Name', str(at(d, 'metadata', 'name')));
  w.kv(0, 'Namespace', str(at(d, 'metadata', 'namespace')));
  w.kv(0, 'Selector', selectorString(at(d, 'spec', 'selector')));
  w.kv(0, 'Node-Selector', formatLabels(at(d, 'spec', 'template', 'spec', 'nodeSelector')));
  writeLabels(w, 'Labels', at(d, 'metadata', 'labels'));
  writeAnnotations(w, 'Annotations', at(d, 'metadata', 'annotations'));
  // kubectl writes these without a tab, so they are not aligned with the rest.
  w.write(0, `Desired Number of Nodes Scheduled: ${num(st['desiredNumberScheduled'])}`);
  w.write(0, `Current Number of Nodes Scheduled: ${num(st['currentNumberScheduled'])}`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${num(st['updatedNumberScheduled'])}`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${num(st['numberAvailable'])}`);
  w.write(0, `Number of Nodes Misscheduled: ${num(st['numberMisscheduled'])}`);
  w.write(0, `Number of Nodes Ready: ${num(st['numberReady'])}`);
  writePodTemplate(w, at(d, 'spec', 'template'));
}

export function describeJob(w: DescribeWriter, j: KubeObject): void {
  const spec = obj(j.spec);
  const st = obj(j.status);
  w.kv(0, 'Name', str(at(j, 'metadata', 'name')));
  w.kv(0, 'Namespace', str(at(j, 'metadata', 'namespace')));
  w.kv(0, 'Selector', selectorString(spec['selector']));
  writeLabels(w, 'Labels', at(j, 'metadata', 'labels'));
  writeAnnotations(w, 'Annotations', at(j, 'metadata', 'annotations'));
  const controlledBy = controllerOf(j);
  if (controlledBy !== '') w.kv(0, 'Controlled By', controlledBy);
  if (numOrUndef(spec['parallelism']) !== undefined) w.kv(0, 'Parallelism', String(num(spec['parallelism'])));
  w.kv(0, 'Completions', numOrUndef(spec['completions']) !== undefined ? String(num(spec['completions'])) : '<unset>');
  if (str(spec['completionMode']) !== '') w.kv(0, 'Completion Mode', str(spec['completionMode']));
  if (typeof spec['suspend'] === 'boolean') w.kv(0, 'Suspend', String(spec['suspend']));
  if (numOrUndef(spec['backoffLimit']) !== undefined) w.kv(0, 'Backoff Limit', String(num(spec['backoffLimit'])));
  if (numOrUndef(spec['ttlSecondsAfterFinished']) !== undefined) w.kv(0, 'TTL Seconds After Finished', String(num(spec['ttlSecondsAfterFinished'])));
  if (st['startTime']) w.kv(0, 'Start Time', rfc1123z(st['startTime']));
  if (st['completionTime']) w.kv(0, 'Completed At', rfc1123z(st['completionTime']));
  const start = timeMs(st['startTime']);
  const end = timeMs(st['completionTime']);
  if (start !== undefined && end !== undefined) w.kv(0, 'Duration', formatAge(end - start));
  if (numOrUndef(spec['activeDeadlineSeconds']) !== undefined) w.kv(0, 'Active Deadline Seconds', `${num(spec['activeDeadlineSeconds'])}s`);
  const ready = numOrUndef(st['ready']);
  const failed = num(st['failed']);
  w.kv(
    0,
    'Pods Statuses',
    ready === undefined
      ? `${num(st['active'])} Active / ${num(st['succeeded'])} Succeeded / ${failed} Failed`
      : `${num(st['active'])} Active (${ready} Ready) / ${num(st['succeeded'])} Succeeded / ${failed} Failed`,
    failed > 0 ? 'warn' : undefined,
  );
  writePodTemplate(w, spec['template']);
}

export function describeCronJob(w: DescribeWriter, c: KubeObject): void {
  const spec = obj(c.spec);
  const orUnset = (v: unknown, suffix = ''): string => (numOrUndef(v) !== undefined ? `${num(v)}${suffix}` : '<unset>');
  w.kv(0, 'Name', str(at(c, 'metadata', 'name')));
  w.kv(0, 'Namespace', str(at(c, 'metadata', 'namespace')));
  writeLabels(w, 'Labels', at(c, 'metadata', 'labels'));
  writeAnnotations(w, 'Annotations', at(c, 'metadata', 'annotations'));
  w.kv(0, 'Schedule', str(spec['schedule']));
  w.kv(0, 'Concurrency Policy', str(spec['concurrencyPolicy']));
  w.kv(0, 'Suspend', boolPtr(spec['suspend']), spec['suspend'] === true ? 'warn' : undefined);
  w.kv(0, 'Successful Job History Limit', orUnset(spec['successfulJobsHistoryLimit']));
  w.kv(0, 'Failed Job History Limit', orUnset(spec['failedJobsHistoryLimit']));
  w.kv(0, 'Starting Deadline Seconds', orUnset(spec['startingDeadlineSeconds'], 's'));
  const jt = obj(at(spec, 'jobTemplate', 'spec'));
  w.kv(0, 'Selector', jt['selector'] ? selectorString(jt['selector']) : '<unset>');
  w.kv(0, 'Parallelism', orUnset(jt['parallelism']));
  w.kv(0, 'Completions', orUnset(jt['completions']));
  if (numOrUndef(jt['activeDeadlineSeconds']) !== undefined) w.kv(0, 'Active Deadline Seconds', `${num(jt['activeDeadlineSeconds'])}s`);
  writePodTemplate(w, jt['template']);
  const last = at(c, 'status', 'lastScheduleTime');
  w.kv(0, 'Last Schedule Time', last ? rfc1123z(last) : '<unset>');
  const active = objs(at(c, 'status', 'active')).map((j) => str(j['name']));
  w.kv(0, 'Active Jobs', active.length === 0 ? '<none>' : active.join(', '));
}
