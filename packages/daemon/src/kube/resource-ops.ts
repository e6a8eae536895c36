import type { KubeConfig } from './kubeconfig.js';
import { kubeRequest } from './kube-http.js';
import { objectPath } from './mutations.js';
import type { ObjectRef } from './object-ref.js';
import type { KubeObject } from './types.js';

export function getObject(kc: KubeConfig, t: ObjectRef): Promise<KubeObject> {
  return kubeRequest<KubeObject>(kc, { path: objectPath(t) });
}

/** Events about one object, oldest first. */
export async function eventsFor(kc: KubeConfig, obj: KubeObject): Promise<KubeObject[]> {
  const ns = obj.metadata.namespace;
  const path = ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}/events` : '/api/v1/events';
  const body = await kubeRequest<{ items?: KubeObject[] }>(kc, { path, query: { fieldSelector: `involvedObject.uid=${obj.metadata.uid}` } });
  const when = (e: KubeObject): string => String((e as { lastTimestamp?: string; eventTime?: string }).lastTimestamp ?? (e as { eventTime?: string }).eventTime ?? e.metadata.creationTimestamp ?? '');
  return (body.items ?? []).sort((a, b) => (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0));
}
