import type { Style } from '@kubetile/rpc-schema';
import { ageSince } from '../kinds/age.js';
import { at, isObj, num, obj, objs, str, strMap, timeMs, type JsonObject } from '../kinds/json.js';
import { statusStyle } from '../kinds/styles.js';
import type { KubeObject } from '../types.js';
import type { DetailWriter } from './detail-writer.js';
import { truncate } from './lines.js';

/** `3d ago` when `now` is known, else ''. */
export function agoText(ts: unknown, now: number | undefined): string {
  if (now === undefined || timeMs(ts) === undefined) return '';
  return `${ageSince(ts, now)} ago`;
}

/** The timestamp with its age: `2025-11-21T12:00:00Z (3d ago)`. */
export function whenText(ts: unknown, now: number | undefined): string {
  const t = str(ts);
  if (t === '') return '<unknown>';
  const ago = agoText(ts, now);
  return ago === '' ? t : `${t} (${ago})`;
}

export function writeLabelsSection(w: DetailWriter, labels: unknown): void {
  w.section('Labels');
  const m = strMap(labels);
  const keys = Object.keys(m).sort();
  if (keys.length === 0) w.none();
  for (const k of keys) w.text(`${k}=${m[k] ?? ''}`);
}

const ANNOTATION_WIDTH = 120;

export function writeAnnotationsSection(w: DetailWriter, annotations: unknown): void {
  w.section('Annotations');
  const m = strMap(annotations);
  const keys = Object.keys(m).sort();
  if (keys.length === 0) w.none();
  for (const k of keys) w.text(truncate(`${k}: ${(m[k] ?? '').replace(/\s*\n\s*/g, ' ')}`, ANNOTATION_WIDTH));
}

export function writeOwnerSection(w: DetailWriter, o: KubeObject): void {
  w.section('Owner');
  const refs = objs(at(o, 'metadata', 'ownerReferences'));
  if (refs.length === 0) w.none();
  for (const r of refs) {
    const flags = [r['controller'] === true ? 'controller' : '', r['blockOwnerDeletion'] === true ? 'blocks deletion' : ''].filter((s) => s !== '');
    const ref = { text: `${str(r['kind'])}/${str(r['name'])}`, style: 'accent' as const };
    w.cells(flags.length > 0 ? [ref, { text: `(${flags.join(', ')})`, style: 'dim' }] : [ref]);
  }
}

