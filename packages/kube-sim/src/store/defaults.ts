/** Server-side defaulting on create, enough for objects to look like a real apiserver's. */
import type { ResourceType } from '../api/resource-types.js';
import { asArray, asRecord, getPath, isRecord, type KubeObject } from '../types.js';

export interface DefaultingContext {
  /** Allocates a service cluster IP. */
  allocateClusterIP(): string;
}

function setDefault(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (obj[key] === undefined) obj[key] = value;
}

function ensureRecord(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = obj[key];
  if (isRecord(v)) return v;
  const r: Record<string, unknown> = {};
  obj[key] = r;
  return r;
}

function defaultPodSpec(spec: Record<string, unknown>): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  if (spec['serviceAccountName'] === undefined) spec['serviceAccountName'] = spec['serviceAccount'] ?? 'default';
  for (const c of asArray(spec['containers'])) {
    if (!isRecord(c)) continue;
    setDefault(c, 'imagePullPolicy', typeof c['image'] === 'string' && c['image'].endsWith(':latest') ? 'Always' : 'IfNotPresent');
    setDefault(c, 'terminationMessagePath', '/dev/termination-log');
    setDefault(c, 'terminationMessagePolicy', 'File');
    setDefault(c, 'resources', {});
    for (const p of asArray(c['ports'])) if (isRecord(p)) setDefault(p, 'protocol', 'TCP');
  }
}

export function applyCreateDefaults(rt: ResourceType, obj: KubeObject, ctx: DefaultingContext): void {
  const o = obj as Record<string, unknown>;
  if (rt.group === '') {
    switch (rt.plural) {
      case 'pods': {
        defaultPodSpec(ensureRecord(o, 'spec'));
        const status = ensureRecord(o, 'status');
        setDefault(status, 'phase', 'Pending');
        setDefault(status, 'qosClass', 'BestEffort');
        return;
      }
      case 'namespaces': {
        const spec = ensureRecord(o, 'spec');
        setDefault(spec, 'finalizers', ['kubernetes']);
        const status = ensureRecord(o, 'status');
        setDefault(status, 'phase', 'Active');
        const labels = (obj.metadata.labels ??= {});
        labels['kubernetes.io/metadata.name'] = obj.metadata.name ?? '';
        return;
      }
      case 'services': {
        const spec = ensureRecord(o, 'spec');
        setDefault(spec, 'type', 'ClusterIP');
        setDefault(spec, 'sessionAffinity', 'None');
        if (spec['clusterIP'] === undefined) {
          const ip = ctx.allocateClusterIP();
          spec['clusterIP'] = ip;
          spec['clusterIPs'] = [ip];
        }
        setDefault(spec, 'ipFamilies', ['IPv4']);
        setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
        for (const p of asArray(spec['ports'])) {
          if (!isRecord(p)) continue;
          setDefault(p, 'protocol', 'TCP');
          setDefault(p, 'targetPort', p['port']);
        }
        setDefault(o, 'status', { loadBalancer: {} });
        return;
      }
      case 'secrets':
        setDefault(o, 'type', 'Opaque');
        return;
      case 'persistentvolumeclaims':
        setDefault(o, 'status', { phase: 'Pending' });
        return;
      case 'persistentvolumes':
        setDefault(o, 'status', { phase: 'Available' });
        return;
      default:
        return;
    }
  }
  if (rt.group === 'apps' && (rt.plural === 'deployments' || rt.plural === 'replicasets' || rt.plural === 'statefulsets')) {
    const spec = ensureRecord(o, 'spec');
    setDefault(spec, 'replicas', 1);
    if (rt.plural === 'deployments') {
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      setDefault(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    }
    const tpl = asRecord(spec['template']);
    if (isRecord(tpl['spec'])) defaultPodSpec(tpl['spec']);
    setDefault(o, 'status', {});
    return;
  }
  if (rt.group === 'batch' && rt.plural === 'jobs') {
    const spec = ensureRecord(o, 'spec');
    setDefault(spec, 'completions', 1);
    setDefault(spec, 'parallelism', 1);
    setDefault(spec, 'backoffLimit', 6);
    const tpl = asRecord(spec['template']);
    if (isRecord(tpl['spec'])) defaultPodSpec(tpl['spec']);
    setDefault(o, 'status', {});
    return;
  }
  if (rt.group === 'batch' && rt.plural === 'cronjobs') {
    const spec = ensureRecord(o, 'spec');
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'concurrencyPolicy', 'Allow');
    setDefault(spec, 'successfulJobsHistoryLimit', 3);
    setDefault(spec, 'failedJobsHistoryLimit', 1);
    setDefault(o, 'status', {});
    return;
  }
  if (rt.group === 'apiextensions.k8s.io' && rt.plural === 'customresourcedefinitions') {
    const names = asRecord(getPath(o, ['spec', 'names']));
    o['status'] = {
      acceptedNames: names,
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: obj.metadata.creationTimestamp },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: obj.metadata.creationTimestamp },
      ],
      storedVersions: asArray(getPath(o, ['spec', 'versions'])).filter((v) => getPath(v, ['storage']) === true).map((v) => getPath(v, ['name'])),
    };
  }
}
