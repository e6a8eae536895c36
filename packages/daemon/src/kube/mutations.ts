import type { KubeConfig } from './kubeconfig.js';
import { KubeApiError } from './api-error.js';
import { collectionPath, kubeRequest } from './kube-http.js';
import { badObjectName, describeObject, type ObjectRef } from './object-ref.js';
import type { KubeObject } from './types.js';

/**
 * A mutation refused because the object it was meant for is not the one the server has: gone,
 * or replaced by another object of the same name. Nothing was changed.
 */
export class MutationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MutationRefused';
  }
}

/** Which kinds each mutation applies to (by Kind). Others are refused before any dialog. */
const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);
const RESTARTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export const canScale = (kind: string): boolean => SCALABLE.has(kind);
/** Cordon and uncordon (`kubectl cordon`): Nodes only. */
export const canCordon = (kind: string): boolean => kind === 'Node';
export const canRestart = (kind: string): boolean => RESTARTABLE.has(kind);
/** Force-delete (k9s's kill, `kubectl delete --force --grace-period=0`): Pods only. */
export const canKill = (kind: string): boolean => kind === 'Pod';
/** Suspend and resume (`kubectl patch cronjob … spec.suspend`): CronJobs only. */
export const canSuspend = (kind: string): boolean => kind === 'CronJob';

/** Kinds whose deletion takes everything in or on them with it: the user types the name to confirm. */
export const deleteNeedsTypedName = (kind: string): boolean => kind === 'Namespace' || kind === 'Node';

/**
 * The REST path of one object. Throws on a name that is not a path segment (`..` named the
 * collection's parent — `pods/..` is the Namespace — to anything that cleans paths: a proxy, kube-sim,
 * an API server behind one): an object listed by a hostile or broken server, or named by a script.
 */
export function objectPath(t: ObjectRef): string {
  const bad = badObjectName(t.name);
  if (bad) throw new KubeApiError(`refusing to build a request: ${bad}`, 0, 'Invalid');
  return `${collectionPath(t, t.namespace)}/${encodeURIComponent(t.name)}`;
}

const gone = (t: ObjectRef, what: string): MutationRefused => new MutationRefused(`${describeObject(t)} no longer exists; nothing was ${what}`);
const replaced = (t: ObjectRef, what: string): MutationRefused =>
  new MutationRefused(`${describeObject(t)} was replaced by another object of the same name since it was chosen; nothing was ${what}`);

/**
 * Deletes exactly the object `t` names: with its uid as a precondition (the API server refuses
 * a different object of the same name with 409), as `kubectl delete` with `--preconditions`.
 */
export async function deleteObject(kc: KubeConfig, t: ObjectRef, opts: { force?: boolean } = {}): Promise<void> {
  if (opts.force && !canKill(t.kind)) throw new Error(`only Pods can be force-deleted (${t.kind} objects cannot)`);
  try {
    await kubeRequest(kc, {
      method: 'DELETE',
      path: objectPath(t),
      body: {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: 'Background',
        // `kubectl delete --force --grace-period=0`: gone from the API now, containers stopped later.
        ...(opts.force ? { gracePeriodSeconds: 0 } : {}),
        ...(t.uid ? { preconditions: { uid: t.uid } } : {}),
      },
    });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) throw gone(t, 'deleted');
    if (err instanceof KubeApiError && err.status === 409 && /precondition/i.test(err.message)) throw replaced(t, 'deleted');
    throw err;
  }
}

const ATTEMPTS = 5;

/**
 * Read, check, write: reads `path`, refuses when its uid is not `t.uid`, then sends a merge patch
 * carrying the resourceVersion it read, so the server applies it only to that very version (409
 * otherwise, and we read again). The uid cannot change under a resourceVersion, so the patch lands
 * on the object the user chose or nowhere.
 */
export function guardedMergePatch(kc: KubeConfig, t: ObjectRef, path: string, patch: Record<string, unknown>, what: string): Promise<void> {
  return guardedPatchFrom(kc, t, path, () => patch, what);
}

/**
 * The same, with the patch made from the object as read (`patchFor` may throw to refuse it: the
 * object is not what the user was shown); on a conflict the object is read again and so is the patch.
 */
