/**
 * Pure edits of a pod's status, as a kubelet would make them: scheduling, container start,
 * termination, crash-loop back-off, readiness. The controller and admin API apply them via the store.
 */
import { rfc3339 } from '../store/object-store.js';
import { asArray, asNumber, asString, getPath, isRecord, type KubeObject } from '../types.js';
import { imageId } from './image-id.js';
import { mainContainers } from './pod-info.js';

type Rec = Record<string, unknown>;

function status(pod: KubeObject): Rec {
  let s = pod['status'];
  if (!isRecord(s)) {
    s = {};
    pod['status'] = s;
  }
  return s as Rec;
}

function setCondition(pod: KubeObject, type: string, value: boolean, now: string, reason?: string, message?: string): void {
  const s = status(pod);
  const conds = asArray(s['conditions']).filter(isRecord);
  let c = conds.find((x) => x['type'] === type);
  if (!c) {
    c = { type };
    conds.push(c);
  }
  const v = value ? 'True' : 'False';
  if (c['status'] !== v) c['lastTransitionTime'] = now;
  c['status'] = v;
  c['lastProbeTime'] = null;
  if (reason) c['reason'] = reason;
  else delete c['reason'];
  if (message) c['message'] = message;
  else delete c['message'];
  const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  conds.sort((a, b) => order.indexOf(String(a['type'])) - order.indexOf(String(b['type'])));
  s['conditions'] = conds;
}

function containerId(pod: KubeObject, name: string, restart: number): string {
  const seed = `${pod.metadata.uid ?? ''}${name}${restart}`;
  let h = 0n;
  for (const ch of seed) h = (h * 131n + BigInt(ch.charCodeAt(0))) % (1n << 128n);
  return `containerd://${h.toString(16).padStart(32, '0')}${h.toString(16).padStart(32, '0')}`.slice(0, 77);
}

function statuses(pod: KubeObject): Rec[] {
  const s = status(pod);
  const existing = asArray(s['containerStatuses']).filter(isRecord);
  const out: Rec[] = [];
  for (const c of mainContainers(pod)) {
    let cs = existing.find((x) => x['name'] === c.name);
    if (!cs) {
      cs = { name: c.name, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image: c.image, imageID: '', started: false };
    }
    out.push(cs);
  }
  s['containerStatuses'] = out;
  return out;
}

function refreshReadiness(pod: KubeObject, now: string): void {
  const css = statuses(pod);
  const allReady = css.length > 0 && css.every((c) => c['ready'] === true);
  setCondition(pod, 'Ready', allReady, now, allReady ? undefined : 'ContainersNotReady', allReady ? undefined : `containers with unready status: [${css.filter((c) => c['ready'] !== true).map((c) => String(c['name'])).join(' ')}]`);
  setCondition(pod, 'ContainersReady', allReady, now, allReady ? undefined : 'ContainersNotReady', allReady ? undefined : `containers with unready status: [${css.filter((c) => c['ready'] !== true).map((c) => String(c['name'])).join(' ')}]`);
}

/** Binds the pod to a node; containers wait in ContainerCreating. */
export function schedule(pod: KubeObject, node: string, hostIP: string, podIP: string, nowMs: number): void {
  const now = rfc3339(nowMs);
  (pod['spec'] as Rec)['nodeName'] = node;
  const s = status(pod);
  s['phase'] = 'Pending';
  s['hostIP'] = hostIP;
  s['hostIPs'] = [{ ip: hostIP }];
  s['podIP'] = podIP;
  s['podIPs'] = [{ ip: podIP }];
  s['startTime'] = now;
  delete s['reason'];
  delete s['message'];
  setCondition(pod, 'PodScheduled', true, now);
  setCondition(pod, 'PodReadyToStartContainers', true, now);
  setCondition(pod, 'Initialized', true, now);
  statuses(pod);
  refreshReadiness(pod, now);
}

export function markUnschedulable(pod: KubeObject, message: string, nowMs: number): void {
  const now = rfc3339(nowMs);
  status(pod)['phase'] = 'Pending';
  setCondition(pod, 'PodScheduled', false, now, 'Unschedulable', message);
}

/** Starts (or restarts) a container: running, ready unless `ready` is false. */
export function startContainer(pod: KubeObject, name: string, nowMs: number, ready = true): void {
  const now = rfc3339(nowMs);
  const cs = statuses(pod).find((c) => c['name'] === name);
  if (!cs) return;
  const restarts = asNumber(cs['restartCount']) ?? 0;
  cs['state'] = { running: { startedAt: now } };
  cs['ready'] = ready;
  cs['started'] = true;
  cs['containerID'] = containerId(pod, name, restarts);
  const image = asString(cs['image']) ?? '';
  cs['imageID'] = imageId(image, '9f1c'.repeat(16));
  const s = status(pod);
  if (statuses(pod).every((c) => isRecord(getPath(c, ['state', 'running'])))) s['phase'] = 'Running';
  refreshReadiness(pod, now);
}

export function setReady(pod: KubeObject, name: string, ready: boolean, nowMs: number): void {
  const cs = statuses(pod).find((c) => c['name'] === name);
  if (!cs) return;
  cs['ready'] = ready;
  refreshReadiness(pod, rfc3339(nowMs));
}

/** Terminates a container; with restartPolicy Never/OnFailure the pod may reach Succeeded/Failed. */
export function terminateContainer(pod: KubeObject, name: string, exitCode: number, nowMs: number, reason?: string): void {
  const now = rfc3339(nowMs);
  const cs = statuses(pod).find((c) => c['name'] === name);
  if (!cs) return;
  const startedAt = asString(getPath(cs, ['state', 'running', 'startedAt'])) ?? now;
  cs['state'] = { terminated: { exitCode, reason: reason ?? (exitCode === 0 ? 'Completed' : 'Error'), startedAt, finishedAt: now, containerID: cs['containerID'] } };
  cs['ready'] = false;
  cs['started'] = false;
  const policy = asString(getPath(pod, ['spec', 'restartPolicy'])) ?? 'Always';
  const all = statuses(pod);
  const allDone = all.every((c) => isRecord(getPath(c, ['state', 'terminated'])));
  if (allDone && policy !== 'Always') {
    const failed = all.some((c) => (asNumber(getPath(c, ['state', 'terminated', 'exitCode'])) ?? 0) !== 0);
    if (policy === 'Never' || !failed) status(pod)['phase'] = failed ? 'Failed' : 'Succeeded';
  }
  refreshReadiness(pod, now);
}

/** After a crash: remember the terminated state, count the restart, wait in CrashLoopBackOff. */
export function crashLoopWait(pod: KubeObject, name: string, backoffSec: number): void {
  const cs = statuses(pod).find((c) => c['name'] === name);
  if (!cs) return;
  const term = getPath(cs, ['state', 'terminated']);
  if (isRecord(term)) cs['lastState'] = { terminated: term };
  cs['restartCount'] = (asNumber(cs['restartCount']) ?? 0) + 1;
  cs['state'] = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoffSec}s restarting failed container=${name} pod=${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})` } };
}

/** Everything stopped for deletion. */
export function terminateAll(pod: KubeObject, nowMs: number): void {
  for (const c of statuses(pod)) {
    if (isRecord(getPath(c, ['state', 'running']))) terminateContainer(pod, String(c['name']), 0, nowMs, 'Completed');
  }
}
