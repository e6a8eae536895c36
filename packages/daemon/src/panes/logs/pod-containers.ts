import type { KubeConfig } from '../../kube/kubeconfig.js';
import { kubeRequest } from '../../kube/kube-http.js';
import { badContainer, podPath } from '../../kube/logs/log-request.js';
import type { KubeObject } from '../../kube/types.js';
import { isRecord } from '../../util/is-record.js';

export interface ContainerInfo {
  name: string;
  init: boolean;
}

/** The pod's containers, then its init containers (names the API server would accept only). */
export function containersOf(pod: KubeObject): ContainerInfo[] {
  const out: ContainerInfo[] = [];
  for (const [field, init] of [
    ['containers', false],
    ['initContainers', true],
  ] as const) {
    const list = pod.spec?.[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      const name = isRecord(c) ? c['name'] : undefined;
      if (typeof name === 'string' && badContainer(name) === null) out.push({ name, init });
    }
  }
  return out;
}

/** Whether a container has run (running now, or terminated): only then has it a log to follow. */
export function containerStarted(pod: KubeObject, name: string): boolean {
  for (const field of ['containerStatuses', 'initContainerStatuses']) {
    const list = pod.status?.[field];
    if (!Array.isArray(list)) continue;
    const s = list.find((x) => isRecord(x) && x['name'] === name) as Record<string, unknown> | undefined;
    if (!s) continue;
    const state = isRecord(s['state']) ? s['state'] : {};
    const last = isRecord(s['lastState']) ? s['lastState'] : {};
    return isRecord(state['running']) || isRecord(state['terminated']) || isRecord(last['terminated']);
  }
  return false;
}

export function fetchPod(kc: KubeConfig, namespace: string, name: string): Promise<KubeObject> {
  return kubeRequest<KubeObject>(kc, { path: podPath({ namespace, pod: name }) });
}

/** `web`, `setup (init)`: how the container picker lists them. */
export const containerLabel = (c: ContainerInfo): string => (c.init ? `${c.name} (init)` : c.name);