/** Condition types where False is the healthy value. */
const NEGATIVE = new Set(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable', 'ReplicaFailure', 'Failed', 'FailureTarget', 'Stalled', 'Degraded']);

export function conditionStyle(c: JsonObject): Style | undefined {
  const s = str(c['status']);
  if (s === 'Unknown') return 'warn';
  const healthy = NEGATIVE.has(str(c['type'])) ? s === 'False' : s === 'True';
  return healthy ? 'ok' : 'error';
}

export function writeConditionsSection(w: DetailWriter, conditions: unknown, now: number | undefined): void {
  w.section('Conditions');
  const list = objs(conditions);
  if (list.length === 0) {
    w.none();
    return;
  }
  w.cells([{ text: 'TYPE' }, { text: 'STATUS' }, { text: 'REASON' }, { text: 'AGE' }, { text: 'MESSAGE' }], 'dim');
  for (const c of list) {
    const ts = c['lastTransitionTime'] ?? c['lastUpdateTime'] ?? c['lastHeartbeatTime'];
    const age = now === undefined || timeMs(ts) === undefined ? '' : ageSince(ts, now);
    w.cells([
      { text: str(c['type']) },
      { text: str(c['status']), style: conditionStyle(c) },
      { text: str(c['reason']) },
      { text: age },
      { text: truncate(str(c['message']).replace(/\s*\n\s*/g, ' '), 160) },
    ]);
  }
}

function ports(c: JsonObject): string {
  return objs(c['ports'])
    .map((p) => `${num(p['containerPort'])}/${str(p['protocol']) || 'TCP'}${str(p['name']) ? ` (${str(p['name'])})` : ''}`)
    .join(', ');
}

function resourceList(v: unknown): string {
  const m = obj(v);
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${str(m[k])}`)
    .join(', ');
}

/** `Running (started 2d ago)`, `Waiting: CrashLoopBackOff`, `Terminated: Error (exit code 1, 3m ago)`. */
export function stateText(state: unknown, now: number | undefined): { text: string; style: Style | undefined } {
  const s = obj(state);
  if (isObj(s['running'])) {
    const ago = agoText(at(s, 'running', 'startedAt'), now);
    return { text: ago ? `Running (started ${ago})` : 'Running', style: 'ok' };
  }
  if (isObj(s['waiting'])) {
    const reason = str(at(s, 'waiting', 'reason'));
    return { text: reason ? `Waiting: ${reason}` : 'Waiting', style: statusStyle(reason) ?? 'warn' };
  }
  if (isObj(s['terminated'])) {
    const t = s['terminated'];
    const exit = num(t['exitCode']);
    const ago = agoText(t['finishedAt'], now);
    const reason = str(t['reason']) || `ExitCode:${exit}`;
    return {
      text: `Terminated: ${reason} (exit code ${exit}${ago ? `, ${ago}` : ''})`,
      style: exit === 0 ? 'ok' : 'error',
    };
  }
  return { text: '<unknown>', style: 'dim' };
}

/**
 * Containers (init containers first, marked), each with image, ports, resources, and — for pods, when `statuses`
 * are given — state, last state, readiness and restarts.
 */
export function writeContainersSection(w: DetailWriter, podSpec: unknown, podStatus: unknown | undefined, now: number | undefined): void {
  w.section('Containers');
  const spec = obj(podSpec);
  const groups: Array<[JsonObject[], string, string]> = [
    [objs(spec['initContainers']), 'initContainerStatuses', 'init'],
    [objs(spec['containers']), 'containerStatuses', ''],
  ];
  let count = 0;
  for (const [list, statusKey, tag] of groups) {
    const statuses = new Map(objs(at(podStatus, statusKey)).map((s) => [str(s['name']), s]));
    for (const c of list) {
      count++;
      const label = tag === 'init' ? (str(c['restartPolicy']) === 'Always' ? 'sidecar' : 'init') : '';
      w.cells(label ? [{ text: str(c['name']), style: 'accent' }, { text: `(${label})`, style: 'dim' }] : [{ text: str(c['name']), style: 'accent' }]);
      w.kv('Image', str(c['image']), undefined, 2);
      const p = ports(c);
      if (p) w.kv('Ports', p, undefined, 2);
      const st = podStatus === undefined ? undefined : statuses.get(str(c['name']));
      if (podStatus !== undefined) {
        if (!st) {
          w.kv('State', '<no status yet>', 'dim', 2);
        } else {
          const s = stateText(st['state'], now);
          w.kv('State', s.text, s.style, 2);
          if (isObj(at(st, 'lastState', 'terminated'))) {
            const l = stateText(st['lastState'], now);
            w.kv('Last State', l.text, l.style === 'ok' ? undefined : l.style, 2);
          }
          w.kv('Ready', st['ready'] === true ? 'true' : 'false', st['ready'] === true ? 'ok' : 'warn', 2);
          const restarts = num(st['restartCount']);
          w.kv('Restarts', String(restarts), restarts > 0 ? 'warn' : undefined, 2);
        }
      }
      const req = resourceList(at(c, 'resources', 'requests'));
      const lim = resourceList(at(c, 'resources', 'limits'));
      w.kv('Requests', req || '<none>', req ? undefined : 'dim', 2);
      w.kv('Limits', lim || '<none>', lim ? undefined : 'dim', 2);
    }
  }
  if (count === 0) w.none();
}
