import type { KubeConfig } from '../kube/kubeconfig.js';
import { KubeApiError } from '../kube/api-error.js';
import { kubeRequest } from '../kube/kube-http.js';
import type { KubeObject } from '../kube/types.js';
import type { Backing, ResolvedTarget, Resume, TargetKind } from './forward-types.js';
import { selectorQuery, type Selector } from '../kube/label-selector.js';
import { readyPods } from './pod-health.js';
import { containerPorts, namedPort, servicePorts, suggestPort, type DeclaredPort } from './pod-ports.js';
import { resolvePod } from './resolve-pod.js';
import { checkObject, getTarget, selectorOf } from './target-objects.js';

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

/**
 * The remote port a name stands for, as kubectl reads `8080:http`: a Service's port by its name, a
 * pod's (or a workload's pod template's) container port by its name; numbers are kept. An error
 * names the ports there are when none has that name.
 */
export function remotePortNamed(kind: TargetKind, obj: KubeObject, port: number | string): number {
  if (typeof port === 'number') return port;
  const ports = portsOf(kind, obj);
  const found = ports.find((p) => p.name === port);
  if (found) return found.port;
  const named = ports.filter((p) => p.name).map((p) => `${p.name} (${p.port})`);
  const where = kind === 'service' ? 'port' : 'container port';
  throw new Error(`${kind}/${obj.metadata?.name ?? '?'} has no ${where} named '${port}' (${named.length ? `its named ports: ${named.join(', ')}` : 'it names none of its ports'})`);
}

/** The port number `podPort` names on `pod`, or why there is none. */
export function portOn(pod: KubeObject, podPort: number | string): number | string {
  if (typeof podPort === 'number') return podPort;
  return namedPort(pod, podPort) ?? `pod ${pod.metadata.name} has no container port named '${podPort}'`;
}

/**
 * Resolves what a forward asked for into where its connections go: a pod (see resolvePod), a
 * Service (its `port` mapped to the pods' `targetPort`, named ports looked up on the pod) or a
 * workload (a ready pod its selector picks). Errors say what is wrong (gone, not running, no such
 * port, 403…). With `resume` (a forward restored after a restart) a target whose pods are down is
 * not an error: the forward starts without a pod and waits, as a running one does.
 */
export async function resolveTarget(kc: KubeConfig, kind: TargetKind, namespace: string, name: string, remotePort: number, resume: Resume | null = null): Promise<ResolvedTarget> {
  if (kind === 'pod') return resolvePod(kc, namespace, name, remotePort, resume);
  const what = `${kind}/${name}`;
  const obj = checkObject(await getTarget(kc, kind, namespace, name), what);
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
  const backing: Backing = { kind: 'selector', owner: what, selector };
  const pods = await listPods(kc, namespace, selector);
  const ranked = readyPods(pods);
  let why = `no ready pod behind ${what} (${pods.length} ${pods.length === 1 ? 'pod matches' : 'pods match'} its selector${pods.length ? ', none ready' : ''})`;
  for (const pod of ranked) {
    const port = portOn(pod, podPort);
    if (typeof port === 'number') return { backing, podPort, first: { pod, port } };
    why = port;
  }
  if (resume) return { backing, podPort, first: null };
  throw new KubeApiError(why, 0);
}
