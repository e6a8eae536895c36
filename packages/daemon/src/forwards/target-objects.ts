import type { KubeConfig } from '../kube/kubeconfig.js';
import { KubeApiError } from '../kube/api-error.js';
import { kubeRequest } from '../kube/kube-http.js';
import { badObjectName } from '../kube/object-ref.js';
import { badNamespace } from '../kube/resource-ref.js';
import type { KubeObject } from '../kube/types.js';
import type { TargetKind } from './forward-types.js';
import { labelSelector, mapSelector, type Selector } from '../kube/label-selector.js';

const COLLECTIONS: Record<TargetKind, string> = {
  pod: '/api/v1/namespaces/NS/pods',
  service: '/api/v1/namespaces/NS/services',
  deployment: '/apis/apps/v1/namespaces/NS/deployments',
  statefulset: '/apis/apps/v1/namespaces/NS/statefulsets',
  replicaset: '/apis/apps/v1/namespaces/NS/replicasets',
  daemonset: '/apis/apps/v1/namespaces/NS/daemonsets',
};

function objectPath(kind: TargetKind, namespace: string, name: string): string {
  const bad = badNamespace(namespace, 'namespace') ?? badObjectName(name, 'name');
  if (bad) throw new KubeApiError(bad, 0, 'Invalid');
  return `${COLLECTIONS[kind].replace('NS', encodeURIComponent(namespace))}/${encodeURIComponent(name)}`;
}

/** A pod, Service or workload a forward names, fresh from the API server. */
export function getTarget(kc: KubeConfig, kind: TargetKind, namespace: string, name: string, signal?: AbortSignal): Promise<KubeObject> {
  return kubeRequest<KubeObject>(kc, { path: objectPath(kind, namespace, name), ...(signal ? { signal } : {}) });
}

/** `o` as an object with a name and uid, or an error saying the API server sent `what` without them. */
export function checkObject(o: unknown, what: string): KubeObject {
  const m = (o as { metadata?: { name?: unknown; uid?: unknown } } | null)?.metadata;
  if (typeof m?.name !== 'string' || typeof m.uid !== 'string') throw new KubeApiError(`the API server sent ${what} without a name or uid`, 0);
  return o as KubeObject;
}

/** True when the API server said the object does not exist (404). */
export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.status === 404;

/** The selector of a workload or Service, or why there is none. */
export function selectorOf(kind: TargetKind, obj: KubeObject, what: string): Selector {
  const sel = kind === 'service' ? mapSelector(obj.spec?.selector, what) : labelSelector(obj.spec?.selector, what);
  if (!sel) throw new KubeApiError(kind === 'service' ? `${what} has no selector (its endpoints are managed by hand); forward to a pod instead` : `${what} has no pod selector`, 0);
  return sel;
}
