/**
 * POST pods/{name}/eviction (policy/v1 and v1beta1 Eviction), as the API server's eviction REST
 * storage answers it: the pod is deleted unless a PodDisruptionBudget selecting it has no disruption
 * left (429 TooManyRequests with a DisruptionBudget cause). Pods that are finished, pending or
 * already terminating are deleted without asking a budget; two budgets over one pod are a 500.
 *
 * The budget is computed on the request, from the pods as they are (there is no disruption
 * controller here): healthy pods are Ready and not terminating, so an eviction already granted
 * (its pod terminating) counts against the next one, as the real `disruptionsAllowed` decrement does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceType } from '../api/resource-types.js';
import { apiError, badRequest, detailsFor, failureStatus, ApiError, methodNotAllowed } from '../api/status.js';
import { readJson } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { ResourceTarget } from '../http/router.js';
import { parseStored } from '../store/stored-object.js';
import { asArray, asNumber, asString, getPath, isRecord, type KubeObject } from '../types.js';
import type { HandlerContext } from './context.js';
import { deleteOne, type DeleteParams } from './write.js';

const EVICTION_API_VERSIONS = new Set(['policy/v1', 'policy/v1beta1']);

/** Whether a LabelSelector object selects `labels` (a null selector selects nothing, `{}` everything). */
export function selectorMatches(sel: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(sel)) return false;
  const ml = sel['matchLabels'];
  if (isRecord(ml)) for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of asArray(sel['matchExpressions'])) {
    const key = asString(getPath(e, ['key'])) ?? '';
    const values = asArray(getPath(e, ['values'])).map(String);
    const has = Object.hasOwn(labels, key);
    switch (asString(getPath(e, ['operator']))) {
      case 'In': if (!has || !values.includes(labels[key]!)) return false; break;
      case 'NotIn': if (has && values.includes(labels[key]!)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

const isReady = (p: KubeObject): boolean =>
  asArray(getPath(p, ['status', 'conditions'])).some((c) => getPath(c, ['type']) === 'Ready' && getPath(c, ['status']) === 'True');
const healthy = (p: KubeObject): boolean => isReady(p) && !p.metadata.deletionTimestamp;

/** An int or a percentage ("50%") of `total`, rounded up (as intstr.GetScaledValueFromIntOrPercent with roundUp). */
function scaled(v: unknown, total: number): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  const m = typeof v === 'string' ? /^(\d{1,3})%$/.exec(v) : null;
  return m ? Math.ceil((Number(m[1]) * total) / 100) : undefined;
}

/** The budget's healthy-pod floor over `pods` (the pods it selects). */
function desiredHealthy(pdb: KubeObject, pods: readonly KubeObject[]): number {
  const min = scaled(getPath(pdb, ['spec', 'minAvailable']), pods.length);
  if (min !== undefined) return min;
  const maxUnavailable = scaled(getPath(pdb, ['spec', 'maxUnavailable']), pods.length);
  if (maxUnavailable !== undefined) return Math.max(0, pods.length - maxUnavailable);
  return 0;
}

function labelsOf(p: KubeObject): Record<string, string> {
  const l = p.metadata.labels;
  return isRecord(l) ? Object.fromEntries(Object.entries(l).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
}

/** The objects of `rt` in `namespace`. */
function inNamespace(ctx: HandlerContext, rt: ResourceType, namespace: string): KubeObject[] {
  const coll = ctx.store.collection(rt);
  const [from, to] = coll.namespaceRange(namespace);
  const out: KubeObject[] = [];
  for (let i = from; i < to; i++) {
    const rec = coll.get(coll.keyAt(i) as string);
    if (rec) out.push(parseStored(rec));
  }
  return out;
}

function tooManyRequests(message: string, cause: string): ApiError {
  return new ApiError(failureStatus('TooManyRequests', message, { causes: [{ reason: 'DisruptionBudget', message: cause }] }));
}

export async function handleEviction(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, target: ResourceTarget, q: URLSearchParams): Promise<void> {
  if (req.method !== 'POST') throw methodNotAllowed();
  const body = await readJson(req);
  if (!isRecord(body)) throw badRequest('the body of an eviction must be an Eviction object');
  const apiVersion = asString(body['apiVersion']);
  if (body['kind'] !== 'Eviction' || apiVersion === undefined || !EVICTION_API_VERSIONS.has(apiVersion)) {
    throw badRequest(`the body of an eviction must be a policy/v1 Eviction, not ${JSON.stringify(apiVersion ?? null)} ${JSON.stringify(body['kind'] ?? null)}`);
  }
  const name = target.name ?? '';
  const namespace = target.namespace ?? '';
  const given = asString(getPath(body, ['metadata', 'name']));
  if (given !== name) throw badRequest('name in URL does not match name in Eviction object');
  const opts = getPath(body, ['deleteOptions']);
  const grace = asNumber(getPath(opts, ['gracePeriodSeconds']));
  const p: DeleteParams = {
    gracePeriodSeconds: grace !== undefined && Number.isInteger(grace) ? grace : undefined,
    propagation: undefined,
    preconditionUid: asString(getPath(opts, ['preconditions', 'uid'])),
    preconditionRv: asString(getPath(opts, ['preconditions', 'resourceVersion'])),
    dryRun: q.getAll('dryRun').includes('All') || asArray(getPath(opts, ['dryRun'])).includes('All'),
  };
  const rt = target.rt;
  const rec = ctx.store.require(rt, namespace, name);
  const pod = parseStored(rec);
  const phase = asString(getPath(pod, ['status', 'phase']));
  const exempt = phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
  if (!exempt) checkBudget(ctx, rt, namespace, pod);
  deleteOne(ctx, rt, rec, p);
  sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** Refuses the eviction of `pod` (429 / 500) when the one budget selecting it has no disruption left. */
function checkBudget(ctx: HandlerContext, podType: ResourceType, namespace: string, pod: KubeObject): void {
  const pdbType = ctx.registry.byKind('policy/v1', 'PodDisruptionBudget');
  if (!pdbType) return;
  const labels = labelsOf(pod);
  const budgets = inNamespace(ctx, pdbType, namespace).filter((b) => selectorMatches(getPath(b, ['spec', 'selector']), labels));
  if (budgets.length === 0) return;
  if (budgets.length > 1) {
    throw apiError('InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', detailsFor('pods', '', pod.metadata.name));
  }
  const pdb = budgets[0]!;
  const selected = inNamespace(ctx, podType, namespace).filter((p) => selectorMatches(getPath(pdb, ['spec', 'selector']), labelsOf(p)));
  const want = desiredHealthy(pdb, selected);
  const have = selected.filter(healthy).length;
  // A pod that is not healthy may go while the budget holds without it (the IfHealthyBudget policy).
  const allowed = healthy(pod) ? have - want > 0 : have >= want;
  if (!allowed) {
    throw tooManyRequests(
      "Cannot evict pod as it would violate the pod's disruption budget.",
      `The disruption budget ${pdb.metadata.name} needs ${want} healthy pods and has ${have} currently`,
    );
  }
}
