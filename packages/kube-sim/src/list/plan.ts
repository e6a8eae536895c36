/**
 * Decides which snapshot a list is served from: resourceVersion / resourceVersionMatch / continue
 * semantics of api-concepts (checklist C2–C4).
 */
import { apiError, badRequest, continueExpired, invalidListOptions, tooLargeResourceVersion } from '../api/status.js';
import type { ObjectStore } from '../store/object-store.js';
import { decodeContinue, encodeContinue } from './continue-token.js';

export interface ListPlan {
  /** The RV the list reflects. */
  rv: number;
  /** Resume after this key. */
  afterKey: string | undefined;
}

export interface PlanInputs {
  resourceVersion: string | null;
  resourceVersionMatch: string | null;
  continueToken: string | null;
  limit: number;
  continueTtlMs: number;
  continueNotBefore: number;
  tooLargeRvWaitMs: number;
  now: number;
  /** The resource type listed: history completeness is tracked per type. */
  rtId: string;
}

function parseRv(raw: string): number {
  if (!/^\d+$/.test(raw)) throw badRequest(`invalid resource version: ${raw}`);
  return Number(raw);
}

async function notOlderThan(store: ObjectStore, rv: number, waitMs: number): Promise<number> {
  if (rv > store.rv && !(await store.waitForRv(rv, waitMs))) throw tooLargeResourceVersion(rv, store.rv);
  return store.rv;
}

async function exact(store: ObjectStore, rv: number, waitMs: number, rtId: string): Promise<number> {
  if (rv > store.rv && !(await store.waitForRv(rv, waitMs))) throw tooLargeResourceVersion(rv, store.rv);
  if (rv < store.rv && rv < store.history.floorFor(rtId)) {
    throw apiError('Expired', `The resourceVersion for the provided list is too old.`);
  }
  return rv;
}

export async function planList(store: ObjectStore, p: PlanInputs): Promise<ListPlan> {
  const rvRaw = p.resourceVersion ?? '';
  const match = p.resourceVersionMatch ?? '';
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw invalidListOptions([{ reason: 'FieldValueNotSupported', field: 'resourceVersionMatch', message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""` }]);
  }
  if (p.continueToken) {
    if (rvRaw !== '' && rvRaw !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    if (match !== '') throw badRequest('resourceVersionMatch is forbidden when continue is provided');
    const tok = decodeContinue(p.continueToken);
    if (tok.rv === -1) return { rv: store.rv, afterKey: tok.start };
    const expired = p.now - tok.issued > p.continueTtlMs || tok.issued < p.continueNotBefore || (tok.rv < store.rv && tok.rv < store.history.floorFor(p.rtId));
    if (expired) throw continueExpired(encodeContinue({ rv: -1, start: tok.start, issued: p.now }));
    if (tok.rv > store.rv) throw badRequest('continue key is not valid: resource version is in the future');
    return { rv: tok.rv, afterKey: tok.start };
  }
  if (match !== '' && rvRaw === '') {
    throw invalidListOptions([{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided' }]);
  }
  if (match === 'Exact') {
    if (rvRaw === '0') {
      throw invalidListOptions([{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: `Forbidden: resourceVersionMatch "Exact" is forbidden for resourceVersion "${rvRaw}"` }]);
    }
    return { rv: await exact(store, parseRv(rvRaw), p.tooLargeRvWaitMs, p.rtId), afterKey: undefined };
  }
  if (match === 'NotOlderThan') {
    return { rv: await notOlderThan(store, parseRv(rvRaw), p.tooLargeRvWaitMs), afterKey: undefined };
  }
  if (rvRaw === '' || rvRaw === '0') return { rv: store.rv, afterKey: undefined };
  const rv = parseRv(rvRaw);
  if (p.limit > 0) return { rv: await exact(store, rv, p.tooLargeRvWaitMs, p.rtId), afterKey: undefined };
  return { rv: await notOlderThan(store, rv, p.tooLargeRvWaitMs), afterKey: undefined };
}