export async function guardedPatchFrom(kc: KubeConfig, t: ObjectRef, path: string, patchFor: (current: KubeObject) => Record<string, unknown>, what: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let current: KubeObject;
    try {
      current = await kubeRequest<KubeObject>(kc, { path });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) throw gone(t, what);
      throw err;
    }
    const uid = current?.metadata?.uid;
    const rv = current?.metadata?.resourceVersion;
    if (t.uid && uid !== t.uid) throw replaced(t, what);
    if (typeof rv !== 'string' || rv === '') throw new Error(`${describeObject(t)}: the API server sent no resourceVersion; nothing was ${what}`);
    const patch = patchFor(current);
    try {
      await kubeRequest(kc, {
        method: 'PATCH',
        path,
        contentType: 'application/merge-patch+json',
        body: { ...patch, metadata: { ...(patch.metadata as Record<string, unknown> | undefined), resourceVersion: rv } },
      });
      return;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) throw gone(t, what);
      if (err instanceof KubeApiError && err.status === 409 && attempt < ATTEMPTS) continue;
      if (err instanceof KubeApiError && err.status === 409) throw new Error(`${describeObject(t)} kept changing; nothing was ${what}, try again`);
      throw err;
    }
  }
}

/** Sets replicas through the scale subresource, as `kubectl scale` does, on exactly `t`. */
export async function scaleObject(kc: KubeConfig, t: ObjectRef, replicas: number): Promise<void> {
  if (!canScale(t.kind)) throw new Error(`${t.kind} cannot be scaled (Deployments, StatefulSets and ReplicaSets can)`);
  await guardedMergePatch(kc, t, `${objectPath(t)}/scale`, { spec: { replicas } }, 'scaled');
}

/** `kubectl rollout restart`: stamps the pod template of exactly `t` so the controller rolls the pods. */
export async function restartRollout(kc: KubeConfig, t: ObjectRef, now = new Date()): Promise<void> {
  if (!canRestart(t.kind)) throw new Error(`${t.kind} has no rollout to restart (Deployments, StatefulSets and DaemonSets do)`);
  await guardedMergePatch(
    kc,
    t,
    objectPath(t),
    { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } } } },
    'restarted',
  );
}

/** Why the API server refused a replaced object in a way the user can fix in the text (invalid fields, a bad request). */
export class ReplaceInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplaceInvalid';
  }
}

/**
 * Writes `obj` over exactly the version of `t` it was made from (`kubectl edit`, `kubectl replace`):
 * the object's own uid and resourceVersion go with it (put back when the text left them out), so
 * the server refuses it (409) if the object changed or was re-created since. Returns what the
 * server stored.
 */
export async function replaceObject(kc: KubeConfig, t: ObjectRef, obj: KubeObject, from: { uid: string; resourceVersion: string }): Promise<KubeObject> {
  const body: KubeObject = { ...obj, metadata: { ...obj.metadata, uid: from.uid, resourceVersion: from.resourceVersion } };
  try {
    return await kubeRequest<KubeObject>(kc, { method: 'PUT', path: objectPath(t), body });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) throw gone(t, 'changed');
    if (err instanceof KubeApiError && err.status === 409) {
      throw new MutationRefused(`${describeObject(t)} was changed by someone else since the editor opened (resourceVersion ${from.resourceVersion}); nothing was changed`);
    }
    if (err instanceof KubeApiError && (err.status === 422 || err.status === 400)) throw new ReplaceInvalid(err.message);
    throw err;
  }
}

/**
 * `kubectl cordon` / `uncordon` on exactly the Node `t`: spec.unschedulable set (new pods are not
 * scheduled there; those running stay) or removed.
 */
export async function cordonNode(kc: KubeConfig, t: ObjectRef, cordon: boolean): Promise<void> {
  if (!canCordon(t.kind)) throw new Error(`${t.kind} objects cannot be cordoned (Nodes can)`);
  await guardedMergePatch(kc, t, objectPath(t), { spec: { unschedulable: cordon ? true : null } }, cordon ? 'cordoned' : 'uncordoned');
}

/** Suspends (no Jobs are scheduled; running ones go on) or resumes exactly the CronJob `t`. */
export async function suspendCronJob(kc: KubeConfig, t: ObjectRef, suspend: boolean): Promise<void> {
  if (!canSuspend(t.kind)) throw new Error(`only CronJobs can be ${suspend ? 'suspended' : 'resumed'} (${t.kind} objects cannot)`);
  await guardedMergePatch(kc, t, objectPath(t), { spec: { suspend } }, suspend ? 'suspended' : 'resumed');
}
