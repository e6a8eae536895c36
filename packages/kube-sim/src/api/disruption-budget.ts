/**
 * A PodDisruptionBudget judged over the pods it selects, as the disruption controller computes its
 * status and the eviction API reads it: healthy pods are Ready and not terminating; the floor is
 * minAvailable, or the pods less maxUnavailable (an int, or a percentage of the selected pods, rounded
 * up); what is allowed is what the healthy pods exceed the floor by.
 */
import { asArray, asString, getPath, isRecord, type KubeObject } from '../types.js';

/** Whether a LabelSelector object selects `labels` (a missing selector selects nothing, `{}` everything). */
export function selectorMatches(sel: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(sel)) return false;
  const ml = sel['matchLabels'];
  if (isRecord(ml)) for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of asArray(sel['matchExpressions'])) {
    const key = asString(getPath(e, ['key'])) ?? '';
    const values = asArray(getPath(e, ['values'])).map(String);
    const has = Object.hasOwn(labels, key);
    switch (asString(getPath(e, ['operator']))) {
      case 'In': if (!has || !values.includes(labels[key]!)) return false; break;
      case 'NotIn': if (has && values.includes(labels[key]!)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

export function labelsOf(p: KubeObject): Record<string, string> {
  const l = p.metadata.labels;
  return isRecord(l) ? Object.fromEntries(Object.entries(l).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
}

export const podHealthy = (p: KubeObject): boolean =>
  !p.metadata.deletionTimestamp && asArray(getPath(p, ['status', 'conditions'])).some((c) => getPath(c, ['type']) === 'Ready' && getPath(c, ['status']) === 'True');

/** An int or a percentage ("50%") of `total`, rounded up. */
function scaled(v: unknown, total: number): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  const m = typeof v === 'string' ? /^(\d{1,3})%$/.exec(v) : null;
  return m ? Math.ceil((Number(m[1]) * total) / 100) : undefined;
}

export interface BudgetState {
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

/** The budget over the pods of its namespace (those it does not select are left out here). */
export function budgetState(pdb: KubeObject, podsInNamespace: readonly KubeObject[]): BudgetState {
  const sel = getPath(pdb, ['spec', 'selector']);
  const pods = podsInNamespace.filter((p) => selectorMatches(sel, labelsOf(p)));
  const min = scaled(getPath(pdb, ['spec', 'minAvailable']), pods.length);
  const maxUnavailable = scaled(getPath(pdb, ['spec', 'maxUnavailable']), pods.length);
  const desiredHealthy = min ?? (maxUnavailable !== undefined ? Math.max(0, pods.length - maxUnavailable) : 0);
  const currentHealthy = pods.filter(podHealthy).length;
  return { expectedPods: pods.length, currentHealthy, desiredHealthy, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
}
