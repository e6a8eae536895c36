import type { KubeConfig } from './kubeconfig.js';
import { KubeApiError } from './api-error.js';
import { collectionPath, kubeRequest } from './kube-http.js';
import { badObjectName, describeObject, type ObjectRef } from './object-ref.js';
import type { KubeObject } from './types.js';
import { isRecord } from '../util/is-record.js';

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
  await deleteHeld(kc, t, opts);
}

/**
 * The same, answering the finalizers that keep the object (marked deleted) until their controllers
 * remove them — none when it went. A force-delete (grace period 0) does not skip them: a Pod with one
 * stays Terminating, and "force-deleted" alone told the user it was gone.
 */
export async function deleteHeld(kc: KubeConfig, t: ObjectRef, opts: { force?: boolean } = {}): Promise<string[]> {
  if (opts.force && !canKill(t.kind)) throw new Error(`only Pods can be force-deleted (${t.kind} objects cannot)`);
  let answer: unknown;
  try {
    answer = await kubeRequest<unknown>(kc, {
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
  return heldBy(answer);
}

/** The finalizers of an object a DELETE answered with, still there and marked deleted (a Status: it went). */
function heldBy(answer: unknown): string[] {
  if (!isRecord(answer) || answer['kind'] === 'Status' || !isRecord(answer['metadata'])) return [];
  const m = answer['metadata'];
  if (!m['deletionTimestamp'] || !Array.isArray(m['finalizers'])) return [];
  return m['finalizers'].filter((f): f is string => typeof f === 'string' && f !== '').map((f) => (f.length > 100 ? `${f.slice(0, 100)}…` : f));
}

/** What a delete says when finalizers hold the object. */
export function heldMessage(t: ObjectRef, finalizers: readonly string[], force: boolean): string {
  const shown = `${finalizers.slice(0, 3).join(', ')}${finalizers.length > 3 ? ` and ${finalizers.length - 3} more` : ''}`;
  return `${describeObject(t)} is marked deleted but stays until its finalizer${finalizers.length === 1 ? '' : 's'} ${finalizers.length === 1 ? 'is' : 'are'} removed (${shown})${force ? ': a force-delete does not skip them' : ''}`;
}

const ATTEMPTS = 5;

/**
 * Whether a 409 is the API server's optimistic-concurrency refusal (the resourceVersion or uid sent is
 * not the object's now), which reading again answers. Any other 409 — an admission webhook's denial, an
 * aggregated server's own — is the server's answer, shown as it said it: it was taken for "someone
 * changed it", asked five more times and reported as "kept changing", its reason lost.
 */
const staleVersion = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409 && /has been modified|precondition/i.test(err.message);

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
      if (staleVersion(err) && attempt < ATTEMPTS) continue;
      if (staleVersion(err)) throw new Error(`${describeObject(t)} kept changing; nothing was ${what}, try again`);
      throw err;
    }
  }
}

/** Sets replicas through the scale subresource, as `kubectl scale` does, on exactly `t`. */
export async function scaleObject(kc: KubeConfig, t: ObjectRef, replicas: number): Promise<void> {
  if (!canScale(t.kind)) throw new Error(`${t.kind} cannot be scaled (Deployments, StatefulSets and ReplicaSets can)`);
  await guardedMergePatch(kc, t, `${objectPath(t)}/scale`, { spec: { replicas } }, 'scaled');
}

/**
 * `kubectl rollout restart`: stamps the pod template of exactly `t` so the controller rolls the pods.
 * A paused Deployment is refused, as kubectl refuses it: its controller rolls nothing until it is
 * resumed, so "restarted" would be untrue, and the stamp would start a rollout later, at the resume.
 * Answers what the user must know besides: a StatefulSet or DaemonSet whose update strategy is
 * OnDelete rolls nothing by itself (each pod takes the change when it is deleted), or null.
 */
export async function restartRollout(kc: KubeConfig, t: ObjectRef, now = new Date()): Promise<string | null> {
  if (!canRestart(t.kind)) throw new Error(`${t.kind} has no rollout to restart (Deployments, StatefulSets and DaemonSets do)`);
  let onDelete = false;
  await guardedPatchFrom(
    kc,
    t,
    objectPath(t),
    (current) => {
      if (t.kind === 'Deployment' && current.spec?.['paused'] === true) {
        throw new MutationRefused(`${describeObject(t)} is paused: its pods are not rolled until it is resumed (kubectl rollout resume); nothing was restarted`);
      }
      const strategy = current.spec?.['updateStrategy'];
      onDelete = t.kind !== 'Deployment' && isRecord(strategy) && strategy['type'] === 'OnDelete';
      return { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } } } };
    },
    'restarted',
  );
  return onDelete ? 'its update strategy is OnDelete: no pod is replaced until it is deleted (by hand), then it comes back with the new template' : null;
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
    if (staleVersion(err)) {
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
