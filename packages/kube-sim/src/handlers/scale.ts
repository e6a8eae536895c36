/** The /scale subresource of deployments, replicasets and statefulsets (autoscaling/v1 Scale). */
import type { ResourceType } from '../api/resource-types.js';
import { badRequest } from '../api/status.js';
import { formatSelector } from '../table/columns.js';
import { asNumber, getPath, type KubeObject } from '../types.js';

export function toScale(obj: KubeObject): KubeObject {
  const md = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: md.name, namespace: md.namespace, uid: md.uid, resourceVersion: md.resourceVersion, creationTimestamp: md.creationTimestamp },
    spec: { replicas: asNumber(getPath(obj, ['spec', 'replicas'])) ?? 0 },
    status: { replicas: asNumber(getPath(obj, ['status', 'replicas'])) ?? 0, selector: formatSelector(getPath(obj, ['spec', 'selector'])).replace('<none>', '') },
  };
}

/** Applies a Scale object's spec.replicas to its parent; returns the parent to store. */
export function applyScale(rt: ResourceType, parent: KubeObject, scale: unknown): KubeObject {
  const replicas = getPath(scale, ['spec', 'replicas']);
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw badRequest(`${rt.kind}.apps "${parent.metadata.name ?? ''}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const spec = (getPath(parent, ['spec']) ?? {}) as Record<string, unknown>;
  spec['replicas'] = replicas;
  (parent as Record<string, unknown>)['spec'] = spec;
  const rv = getPath(scale, ['metadata', 'resourceVersion']);
  if (typeof rv === 'string' && rv !== '') parent.metadata.resourceVersion = rv;
  return parent;
}
