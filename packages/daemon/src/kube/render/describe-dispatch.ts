import { str } from '../kinds/json.js';
import type { KindDef } from '../kinds/types.js';
import type { KubeObject } from '../types.js';
import { describeConfigMap, describeSecret } from './describe-config.js';
import { describeNamespace, describeNode, describePersistentVolume, describePersistentVolumeClaim } from './describe-cluster.js';
import { describeIngress, describeService } from './describe-network.js';
import { describePod } from './describe-pod.js';
import { describeCronJob, describeDaemonSet, describeDeployment, describeJob, describeStatefulSet } from './describe-workloads.js';
import type { DescribeWriter } from './describe-writer.js';

type Describer = (w: DescribeWriter, o: KubeObject, now: number) => void;

/** Describers by `group/Kind` (core group empty), so a CRD that happens to be called `Service` is not mistaken. */
const DESCRIBERS: Record<string, Describer> = {
  '/Pod': describePod,
  'apps/Deployment': describeDeployment,
  'apps/StatefulSet': describeStatefulSet,
  'apps/DaemonSet': describeDaemonSet,
  'batch/Job': describeJob,
  'batch/CronJob': describeCronJob,
  '/Service': describeService,
  'networking.k8s.io/Ingress': describeIngress,
  '/ConfigMap': describeConfigMap,
  '/Secret': describeSecret,
  '/Node': describeNode,
  '/Namespace': describeNamespace,
  '/PersistentVolume': describePersistentVolume,
  '/PersistentVolumeClaim': describePersistentVolumeClaim,
};

/** The API group of an object: from its KindDef, else from `apiVersion` (`apps/v1` → `apps`, `v1` → ''). */
export function groupOf(o: KubeObject, kind: KindDef | undefined): string {
  if (kind) return kind.group;
  const av = str(o.apiVersion);
  const slash = av.indexOf('/');
  return slash < 0 ? '' : av.slice(0, slash);
}

/** Runs the dedicated describer for the object's kind; false when there is none. */
export function describeKnown(w: DescribeWriter, o: KubeObject, kind: KindDef | undefined, now: number): boolean {
  const k = kind?.kind || str(o.kind);
  const d = DESCRIBERS[`${groupOf(o, kind)}/${k}`];
  if (!d) return false;
  d(w, o, now);
  return true;
}
