import type { KubeObject } from '../kube/types.js';
import { isRecord } from '../util/is-record.js';

export function podPhase(pod: KubeObject): string {
  const phase = isRecord(pod.status) ? pod.status.phase : undefined;
  return typeof phase === 'string' && phase ? phase : 'Pending';
}

export function podReady(pod: KubeObject): boolean {
  const conds = isRecord(pod.status) && Array.isArray(pod.status.conditions) ? pod.status.conditions : [];
  return conds.some((c) => isRecord(c) && c.type === 'Ready' && c.status === 'True');
}

/** Why connections cannot go to this pod now (phase, deletion), or null when they can. */
export function podUnusable(pod: KubeObject): string | null {
  if (pod.metadata.deletionTimestamp) return `pod ${pod.metadata.name} is terminating`;
  const phase = podPhase(pod);
  if (phase !== 'Running') return `pod ${pod.metadata.name} is not running (phase ${phase})`;
  return null;
}

const created = (p: KubeObject): number => Date.parse(p.metadata.creationTimestamp ?? '') || 0;

/** The pods a Service or workload forward may go to, best first: running, ready and not terminating; newest first. */
export function readyPods(pods: Iterable<KubeObject>): KubeObject[] {
  return [...pods]
    .filter((p) => podUnusable(p) === null && podReady(p))
    .sort((a, b) => created(b) - created(a) || (a.metadata.name < b.metadata.name ? -1 : 1));
}
