/** Root kinds xray draws, with the kinds below them (all watched through the shared informers). */
export const XRAY_ROOTS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['deployments', 'replicasets', 'pods'],
  StatefulSet: ['statefulsets', 'pods'],
  DaemonSet: ['daemonsets', 'pods'],
  ReplicaSet: ['replicasets', 'pods'],
  CronJob: ['cronjobs', 'jobs', 'pods'],
  Job: ['jobs', 'pods'],
  Pod: ['pods'],
};

/** The API groups of those kinds (a custom resource also named `Job` is not one of them). */
const GROUPS = new Set(['', 'apps', 'batch']);

export const XRAY_KINDS_TEXT = 'Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods';

/** Whether xray draws objects of `kind` in `group`. */
export const xrayDraws = (kind: string, group: string): boolean => GROUPS.has(group) && Object.hasOwn(XRAY_ROOTS, kind);
