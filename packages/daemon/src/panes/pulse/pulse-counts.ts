import { at, num, numOrUndef, str } from '../../kube/kinds/json.js';
import { jobStatus } from '../../kube/kinds/batch.js';
import { nodeStatus } from '../../kube/kinds/nodes.js';
import { podSummary } from '../../kube/kinds/pod-status.js';
import { statusStyle } from '../../kube/kinds/styles.js';
import { serviceExternalIP } from '../../kube/kinds/services.js';
import type { KubeObject } from '../../kube/types.js';

/** How healthy one object is, for the pulse: ok, warn (progressing, pending) or failed. */
export type Health = 'ok' | 'warn' | 'failed';

function ready(desired: number, readyNow: number): Health {
  return readyNow >= desired ? 'ok' : 'warn';
}

/** One object's health by kind; undefined when the kind has no notion of it (counted in TOTAL only). */
export function healthOf(kindId: string, o: KubeObject): Health | undefined {
  switch (kindId) {
    case 'pods': {
      const s = podSummary(o);
      const st = statusStyle(s.status);
      if (st === 'error') return 'failed';
      if (s.status === 'Completed' || s.status === 'Succeeded') return 'ok';
      if (st === 'ok' && s.ready >= s.total) return 'ok';
      return 'warn';
    }
    case 'deployments':
    case 'statefulsets':
    case 'replicasets': {
      const desired = numOrUndef(at(o, 'spec', 'replicas')) ?? 1;
      return ready(desired, num(at(o, 'status', 'readyReplicas')));
    }
    case 'daemonsets':
      return ready(num(at(o, 'status', 'desiredNumberScheduled')), num(at(o, 'status', 'numberReady')));
    case 'jobs': {
      const s = jobStatus(o);
      // SuccessCriteriaMet: a success policy met, the rest of its pods being stopped — it has succeeded.
      return s === 'Complete' || s === 'SuccessCriteriaMet' ? 'ok' : s === 'Failed' || s === 'FailureTarget' ? 'failed' : 'warn';
    }
    case 'cronjobs':
      return at(o, 'spec', 'suspend') === true ? 'warn' : 'ok';
    case 'services':
      return serviceExternalIP(o) === '<pending>' ? 'warn' : 'ok';
    case 'persistentvolumeclaims': {
      const phase = str(at(o, 'status', 'phase'));
      return phase === 'Bound' ? 'ok' : phase === 'Lost' ? 'failed' : 'warn';
    }
    case 'nodes': {
      const s = statusStyle(nodeStatus(o));
      return s === 'error' ? 'failed' : s === 'ok' ? 'ok' : 'warn';
    }
    case 'events':
      return str(at(o, 'type')) === 'Warning' ? 'warn' : 'ok';
    default:
      return undefined;
  }
}

export interface Counts {
  total: number;
  ok: number;
  warn: number;
  failed: number;
  /** A few names of objects that are not ok, worst first. */
  worst: string[];
}

export function countHealth(kindId: string, objects: Iterable<{ obj: KubeObject }>): Counts {
  const c: Counts = { total: 0, ok: 0, warn: 0, failed: 0, worst: [] };
  const failed: string[] = [];
  const warn: string[] = [];
  for (const { obj } of objects) {
    c.total++;
    const h = healthOf(kindId, obj);
    if (h === 'ok') c.ok++;
    else if (h === 'warn') {
      c.warn++;
      if (warn.length < 3 && kindId !== 'events') warn.push(obj.metadata.name);
    } else if (h === 'failed') {
      c.failed++;
      if (failed.length < 3) failed.push(obj.metadata.name);
    }
  }
  c.worst = [...failed, ...warn].slice(0, 3);
  return c;
}
