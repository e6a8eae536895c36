/** Reading containers and their states out of a pod object. */
import { asArray, asString, getPath, isRecord, type KubeObject } from '../types.js';

export interface ContainerInfo {
  name: string;
  image: string;
  ports: number[];
  env: Record<string, string>;
  kind: 'container' | 'init' | 'ephemeral';
}

function containersOf(pod: KubeObject, field: string, kind: ContainerInfo['kind']): ContainerInfo[] {
  return asArray(getPath(pod, ['spec', field])).filter(isRecord).map((c) => {
    const env: Record<string, string> = {};
    for (const e of asArray(c['env'])) {
      const n = asString(getPath(e, ['name']));
      const v = asString(getPath(e, ['value']));
      if (n !== undefined) env[n] = v ?? '';
    }
    return {
      name: asString(c['name']) ?? '',
      image: asString(c['image']) ?? '',
      ports: asArray(c['ports']).map((p) => getPath(p, ['containerPort'])).filter((p): p is number => typeof p === 'number'),
      env,
      kind,
    };
  });
}

export function mainContainers(pod: KubeObject): ContainerInfo[] {
  return containersOf(pod, 'containers', 'container');
}

export function allContainers(pod: KubeObject): ContainerInfo[] {
  return [...containersOf(pod, 'containers', 'container'), ...containersOf(pod, 'initContainers', 'init'), ...containersOf(pod, 'ephemeralContainers', 'ephemeral')];
}

export function containerStatus(pod: KubeObject, name: string): Record<string, unknown> | undefined {
  for (const field of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    const s = asArray(getPath(pod, ['status', field])).find((c) => getPath(c, ['name']) === name);
    if (isRecord(s)) return s;
  }
  return undefined;
}

/** "running", "waiting:<reason>", "terminated:<reason>" or "unknown" (no status yet). */
export function containerState(pod: KubeObject, name: string): string {
  const s = containerStatus(pod, name);
  if (!s) return 'unknown';
  const state = s['state'];
  if (isRecord(state)) {
    if (isRecord(state['running'])) return 'running';
    if (isRecord(state['terminated'])) return `terminated:${asString(getPath(state, ['terminated', 'reason'])) ?? 'Error'}`;
    if (isRecord(state['waiting'])) return `waiting:${asString(getPath(state, ['waiting', 'reason'])) ?? 'ContainerCreating'}`;
  }
  return 'unknown';
}

export function podPhase(pod: KubeObject): string {
  return asString(getPath(pod, ['status', 'phase'])) ?? 'Pending';
}

export function nodeName(pod: KubeObject): string {
  return asString(getPath(pod, ['spec', 'nodeName'])) ?? '';
}

/** When the container's current instance started running, its restart count, or null when it is not running. */
function runningSince(pod: KubeObject, name: string): string | null {
  const s = containerStatus(pod, name);
  const started = getPath(s, ['state', 'running', 'startedAt']);
  if (!isRecord(getPath(s, ['state', 'running']))) return null;
  return `${asString(started) ?? ''}#${String(getPath(s, ['restartCount']) ?? 0)}`;
}

/** The containers that ran in `prev` and no longer run — or run as a new instance (restarted) — in `now`. */
export function stoppedContainers(prev: KubeObject, now: KubeObject): string[] {
  return allContainers(prev)
    .map((c) => c.name)
    .filter((name) => {
      const before = runningSince(prev, name);
      return before !== null && runningSince(now, name) !== before;
    });
}
