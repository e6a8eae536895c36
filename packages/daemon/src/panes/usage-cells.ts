import { parseQuantity } from '../kube/metrics-api.js';
import type { KubeObject } from '../kube/types.js';
import { isRecord } from '../util/is-record.js';

/** How usage reads in a cell, as kubectl top writes it: millicores and MiB, shares in whole percents. */
export const formatCpu = (millis: number): string => (Number.isFinite(millis) ? `${Math.round(millis)}m` : 'n/a');
export const formatMemory = (bytes: number): string => (Number.isFinite(bytes) ? `${Math.round(bytes / 1024 / 1024)}Mi` : 'n/a');
/**
 * `used` as a whole percent of `of`; null (n/a) when there is no `of`, or when either number or the
 * share is not finite: each quantity is finite, but a sum over containers or 100× a valid `1e307`
 * is not (the cell read `Infinity%`, or `0%` of an infinite limit).
 */
export const percent = (used: number, of: number | null): number | null => {
  if (of === null || !(of > 0) || !Number.isFinite(of) || !Number.isFinite(used)) return null;
  const p = Math.round((100 * used) / of);
  return Number.isFinite(p) ? p : null;
};
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
