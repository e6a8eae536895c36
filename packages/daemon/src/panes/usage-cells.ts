import { parseQuantity } from '../kube/metrics-api.js';
import type { KubeObject } from '../kube/types.js';
import { isRecord } from '../util/is-record.js';

/** How usage reads in a cell, as kubectl top writes it: millicores and MiB, shares in whole percents. */
export const formatCpu = (millis: number): string => `${Math.round(millis)}m`;
export const formatMemory = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)}Mi`;
export const percent = (used: number, of: number | null): number | null => (of !== null && of > 0 ? Math.round((100 * used) / of) : null);
export const shownPercent = (p: number | null): string => (p === null ? 'n/a' : `${p}%`);

/** The sum over the pod's containers of resources.<which>.<resource> (cores or bytes), or null when a container sets none. */
export function podResource(pod: KubeObject, which: 'requests' | 'limits', resource: 'cpu' | 'memory'): number | null {
  const spec = isRecord(pod.spec) ? pod.spec : null;
  const containers = spec && Array.isArray(spec['containers']) ? (spec['containers'] as unknown[]) : [];
  if (containers.length === 0) return null;
  let sum = 0;
  for (const c of containers) {
    const r = isRecord(c) && isRecord(c['resources']) && isRecord(c['resources'][which]) ? c['resources'][which] : null;
    const q = r ? parseQuantity(r[resource]) : null;
    if (q === null) return null;
    sum += q;
  }
  return sum;
}
