import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest } from './kube-http.js';
import { collectionPath } from './kube-http.js';
import type { ResourceTarget } from '../panes/pane.js';
import type { KubeObject } from './types.js';

const objectPath = (t: ResourceTarget): string => `${collectionPath(t, t.namespace)}/${encodeURIComponent(t.name)}`;

export function getObject(kc: KubeConfig, t: ResourceTarget): Promise<KubeObject> {
  return kubeRequest<KubeObject>(kc, { path: objectPath(t) });
}

export async function deleteObject(kc: KubeConfig, t: ResourceTarget): Promise<void> {
  await kubeRequest(kc, { method: 'DELETE', path: objectPath(t), body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
}

const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** Sets replicas through the scale subresource, as `kubectl scale` does. */
export async function scaleObject(kc: KubeConfig, t: ResourceTarget, replicas: number): Promise<void> {
  if (!SCALABLE.has(t.kind)) throw new Error(`${t.kind} cannot be scaled (Deployments, StatefulSets and ReplicaSets can)`);
  await kubeRequest(kc, {
    method: 'PATCH',
    path: `${objectPath(t)}/scale`,
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas } },
  });
}

const RESTARTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** `kubectl rollout restart`: stamps the pod template so the controller rolls the pods. */
export async function restartRollout(kc: KubeConfig, t: ResourceTarget, now = new Date()): Promise<void> {
  if (!RESTARTABLE.has(t.kind)) throw new Error(`${t.kind} has no rollout to restart (Deployments, StatefulSets and DaemonSets do)`);
  await kubeRequest(kc, {
    method: 'PATCH',
    path: objectPath(t),
    contentType: 'application/merge-patch+json',
    body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } } } },
  });
}

/** Events about one object, oldest first. */
export async function eventsFor(kc: KubeConfig, obj: KubeObject): Promise<KubeObject[]> {
  const ns = obj.metadata.namespace;
  const path = ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}/events` : '/api/v1/events';
  const body = await kubeRequest<{ items?: KubeObject[] }>(kc, { path, query: { fieldSelector: `involvedObject.uid=${obj.metadata.uid}` } });
  const when = (e: KubeObject): string => String((e as { lastTimestamp?: string; eventTime?: string }).lastTimestamp ?? (e as { eventTime?: string }).eventTime ?? e.metadata.creationTimestamp ?? '');
  return (body.items ?? []).sort((a, b) => (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0));
}
