import type { KubeConfig } from '../kube/kubeconfig.js';
import { KubeApiError } from '../kube/api-error.js';
import type { KubeObject } from '../kube/types.js';
import { controllerRef } from '../kube/owner-refs.js';
import type { Backing, PodOwner, ResolvedTarget, Resume } from './forward-types.js';
import type { Selector } from '../kube/label-selector.js';
import { podUnusable } from './pod-health.js';
import { checkObject, getTarget, isNotFound, selectorOf } from './target-objects.js';

/**
 * Owner kinds whose selector a replaced pod is followed through (a Job's pods are not replaced for
 * serving; a StatefulSet's pod is followed by name).
 */
const FOLLOWED_OWNERS: Record<string, 'replicaset' | 'daemonset' | 'deployment'> = { ReplicaSet: 'replicaset', DaemonSet: 'daemonset', Deployment: 'deployment' };

/** A pod's controlling owner whose selector finds its replacement (a ReplicaSet's Deployment when there is one), or null. */
async function followedOwner(kc: KubeConfig, pod: KubeObject, namespace: string): Promise<{ kind: PodOwner['kind']; obj: KubeObject } | null> {
  const ref = controllerRef(pod);
  const kind = ref ? FOLLOWED_OWNERS[ref.kind] : undefined;
  if (!ref || !kind) return null;
  const owner = checkObject(await getTarget(kc, kind, namespace, ref.name), ref.kind);
  if (kind === 'replicaset') {
    const up = controllerRef(owner, 'Deployment');
    if (up) {
      try {
        return { kind: 'deployment', obj: checkObject(await getTarget(kc, 'deployment', namespace, up.name), 'Deployment') };
      } catch {
        /* the ReplicaSet's selector still finds its replacements */
      }
    }
  }
  return { kind, obj: owner };
}

/** The backing that follows a pod through `owner` (whose selector is `selector`). */
function ownerBacking(owner: PodOwner, selector: Selector): Backing {
  const what = `${owner.kind}/${owner.name}`;
  // A DaemonSet runs one pod per node: the one asked for is replaced on its node, never by a sibling elsewhere.
  if (owner.node !== undefined) return { kind: 'selector', owner: `${what} on node ${owner.node}`, selector, node: owner.node };
  return { kind: 'selector', owner: what, selector };
}

/**
 * A forward to the pod `name` that exists: to it, followed by name when a StatefulSet runs it (its
 * pods are not interchangeable: a primary and its replicas, shards), else through its owner's
 * selector when it has one, so a replaced pod is followed. A pod that cannot take connections is an
 * error, unless `resume` (then the forward starts waiting for it).
 */
async function resolveExisting(kc: KubeConfig, pod: KubeObject, namespace: string, remotePort: number, resume: Resume | null): Promise<ResolvedTarget> {
  const name = pod.metadata.name;
  const why = podUnusable(pod);
  if (why && !resume) throw new KubeApiError(why, 0);
  const first = why ? null : { pod, port: remotePort };
  const sts = controllerRef(pod, 'StatefulSet');
  if (sts) return { backing: { kind: 'pod', name, recreatedBy: `statefulset/${sts.name}` }, podPort: remotePort, first, follows: { kind: 'statefulset', name: sts.name } };
  try {
    const owner = await followedOwner(kc, pod, namespace);
    if (owner) {
      const node = (pod.spec as { nodeName?: unknown } | undefined)?.nodeName;
      const follows: PodOwner = { kind: owner.kind, name: owner.obj.metadata.name, ...(owner.kind === 'daemonset' && typeof node === 'string' ? { node } : {}) };
      return { backing: ownerBacking(follows, selectorOf(owner.kind, owner.obj, `${owner.kind}/${follows.name}`)), podPort: remotePort, first, follows };
    }
  } catch {
    /* no owner to follow (403, gone): the forward stays on this pod */
  }
  return { backing: { kind: 'pod', name }, podPort: remotePort, first };
}

/**
 * A restored forward to the pod `name`, which is gone: it waits for `owner` to run it again (a
 * StatefulSet, by name) or for a pod of it to take over (on the same node for a DaemonSet). When
 * the owner is gone too, nothing will bring the pod back: an error that says so.
 */
async function resolveGone(kc: KubeConfig, name: string, namespace: string, remotePort: number, owner: PodOwner): Promise<ResolvedTarget> {
  const what = `${owner.kind}/${owner.name}`;
  let obj: KubeObject;
  try {
    obj = checkObject(await getTarget(kc, owner.kind, namespace, owner.name), what);
  } catch (err) {
    if (isNotFound(err)) throw new KubeApiError(`pod ${name} is gone, and ${what} that ran it no longer exists`, 404);
    throw err;
  }
  if (owner.kind === 'statefulset') return { backing: { kind: 'pod', name, recreatedBy: what }, podPort: remotePort, first: null, follows: owner };
  return { backing: ownerBacking(owner, selectorOf(owner.kind, obj, what)), podPort: remotePort, first: null, follows: owner };
}

/**
 * Where a forward to the pod `name` goes. Started by a user, the pod must run now. Resumed after a
 * restart, a pod that is down is waited for as a running forward waits: one that is gone through
 * the owner saved with the forward (`resume.follows`); a gone pod nothing will replace is an error.
 */
export async function resolvePod(kc: KubeConfig, namespace: string, name: string, remotePort: number, resume: Resume | null): Promise<ResolvedTarget> {
  let pod: KubeObject;
  try {
    pod = checkObject(await getTarget(kc, 'pod', namespace, name), `pod/${name}`);
  } catch (err) {
    if (resume?.follows && isNotFound(err)) return resolveGone(kc, name, namespace, remotePort, resume.follows);
    throw err;
  }
  return resolveExisting(kc, pod, namespace, remotePort, resume);
}
