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
import { objectsIn } from '../store/in-namespace.js';
import { asArray, asNumber, asString, getPath, isRecord, type KubeObject } from '../types.js';
import { budgetState, labelsOf, podHealthy, selectorMatches } from '../api/disruption-budget.js';
import type { HandlerContext } from './context.js';
import { deleteOne, type DeleteParams } from './write.js';

const EVICTION_API_VERSIONS = new Set(['policy/v1', 'policy/v1beta1']);

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
  const budgets = objectsIn(ctx.store, pdbType, namespace).filter((b) => selectorMatches(getPath(b, ['spec', 'selector']), labels));
  if (budgets.length === 0) return;
  if (budgets.length > 1) {
    throw apiError('InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', detailsFor('pods', '', pod.metadata.name));
  }
  const pdb = budgets[0]!;
  const { desiredHealthy: want, currentHealthy: have } = budgetState(pdb, objectsIn(ctx.store, podType, namespace));
  // A pod that is not healthy may go while the budget holds without it (the IfHealthyBudget policy).
  const allowed = podHealthy(pod) ? have - want > 0 : have >= want;
  if (!allowed) {
    throw tooManyRequests(
      "Cannot evict pod as it would violate the pod's disruption budget.",
      `The disruption budget ${pdb.metadata.name} needs ${want} healthy pods and has ${have} currently`,
    );
  }
}
