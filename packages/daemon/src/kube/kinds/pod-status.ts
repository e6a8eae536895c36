import { formatAge } from './age.js';
import { arr, at, isObj, num, obj, objs, str, timeMs, type JsonObject } from './json.js';

/** What kubectl's `printPod` derives from a pod: the READY, STATUS and RESTARTS cells. */
export interface PodSummary {
  /** STATUS as `kubectl get pods` prints it: `Running`, `CrashLoopBackOff`, `Init:0/1`, `Terminating`, `Completed`… */
  status: string;
  ready: number;
  total: number;
  restarts: number;
  /** When the most recent restart's previous container finished (ms since epoch), if known. */
  lastRestartMs?: number;
}

const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

function isRestartableInit(c: JsonObject | undefined): boolean {
  return c !== undefined && str(c['restartPolicy']) === 'Always';
}

function conditionTrue(status: JsonObject, type: string): boolean {
  for (const c of objs(status['conditions'])) {
    if (str(c['type']) === type) return str(c['status']) === 'True';
  }
  return false;
}

function hasPodReadyCondition(status: JsonObject): boolean {
  return objs(status['conditions']).some((c) => str(c['type']) === 'Ready' && str(c['status']) === 'True');
}

function terminatedFinishedMs(cs: JsonObject): number | undefined {
  return timeMs(at(cs, 'lastState', 'terminated', 'finishedAt'));
}

/** A port of kubectl's `printPod` (pkg/printers/internalversion/printers.go), minus the wide columns. */
export function podSummary(pod: unknown): PodSummary {
  const spec = obj(at(pod, 'spec'));
  const status = obj(at(pod, 'status'));
  const containers = arr(spec['containers']);
  const initSpecs = objs(spec['initContainers']);
  let total = containers.length;
  let ready = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestart: number | undefined;
  let lastRestartableInitRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined ? b : b === undefined ? a : Math.max(a, b);

  const phase = str(status['phase']);
  let reason = phase;
  if (str(status['reason']) !== '') reason = str(status['reason']);
  for (const c of objs(status['conditions'])) {
    if (str(c['type']) === 'PodScheduled' && str(c['reason']) === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, JsonObject>();
  for (const c of initSpecs) {
    initByName.set(str(c['name']), c);
    if (isRestartableInit(c)) total++;
  }

  let initializing = false;
  const initStatuses = objs(status['initContainerStatuses']);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i] as JsonObject;
    const restartable = isRestartableInit(initByName.get(str(cs['name'])));
    restarts += num(cs['restartCount']);
    lastRestart = later(lastRestart, terminatedFinishedMs(cs));
    if (restartable) {
      restartableInitRestarts += num(cs['restartCount']);
      lastRestartableInitRestart = later(lastRestartableInitRestart, terminatedFinishedMs(cs));
    }
    const terminated = at(cs, 'state', 'terminated');
    const waiting = at(cs, 'state', 'waiting');
    if (isObj(terminated) && num(terminated['exitCode']) === 0) continue;
    if (restartable && cs['started'] === true) {
      if (cs['ready'] === true) ready++;
      continue;
    }
    if (isObj(terminated)) {
      const r = str(terminated['reason']);
      if (r === '') {
        const signal = num(terminated['signal']);
        reason = signal !== 0 ? `Init:Signal:${signal}` : `Init:ExitCode:${num(terminated['exitCode'])}`;
      } else {
        reason = `Init:${r}`;
      }
    } else if (isObj(waiting) && str(waiting['reason']) !== '' && str(waiting['reason']) !== 'PodInitializing') {
      reason = `Init:${str(waiting['reason'])}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = objs(status['containerStatuses']);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i] as JsonObject;
      restarts += num(cs['restartCount']);
      lastRestart = later(lastRestart, terminatedFinishedMs(cs));
      const waiting = at(cs, 'state', 'waiting');
      const terminated = at(cs, 'state', 'terminated');
      const running = at(cs, 'state', 'running');
      if (isObj(waiting) && str(waiting['reason']) !== '') {
        reason = str(waiting['reason']);
      } else if (isObj(terminated) && str(terminated['reason']) !== '') {
        reason = str(terminated['reason']);
      } else if (isObj(terminated)) {
        const signal = num(terminated['signal']);
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${num(terminated['exitCode'])}`;
      } else if (cs['ready'] === true && isObj(running)) {
        hasRunning = true;
        ready++;
      }
    }
    // A container still running after another completed: the pod is Running (or NotReady), not Completed.
    if (reason === 'Completed' && hasRunning) reason = hasPodReadyCondition(status) ? 'Running' : 'NotReady';
  }

  const deleting = str(at(pod, 'metadata', 'deletionTimestamp')) !== '';
  if (deleting && str(status['reason']) === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating';

  const out: PodSummary = { status: reason, ready, total, restarts };
  if (lastRestart !== undefined) out.lastRestartMs = lastRestart;
  return out;
}

/** STATUS as `kubectl get pods` shows it (CrashLoopBackOff, ContainerCreating, Init:0/1, Terminating, Completed…). */
export function podStatus(pod: unknown): string {
  return podSummary(pod).status;
}

/** READY as kubectl shows it: ready/total containers (restartable init containers, i.e. sidecars, included). */
export function podReady(pod: unknown): string {
  const s = podSummary(pod);
  return `${s.ready}/${s.total}`;
}

/** RESTARTS as kubectl shows it: `0`, or `5 (3m ago)` when the last restart time is known. */
export function podRestarts(pod: unknown, now: number): string {
  // This column changes with the clock, so every visible row computes it every frame: when no
  // container reports a restart (the usual pod), the count is 0 whichever of them kubectl adds up.
  if (noRestarts(pod)) return '0';
  const s = podSummary(pod);
  if (s.restarts !== 0 && s.lastRestartMs !== undefined) return `${s.restarts} (${formatAge(now - s.lastRestartMs)} ago)`;
  return String(s.restarts);
}

/** Whether every init and app container status reports a restartCount of 0 (or none). */
function noRestarts(pod: unknown): boolean {
  const status = obj(at(pod, 'status'));
  for (const cs of objs(status['containerStatuses'])) if (num(cs['restartCount']) !== 0) return false;
  for (const cs of objs(status['initContainerStatuses'])) if (num(cs['restartCount']) !== 0) return false;
  return true;
}
