/** POST, PUT, PATCH and DELETE on resources and their status/scale subresources (checklist B3). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersionOf, type ResourceType } from '../api/resource-types.js';
import { apiError, badRequest, conflictBecause, methodNotAllowed, successStatus } from '../api/status.js';
import type { OutputFormat } from '../http/accept.js';
import { asKubeObject, readBody, readJson } from '../http/body.js';
import { optionalQueryBool } from '../http/query.js';
import { sendJson } from '../http/respond.js';
import type { ResourceTarget } from '../http/router.js';
import { applyPatch, patchTypeOf } from '../store/patch.js';
import type { Propagation } from '../store/object-store.js';
import { parseStored, type StoredObject } from '../store/stored-object.js';
import { asNumber, asString, getPath, isRecord, type KubeObject } from '../types.js';
import { matches } from '../watch/filter.js';
import type { HandlerContext } from './context.js';
import { sendObject } from './object-output.js';
import { applyScale, toScale } from './scale.js';
import { requireObjectPatch, updateEphemeralContainers } from './ephemeral.js';
import { parseSelection } from './selection.js';

function isDryRun(q: URLSearchParams): boolean {
  const v = q.getAll('dryRun');
  if (v.some((x) => x !== 'All' && x !== '')) throw badRequest(`Unsupported value for dryRun: ${v.join(',')}`);
  return v.includes('All');
}

function checkKind(rt: ResourceType, obj: KubeObject): void {
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(rt)) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(rt)})`);
  }
  if (obj.kind !== undefined && obj.kind !== rt.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${rt.kind})`);
  }
}

function checkNamespace(target: ResourceTarget, obj: KubeObject): void {
  if (!target.rt.namespaced) return;
  const ns = obj.metadata.namespace;
  if (ns !== undefined && ns !== '' && target.namespace !== undefined && ns !== target.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (target.namespace !== undefined) obj.metadata.namespace = target.namespace;
}

export async function handleCreate(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, target: ResourceTarget, q: URLSearchParams, format: OutputFormat): Promise<void> {
  if (target.name !== undefined) throw methodNotAllowed();
  if (target.rt.namespaced && target.namespace === undefined) throw methodNotAllowed();
  const obj = asKubeObject(await readJson(req));
  checkKind(target.rt, obj);
  checkNamespace(target, obj);
  const rec = ctx.store.create(target.rt, obj, { dryRun: isDryRun(q) });
  sendObject(res, 201, target.rt, rec, format, q, ctx.store.now());
}

function parent(ctx: HandlerContext, target: ResourceTarget): StoredObject {
  return ctx.store.require(target.rt, target.namespace ?? '', target.name ?? '');
}

export async function handleUpdate(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, target: ResourceTarget, q: URLSearchParams, format: OutputFormat): Promise<void> {
  const body = asKubeObject(await readJson(req));
  const dryRun = isDryRun(q);
  const rt = target.rt;
  if (target.subresource === 'scale') {
    const cur = parseStored(parent(ctx, target));
    const next = applyScale(rt, cur, body);
    const rec = ctx.store.update(rt, next, { dryRun });
    sendJson(res, 200, toScale(parseStored(rec)));
    return;
  }
  if (target.subresource === 'ephemeralcontainers') {
    const pod = updateEphemeralContainers(ctx, rt, target.namespace ?? '', target.name ?? '', body, body.metadata.resourceVersion);
    sendJson(res, 200, pod);
    return;
  }
  checkKind(rt, body);
  checkNamespace(target, body);
  if (body.metadata.name !== undefined && body.metadata.name !== target.name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${target.name ?? ''})`);
  }
  body.metadata.name = target.name;
  const statusOnly = target.subresource === 'status';
  if (statusOnly || target.subresource === 'finalize') {
    // The status subresource keeps everything but status (finalize: spec.finalizers).
    const cur = parseStored(parent(ctx, target));
    if (body.metadata.resourceVersion) cur.metadata.resourceVersion = body.metadata.resourceVersion;
    if (statusOnly) (cur as Record<string, unknown>)['status'] = body['status'];
    else (cur as Record<string, unknown>)['spec'] = body['spec'];
    const rec = ctx.store.update(rt, cur, { dryRun });
    sendObject(res, 200, rt, rec, format, q, ctx.store.now());
    return;
  }
  const rec = ctx.store.update(rt, body, { dryRun });
  sendObject(res, 200, rt, rec, format, q, ctx.store.now());
}

export async function handlePatch(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, target: ResourceTarget, q: URLSearchParams, format: OutputFormat): Promise<void> {
  const type = patchTypeOf(req.headers['content-type']);
  if (!type) {
    throw apiError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
  }
  const raw = await readBody(req);
  let patch: unknown;
  try {
    patch = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    if (type === 'apply') throw apiError('UnsupportedMediaType', 'kube-sim accepts server-side apply bodies only as JSON');
    throw badRequest(`the server rejected our request due to an error in our request: ${err instanceof Error ? err.message : String(err)}`);
  }
  const dryRun = isDryRun(q);
  const rt = target.rt;
  const cur = parseStored(parent(ctx, target));
  if (target.subresource === 'scale') {
    const scale = applyPatch(type, toScale(cur), patch);
    const next = applyScale(rt, cur, scale);
    const rec = ctx.store.update(rt, next, { dryRun });
    sendJson(res, 200, toScale(parseStored(rec)));
    return;
  }
  if (target.subresource === 'ephemeralcontainers') {
    const next = requireObjectPatch(applyPatch(type, cur, patch));
    const pod = updateEphemeralContainers(ctx, rt, target.namespace ?? '', target.name ?? '', next, next.metadata?.resourceVersion);
    sendJson(res, 200, pod);
    return;
  }
  const patched = applyPatch(type, cur, patch);
  if (!isRecord(patched)) throw badRequest('the patch produced something that is not an object');
  const next = asKubeObject(patched);
  if (next.metadata.name !== target.name) throw badRequest('metadata.name cannot be changed by a patch');
  if (rt.namespaced && next.metadata.namespace !== target.namespace) throw badRequest('metadata.namespace cannot be changed by a patch');
  const rec = target.subresource === 'status' ? ctx.store.update(rt, next, { dryRun, statusOnly: true }) : ctx.store.update(rt, next, { dryRun });
  sendObject(res, 200, rt, rec, format, q, ctx.store.now());
}

export interface DeleteParams {
  gracePeriodSeconds: number | undefined;
  propagation: Propagation | undefined;
  preconditionUid: string | undefined;
  preconditionRv: string | undefined;
  dryRun: boolean;
}

async function deleteParams(req: IncomingMessage, q: URLSearchParams): Promise<DeleteParams> {
  const body = await readJson(req);
  const b = isRecord(body) ? body : {};
  const gpRaw = q.get('gracePeriodSeconds') ?? (b['gracePeriodSeconds'] !== undefined ? String(b['gracePeriodSeconds']) : null);
  let gracePeriodSeconds: number | undefined;
  if (gpRaw !== null && gpRaw !== 'null') {
    gracePeriodSeconds = Number(gpRaw);
    if (!Number.isInteger(gracePeriodSeconds)) throw badRequest(`invalid gracePeriodSeconds: ${gpRaw}`);
  }
  let prop = q.get('propagationPolicy') ?? asString(b['propagationPolicy']);
  if (prop === undefined || prop === null) {
    const orphan = optionalQueryBool(q, 'orphanDependents') ?? b['orphanDependents'];
    if (orphan === true) prop = 'Orphan';
  }
  if (prop !== undefined && prop !== null && prop !== 'Background' && prop !== 'Foreground' && prop !== 'Orphan') {
    throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${prop}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  const dry = q.getAll('dryRun');
  const bodyDry = b['dryRun'];
  return {
    gracePeriodSeconds,
    propagation: (prop ?? undefined) as Propagation | undefined,
    preconditionUid: asString(getPath(b, ['preconditions', 'uid'])),
    preconditionRv: asString(getPath(b, ['preconditions', 'resourceVersion'])),
    dryRun: dry.includes('All') || (Array.isArray(bodyDry) && bodyDry.includes('All')),
  };
}

/** Deletes one object; returns what the API answers with. */
export function deleteOne(ctx: HandlerContext, rt: ResourceType, rec: StoredObject, p: DeleteParams): { code: number; body: string | object; obj: StoredObject } {
  const store = ctx.store;
  if (p.dryRun) return { code: 200, body: rt.plural === 'pods' ? rec.json : successStatus({ name: rec.name, kind: rt.plural, uid: rec.uid }), obj: rec };
  if (rt.group === '' && rt.plural === 'pods') {
    const pod = parseStored(rec);
    const specGrace = asNumber(getPath(pod, ['spec', 'terminationGracePeriodSeconds'])) ?? 30;
    const grace = p.gracePeriodSeconds ?? specGrace;
    const phase = asString(getPath(pod, ['status', 'phase']));
    const scheduled = !!asString(getPath(pod, ['spec', 'nodeName']));
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    if (grace > 0 && scheduled && !terminal && ctx.gracefulPodDeletion()) {
      if (pod.metadata.deletionTimestamp) return { code: 200, body: rec.json, obj: rec };
      if (p.preconditionUid && p.preconditionUid !== rec.uid) {
        throw conflictBecause(rt.plural, rec.name, rt.group, `Precondition failed: UID in precondition: ${p.preconditionUid}, UID in object meta: ${rec.uid}`);
      }
      const updated = store.markDeleting(rt, rec.namespace, rec.name, grace, p.preconditionRv);
      return { code: 200, body: updated.json, obj: updated };
    }
    const r = store.delete(rt, rec.namespace, rec.name, { preconditionRv: p.preconditionRv, preconditionUid: p.preconditionUid, propagation: p.propagation });
    return { code: 200, body: r.obj.json, obj: r.obj };
  }
  const r = store.delete(rt, rec.namespace, rec.name, { preconditionRv: p.preconditionRv, preconditionUid: p.preconditionUid, propagation: p.propagation });
  if (!r.removed || rt.plural === 'namespaces') return { code: r.removed ? 200 : 202, body: r.obj.json, obj: r.obj };
  const details: { name: string; kind: string; uid: string; group?: string } = { name: rec.name, kind: rt.plural, uid: rec.uid };
  if (rt.group) details.group = rt.group;
  return { code: 200, body: successStatus(details), obj: r.obj };
}

