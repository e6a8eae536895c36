import type { KubeConfig } from '../kube/kubeconfig.js';
import { KubeApiError } from '../kube/api-error.js';
import { kubeRequest } from '../kube/kube-http.js';
import { badObjectName } from '../kube/object-ref.js';
import { badNamespace } from '../kube/resource-ref.js';
import type { KubeObject } from '../kube/types.js';
import type { Backing, TargetKind } from './forward-types.js';
import { labelSelector, mapSelector, selectorQuery, type Selector } from './label-selector.js';
import { podUnusable, readyPods } from './pod-health.js';
import { containerPorts, namedPort, servicePorts, suggestPort, type DeclaredPort } from './pod-ports.js';

const COLLECTIONS: Record<TargetKind, string> = {
  pod: '/api/v1/namespaces/NS/pods',
  service: '/api/v1/namespaces/NS/services',
  deployment: '/apis/apps/v1/namespaces/NS/deployments',
  statefulset: '/apis/apps/v1/namespaces/NS/statefulsets',
  replicaset: '/apis/apps/v1/namespaces/NS/replicasets',
  daemonset: '/apis/apps/v1/namespaces/NS/daemonsets',
};

/**
 * Owner kinds whose selector a replaced pod is followed through (a Job's pods are not replaced for
 * serving; a StatefulSet's pod is followed by name, see resolveTarget).
 */
const FOLLOWED_OWNERS: Record<string, TargetKind> = { ReplicaSet: 'replicaset', DaemonSet: 'daemonset', Deployment: 'deployment' };

function objectPath(kind: TargetKind, namespace: string, name: string): string {
  const bad = badNamespace(namespace, 'namespace') ?? badObjectName(name, 'name');
  if (bad) throw new KubeApiError(bad, 0, 'Invalid');
  return `${COLLECTIONS[kind].replace('NS', encodeURIComponent(namespace))}/${encodeURIComponent(name)}`;
}

export function getTarget(kc: KubeConfig, kind: TargetKind, namespace: string, name: string): Promise<KubeObject> {
  return kubeRequest<KubeObject>(kc, { path: objectPath(kind, namespace, name) });
}

function checkObject(o: unknown, what: string): KubeObject {
  const m = (o as { metadata?: { name?: unknown; uid?: unknown } } | null)?.metadata;
  if (typeof m?.name !== 'string' || typeof m.uid !== 'string') throw new KubeApiError(`the API server sent ${what} without a name or uid`, 0);
  return o as KubeObject;
}

/** Pods in `namespace` that `sel` selects, fresh from the API server. */
export async function listPods(kc: KubeConfig, namespace: string, sel: Selector): Promise<KubeObject[]> {
  const body = await kubeRequest<{ items?: unknown[] }>(kc, { path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, query: { labelSelector: selectorQuery(sel) } });
  return (Array.isArray(body?.items) ? body.items : []).filter((p): p is KubeObject => typeof (p as KubeObject | null)?.metadata?.name === 'string' && typeof (p as KubeObject).metadata.uid === 'string');
}

/** The ports a remote port is suggested from: a pod's or template's container ports, a Service's ports. */
export function portsOf(kind: TargetKind, obj: KubeObject): DeclaredPort[] {
  if (kind === 'pod') return containerPorts(obj.spec);
  if (kind === 'service') return servicePorts(obj);
  const template = (obj.spec as { template?: { spec?: unknown } } | undefined)?.template?.spec;
  return containerPorts(template);
}

export const suggestRemotePort = (kind: TargetKind, obj: KubeObject): number => suggestPort(portsOf(kind, obj));

/** Where a forward's connections go, and the first pod they go to. */
export interface ResolvedTarget {
  backing: Backing;
  /** The port on the pods: a number, or a container port name (a Service's named targetPort) looked up per pod. */
  podPort: number | string;
  pod: KubeObject;
  /** `podPort` on `pod`. */
  port: number;
}

/** The selector of a workload or Service, or why there is none. */
function selectorOf(kind: TargetKind, obj: KubeObject, what: string): Selector {
  const sel = kind === 'service' ? mapSelector(obj.spec?.selector, what) : labelSelector(obj.spec?.selector, what);
  if (!sel) throw new KubeApiError(kind === 'service' ? `${what} has no selector (its endpoints are managed by hand); forward to a pod instead` : `${what} has no pod selector`, 0);
  return sel;
}

