/** The Pod table printer, following kubectl's printPod. */
import { asArray, asNumber, asString, getPath, isRecord, type KubeObject } from '../types.js';
import { col, orNone, str, type Cell, type Printer, type RowCondition } from './columns.js';
import { intern } from '../util/intern.js';
import { humanDuration, sinceMs, timestampMs } from './humanize.js';

interface Reasoned {
  reason: string;
  restarts: number;
  ready: number;
  lastRestart: number;
}

function isRestartableInit(spec: unknown): boolean {
  return getPath(spec, ['restartPolicy']) === 'Always';
}

function lastFinished(c: unknown): number {
  const finished = asString(getPath(c, ['lastState', 'terminated', 'finishedAt']));
  return finished ? Date.parse(finished) || 0 : 0;
}

/**
 * kubectl's `printPod` (pkg/printers/internalversion/printers.go, 1.29+): SchedulingGated, init containers
 * (`Init:N/M`, `Init:<reason>`, `Init:Signal:N`), sidecars (restartable init containers: counted in READY, their
 * restarts and last restart kept once the pod is initialized), then the app containers, Terminating / Unknown.
 */
function containerReason(obj: KubeObject): Reasoned {
  const status = getPath(obj, ['status']);
  let reason = str(status, ['phase']);
  const statusReason = str(status, ['reason']);
  if (statusReason) reason = statusReason;
  const conditions = asArray(getPath(status, ['conditions']));
  if (conditions.some((c) => getPath(c, ['type']) === 'PodScheduled' && getPath(c, ['reason']) === 'SchedulingGated')) reason = 'SchedulingGated';
  let restarts = 0;
  let ready = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let sidecarLastRestart = 0;
  let initializing = false;
  const initSpecs = asArray(getPath(obj, ['spec', 'initContainers']));
  const initByName = new Map<unknown, unknown>(initSpecs.map((c) => [getPath(c, ['name']), c]));
  const initStatuses = asArray(getPath(status, ['initContainerStatuses']));
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const sidecar = isRestartableInit(initByName.get(getPath(c, ['name'])));
    const count = asNumber(getPath(c, ['restartCount'])) ?? 0;
    restarts += count;
    lastRestart = Math.max(lastRestart, lastFinished(c));
    if (sidecar) {
      sidecarRestarts += count;
      sidecarLastRestart = Math.max(sidecarLastRestart, lastFinished(c));
    }
    const term = getPath(c, ['state', 'terminated']);
    const waiting = getPath(c, ['state', 'waiting']);
    if (isRecord(term) && (asNumber(term['exitCode']) ?? 0) === 0) continue;
    if (sidecar && getPath(c, ['started']) === true) {
      if (getPath(c, ['ready']) === true) ready++;
      continue;
    }
    if (isRecord(term)) {
      const r = asString(term['reason']) ?? '';
      const sig = asNumber(term['signal']) ?? 0;
      reason = r ? `Init:${r}` : sig ? `Init:Signal:${sig}` : `Init:ExitCode:${asNumber(term['exitCode']) ?? 0}`;
    } else if (isRecord(waiting) && asString(waiting['reason']) && waiting['reason'] !== 'PodInitializing') {
      reason = `Init:${String(waiting['reason'])}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }
  const initialized = conditions.some((c) => getPath(c, ['type']) === 'Initialized' && getPath(c, ['status']) === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const statuses = asArray(getPath(status, ['containerStatuses']));
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += asNumber(getPath(c, ['restartCount'])) ?? 0;
      lastRestart = Math.max(lastRestart, lastFinished(c));
      const waitingReason = asString(getPath(c, ['state', 'waiting', 'reason']));
      const term = getPath(c, ['state', 'terminated']);
      if (waitingReason) reason = waitingReason;
      else if (isRecord(term) && asString(term['reason'])) reason = String(term['reason']);
      else if (isRecord(term)) {
        const sig = asNumber(term['signal']) ?? 0;
        reason = sig ? `Signal:${sig}` : `ExitCode:${asNumber(term['exitCode']) ?? 0}`;
      } else if (getPath(c, ['ready']) === true && isRecord(getPath(c, ['state', 'running']))) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const readyCond = conditions.some((c) => getPath(c, ['type']) === 'Ready' && getPath(c, ['status']) === 'True');
      reason = readyCond ? 'Running' : 'NotReady';
    }
  }
  const phase = str(status, ['phase']);
  if (obj.metadata.deletionTimestamp && statusReason === 'NodeLost') reason = 'Unknown';
  else if (obj.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  return { reason, restarts, ready, lastRestart };
}

/** kubectl's STATUS column for a pod; also used by the demo controller's tests. */
export function podDisplayStatus(obj: KubeObject): string {
  return containerReason(obj).reason;
}

/** A pod's cells, read from it once; the AGE and the last restart's age made at `now`. */
function preparePod(obj: KubeObject): (now: number) => Cell[] {
  const r = containerReason(obj);
  // READY counts sidecars (restartable init containers) with the app containers, as kubectl does.
  const total = asArray(getPath(obj, ['spec', 'containers'])).length + asArray(getPath(obj, ['spec', 'initContainers'])).filter(isRestartableInit).length;
  const gates = asArray(getPath(obj, ['spec', 'readinessGates']));
  let gatesCell = '<none>';
  if (gates.length > 0) {
    const conds = asArray(getPath(obj, ['status', 'conditions']));
    const trueCount = gates.filter((g) => conds.some((c) => getPath(c, ['type']) === getPath(g, ['conditionType']) && getPath(c, ['status']) === 'True')).length;
    gatesCell = `${trueCount}/${gates.length}`;
  }
  const name = obj.metadata.name ?? '';
  // Kept for the object's life (100k pods: 100k of each): the values many pods share are pooled.
  const ready = intern(`${r.ready}/${total}`);
  const reason = intern(r.reason);
  const restarts = r.restarts;
  const lastRestart = restarts !== 0 && r.lastRestart > 0 ? r.lastRestart : 0;
  const created = timestampMs(obj.metadata.creationTimestamp);
  // kubectl prints the first of status.podIPs (status.podIP is the same address on a real server).
  const ip = orNone(str(asArray(getPath(obj, ['status', 'podIPs']))[0], ['ip']) || str(obj, ['status', 'podIP']));
  const node = intern(orNone(str(obj, ['spec', 'nodeName'])));
  const nominated = intern(orNone(str(obj, ['status', 'nominatedNodeName'])));
  gatesCell = intern(gatesCell);
  return (now) => [name, ready, reason, lastRestart > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts), sinceMs(created, now), ip, node, nominated, gatesCell];
}

export const podPrinter: Printer = {
  columns: [
    col('Name'),
    col('Ready', 'string', 0),
    col('Status', 'string', 0),
    col('Restarts', 'string', 0),
    col('Age'),
    col('IP', 'string', 1),
    col('Node', 'string', 1),
    col('Nominated Node', 'string', 1),
    col('Readiness Gates', 'string', 1),
  ],
  cells(obj: KubeObject, now: number): Cell[] {
    return preparePod(obj)(now);
  },
  prepare: preparePod,
  conditions(obj: KubeObject): RowCondition[] | undefined {
    const phase = str(obj, ['status', 'phase']);
    if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return undefined;
  },
};
