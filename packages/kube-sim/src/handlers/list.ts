/** GET on a collection without watch: paged, snapshot-consistent, streamed (checklist C1–C4). */
import type { ServerResponse } from 'node:http';
import { apiVersionOf } from '../api/resource-types.js';
import { ApiError, badRequest } from '../api/status.js';
import type { OutputFormat } from '../http/accept.js';
import type { ResourceTarget } from '../http/router.js';
import { writeAsync } from '../http/respond.js';
import { encodeContinue } from '../list/continue-token.js';
import { planList } from '../list/plan.js';
import { openSnapshot } from '../list/snapshot.js';
import type { StoredObject } from '../store/stored-object.js';
import { parseIncludeObject, partialJson, tableHead, tableRowJson } from '../table/table.js';
import { hasSelectors, matches } from '../watch/filter.js';
import type { HandlerContext } from './context.js';
import { parseSelection } from './selection.js';

const CHUNK_BYTES = 64 * 1024;

export function parseLimit(q: URLSearchParams): number {
  const raw = q.get('limit');
  if (raw === null || raw === '') return 0;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`invalid limit: ${raw}`);
  return Math.max(0, Number(raw));
}

export async function handleList(ctx: HandlerContext, res: ServerResponse, target: ResourceTarget, q: URLSearchParams, format: OutputFormat): Promise<void> {
  const sel = parseSelection(target, q);
  const limit = parseLimit(q);
  const now = ctx.store.now();
  const plan = await planList(ctx.store, {
    resourceVersion: q.get('resourceVersion'),
    resourceVersionMatch: q.get('resourceVersionMatch'),
    continueToken: q.get('continue'),
    limit,
    continueTtlMs: ctx.config.continueTtlMs,
    continueNotBefore: ctx.faults.continueNotBefore,
    tooLargeRvWaitMs: ctx.config.tooLargeRvWaitMs,
    now,
    rtId: target.rt.id,
  });
  const cursor = openSnapshot(ctx.store, target.rt, plan.rv, plan.afterKey, sel.namespace);
  if (!cursor) throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'The resourceVersion for the provided list is too old.', reason: 'Expired', code: 410 });

  const items: StoredObject[] = [];
  let lastKey: string | undefined;
  let more = false;
  for (let rec = cursor.next(); rec; rec = cursor.next()) {
    if (!matches(sel, rec)) continue;
    if (limit > 0 && items.length >= limit) {
      more = true;
      break;
    }
    items.push(rec);
    lastKey = rec.key;
  }
  // "more" was found by reading one matching item past the page, so the last page has no token.
  const md: { resourceVersion: string; continue?: string; remainingItemCount?: number } = { resourceVersion: String(plan.rv) };
  if (more && lastKey !== undefined) {
    md.continue = encodeContinue({ rv: plan.rv, start: lastKey, issued: now });
    if (!hasSelectors(sel)) md.remainingItemCount = cursor.remaining() + 1;
  }

  const rt = target.rt;
  const include = parseIncludeObject(q.get('includeObject'));
  let head: string;
  let render: (rec: StoredObject) => string;
  if (format === 'table') {
    head = tableHead(rt, md, true);
    render = (rec) => tableRowJson(rt, rec, include, now);
  } else if (format === 'partial') {
    head = `${JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: md }).slice(0, -1)},"items":[`;
    render = partialJson;
  } else {
    head = `${JSON.stringify({ kind: rt.listKind, apiVersion: apiVersionOf(rt), metadata: md }).slice(0, -1)},"items":[`;
    render = (rec) => rec.json;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  let buf = head;
  for (let i = 0; i < items.length; i++) {
    buf += (i === 0 ? '' : ',') + render(items[i] as StoredObject);
    if (buf.length >= CHUNK_BYTES) {
      const ok = await writeAsync(res, buf);
      buf = '';
      if (!ok) return;
    }
  }
  buf += ']}';
  res.end(buf);
}