/** The port number `podPort` names on `pod`, or why there is none. */
export function portOn(pod: KubeObject, podPort: number | string): number | string {
  if (typeof podPort === 'number') return podPort;
  return namedPort(pod, podPort) ?? `pod ${pod.metadata.name} has no container port named '${podPort}'`;
}

/** A pod's controlling owner whose selector finds its replacement (a ReplicaSet's Deployment when there is one), or null. */
async function followedOwner(kc: KubeConfig, pod: KubeObject, namespace: string): Promise<{ owner: string; selector: Selector } | null> {
  const ref = pod.metadata.ownerReferences?.find((o) => o.controller);
  const kind = ref ? FOLLOWED_OWNERS[ref.kind] : undefined;
  if (!ref || !kind) return null;
  let owner = checkObject(await getTarget(kc, kind, namespace, ref.name), ref.kind);
  let ownerKind = kind;
  if (kind === 'replicaset') {
    const up = owner.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'Deployment');
    if (up) {
      try {
        owner = checkObject(await getTarget(kc, 'deployment', namespace, up.name), 'Deployment');
        ownerKind = 'deployment';
      } catch {
        /* the ReplicaSet's selector still finds its replacements */
      }
    }
  }
  const what = `${ownerKind}/${owner.metadata.name}`;
  return { owner: what, selector: selectorOf(ownerKind, owner, what) };
}

/**
 * Resolves what a forward asked for into where its connections go: a pod (followed through its
 * owner's selector when it has one, so a replaced pod is followed; a StatefulSet's pod by name),
 * a Service (its `port` mapped
 * to the pods' `targetPort`, named ports looked up on the pod) or a workload (a running pod its
 * selector picks; a ready one). Errors say what is wrong (gone, not running, no such port, 403…).
 */
export async function resolveTarget(kc: KubeConfig, kind: TargetKind, namespace: string, name: string, remotePort: number): Promise<ResolvedTarget> {
  const what = `${kind}/${name}`;
  const obj = checkObject(await getTarget(kc, kind, namespace, name), what);
  if (kind === 'pod') {
    const why = podUnusable(obj);
    if (why) throw new KubeApiError(why, 0);
    let backing: Backing = { kind: 'pod', name };
    // A StatefulSet's pods are not interchangeable (a primary and its replicas, shards): its pod is
    // followed by name, as the StatefulSet re-creates it, never through the selector to a sibling.
    const sts = obj.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'StatefulSet');
    if (sts) return { backing: { kind: 'pod', name, recreatedBy: `statefulset/${sts.name}` }, podPort: remotePort, pod: obj, port: remotePort };
    try {
      const owner = await followedOwner(kc, obj, namespace);
      // A DaemonSet runs one pod per node: the one asked for is replaced on its node, never by a sibling elsewhere.
      const node = (obj.spec as { nodeName?: unknown } | undefined)?.nodeName;
      const daemonSet = obj.metadata.ownerReferences?.some((o) => o.controller && o.kind === 'DaemonSet');
      if (owner && daemonSet && typeof node === 'string') backing = { kind: 'selector', ...owner, owner: `${owner.owner} on node ${node}`, node };
      else if (owner) backing = { kind: 'selector', ...owner };
    } catch {
      /* no owner to follow (403, gone): the forward stays on this pod */
    }
    return { backing, podPort: remotePort, pod: obj, port: remotePort };
  }
  let podPort: number | string = remotePort;
  if (kind === 'service') {
    const ports = servicePorts(obj);
    const sp = ports.find((p) => p.port === remotePort);
    if (!sp) {
      const list = ports.map((p) => (p.name ? `${p.port}/${p.name}` : String(p.port))).join(', ');
      throw new KubeApiError(`${what} has no port ${remotePort} (${list ? `its ports: ${list}` : 'it declares no ports'})`, 0);
    }
    podPort = sp.targetPort;
  }
  const selector = selectorOf(kind, obj, what);
  const pods = await listPods(kc, namespace, selector);
  const ranked = readyPods(pods);
  if (ranked.length === 0) throw new KubeApiError(`no ready pod behind ${what} (${pods.length} ${pods.length === 1 ? 'pod matches' : 'pods match'} its selector${pods.length ? ', none ready' : ''})`, 0);
  let lastWhy = '';
  for (const pod of ranked) {
    const port = portOn(pod, podPort);
    if (typeof port === 'number') return { backing: { kind: 'selector', owner: what, selector }, podPort, pod, port };
    lastWhy = port;
  }
  throw new KubeApiError(lastWhy, 0);
}
