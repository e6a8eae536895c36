/**
 * The pods/ephemeralcontainers subresource (Kubernetes 1.23+, `kubectl debug`): a patch or update may only add
 * ephemeral containers to a pod's spec; the sim's "kubelet" starts each new one at once (running, so exec and
 * attach reach it). With `ephemeralContainers: false` in the sim's config the subresource is not served (404),
 * like an API server before 1.23 without the feature gate.
 */
import { badRequest, invalid, pathNotFound } from '../api/status.js';
import type { ResourceType } from '../api/resource-types.js';
import { rfc3339 } from '../store/object-store.js';
import { parseStored } from '../store/stored-object.js';
import { asArray, isRecord, type KubeObject } from '../types.js';
import type { HandlerContext } from './context.js';

type Rec = Record<string, unknown>;

export function ephemeralServed(ctx: HandlerContext): void {
  if (!ctx.config.ephemeralContainers) throw pathNotFound();
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Applies the ephemeral containers of `next` (the pod after the client's patch or its PUT body) to the stored pod. */
export function updateEphemeralContainers(ctx: HandlerContext, rt: ResourceType, namespace: string, name: string, next: KubeObject, resourceVersion: string | undefined): KubeObject {
  ephemeralServed(ctx);
  const cur = parseStored(ctx.store.require(rt, namespace, name));
  const spec = (isRecord(cur['spec']) ? cur['spec'] : {}) as Rec;
  const before = asArray(spec['ephemeralContainers']).filter(isRecord);
  const after = asArray(isRecord(next['spec']) ? (next['spec'] as Rec)['ephemeralContainers'] : undefined);
  const taken = new Set([...asArray(spec['containers']), ...asArray(spec['initContainers'])].filter(isRecord).map((c) => String(c['name'])));
  const causes: Array<{ field: string; message: string; reason: string }> = [];
  for (const old of before) {
    const same = after.find((c) => isRecord(c) && c['name'] === old['name']);
    if (!same || JSON.stringify(same) !== JSON.stringify(old)) {
      causes.push({ field: 'spec.ephemeralContainers', reason: 'FieldValueForbidden', message: `Forbidden: existing ephemeral containers "${String(old['name'])}" may not be changed` });
    }
  }
  const added: Rec[] = [];
  const seen = new Set<string>();
  after.forEach((c, i) => {
    if (!isRecord(c)) {
      causes.push({ field: `spec.ephemeralContainers[${i}]`, reason: 'FieldValueInvalid', message: 'Invalid value: not an object' });
      return;
    }
    const n = c['name'];
    if (typeof n === 'string' && seen.has(n)) {
      causes.push({ field: `spec.ephemeralContainers[${i}].name`, reason: 'FieldValueDuplicate', message: `Duplicate value: "${n}"` });
      return;
    }
    if (typeof n === 'string') seen.add(n);
    if (before.some((o) => o['name'] === n)) return;
    if (typeof n !== 'string' || !NAME.test(n) || n.length > 63) causes.push({ field: `spec.ephemeralContainers[${i}].name`, reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(n)}: a lowercase RFC 1123 label` });
    else if (taken.has(n)) causes.push({ field: `spec.ephemeralContainers[${i}].name`, reason: 'FieldValueDuplicate', message: `Duplicate value: "${n}"` });
    if (typeof c['image'] !== 'string' || c['image'] === '') causes.push({ field: `spec.ephemeralContainers[${i}].image`, reason: 'FieldValueRequired', message: 'Required value' });
    if (c['ports'] !== undefined || c['livenessProbe'] !== undefined || c['readinessProbe'] !== undefined) {
      causes.push({ field: `spec.ephemeralContainers[${i}]`, reason: 'FieldValueForbidden', message: 'Forbidden: ports and probes are not allowed for ephemeral containers' });
    }
    if (typeof n === 'string') taken.add(n);
    added.push(c);
  });
  if (causes.length > 0) throw invalid('Pod', name, causes);
  if (added.length === 0 && after.length === before.length) return cur;
  if (resourceVersion) cur.metadata.resourceVersion = resourceVersion;
  spec['ephemeralContainers'] = after;
  cur['spec'] = spec;
  const status = (isRecord(cur['status']) ? cur['status'] : {}) as Rec;
  const statuses = asArray(status['ephemeralContainerStatuses']).filter(isRecord);
  const now = rfc3339(ctx.store.now());
  const running = status['phase'] === 'Running';
  for (const c of added) {
    statuses.push({
      name: c['name'],
      image: c['image'],
      imageID: '',
      ready: false,
      restartCount: 0,
      state: running ? { running: { startedAt: now } } : { waiting: { reason: 'PodInitializing' } },
      lastState: {},
    });
  }
  status['ephemeralContainerStatuses'] = statuses;
  cur['status'] = status;
  return parseStored(ctx.store.update(rt, cur));
}

export function requireObjectPatch(patched: unknown): KubeObject {
  if (!isRecord(patched)) throw badRequest('the patch produced something that is not an object');
  return patched as KubeObject;
}