export async function handleDelete(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, target: ResourceTarget, q: URLSearchParams, format: OutputFormat): Promise<void> {
  const p = await deleteParams(req, q);
  const rt = target.rt;
  if (target.name === undefined) {
    const sel = parseSelection(target, q);
    const coll = ctx.store.collection(rt);
    const [from, to] = sel.namespace !== undefined && rt.namespaced ? coll.namespaceRange(sel.namespace) : [0, coll.keyCount];
    const victims: StoredObject[] = [];
    for (let i = from; i < to; i++) {
      const rec = coll.get(coll.keyAt(i) as string);
      if (rec && matches(sel, rec)) victims.push(rec);
    }
    const items: string[] = [];
    for (const v of victims) {
      if (!ctx.store.get(rt, v.namespace, v.name)) continue;
      items.push(deleteOne(ctx, rt, v, p).obj.json);
    }
    sendJson(res, 200, `{"kind":"${rt.listKind}","apiVersion":"${apiVersionOf(rt)}","metadata":{"resourceVersion":"${ctx.store.rv}"},"items":[${items.join(',')}]}`);
    return;
  }
  if (target.subresource !== undefined) throw methodNotAllowed();
  const rec = parent(ctx, target);
  const out = deleteOne(ctx, rt, rec, p);
  if (typeof out.body === 'string' && format !== 'json') sendObject(res, out.code, rt, out.obj, format, q, ctx.store.now());
  else sendJson(res, out.code, out.body);
}
