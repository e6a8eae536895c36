import type { KubeConfig } from './kubeconfig.js';
import { guardedPatchFrom, MutationRefused, objectPath } from './mutations.js';
import { describeObject, type ObjectRef } from './object-ref.js';
import { badImage } from './ephemeral-debug.js';
import type { KubeObject } from './types.js';
import { isRecord } from '../util/is-record.js';
import { shownValue } from '../util/shown-value.js';

/**
 * `kubectl set image` (k9s's `i`) on exactly one object: one container's (or init container's)
 * image in a Pod, or in the pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet or
 * CronJob. The write is pinned to the version read (uid and resourceVersion), and refused when the
 * container no longer has the image the user was shown — someone else changed it meanwhile — so a
 * set image never undoes another one it did not see.
 */

/** Where each kind keeps its pod spec. */
const POD_SPEC_PATH: Record<string, readonly string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const canSetImage = (kind: string): boolean => POD_SPEC_PATH[kind] !== undefined;

export interface ContainerImage {
  name: string;
  image: string;
  init: boolean;
}

/** A container name as the API server takes it (a DNS-1123 label). */
const CONTAINER = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function badContainerName(name: unknown): string | null {
  if (typeof name === 'string' && CONTAINER.test(name)) return null;
  // What a script sent, cut: a list or map of megabytes came back whole in the error.
  return `${shownValue(name)} is not a container name`;
}

function podSpecOf(obj: KubeObject, kind: string): Record<string, unknown> | null {
  let cur: unknown = obj;
  for (const k of POD_SPEC_PATH[kind] ?? []) cur = isRecord(cur) ? cur[k] : undefined;
  return isRecord(cur) ? cur : null;
}

/** The containers, then the init containers, of `obj` (those with a usable name and image). */
export function containerImages(obj: KubeObject, kind: string): ContainerImage[] {
  const spec = podSpecOf(obj, kind);
  const out: ContainerImage[] = [];
  for (const [field, init] of [['containers', false], ['initContainers', true]] as const) {
    const list = spec && Array.isArray(spec[field]) ? (spec[field] as unknown[]) : [];
    for (const c of list) if (isRecord(c) && typeof c['name'] === 'string' && typeof c['image'] === 'string') out.push({ name: c['name'], image: c['image'], init });
  }
  return out;
}

/** Sets `container`'s image to `image` in exactly `t`, if it still has `expected` (the image the user saw); returns the image it replaced. */
export async function setImage(kc: KubeConfig, t: ObjectRef, container: string, image: string, expected?: string): Promise<string> {
  const kind = t.kind;
  if (!canSetImage(kind)) throw new Error(`${kind} has no containers whose image can be set (Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets and CronJobs do)`);
  const bad = badContainerName(container) ?? badImage(image);
  if (bad) throw new Error(bad);
  let was = '';
  await guardedPatchFrom(kc, t, objectPath(t), (current) => {
    const spec = podSpecOf(current, kind);
    const c = containerImages(current, kind).find((x) => x.name === container);
    if (!spec || !c) throw new MutationRefused(`${describeObject(t)} has no container ${container}; nothing was changed`);
    if (expected !== undefined && c.image !== expected) throw new MutationRefused(`the image of container ${container} in ${describeObject(t)} was changed to ${c.image} meanwhile; nothing was changed`);
    was = c.image;
    // A merge patch replaces a list whole: the list as read, with that one image changed (the resourceVersion pins it to what was read).
    const field = c.init ? 'initContainers' : 'containers';
    const list = (spec[field] as unknown[]).map((x) => (isRecord(x) && x['name'] === container ? { ...x, image } : x));
    let patch: Record<string, unknown> = { [field]: list };
    for (const k of [...(POD_SPEC_PATH[kind] ?? [])].reverse()) patch = { [k]: patch };
    return patch;
  }, 'changed');
  return was;
}
