/** GET on a collection with watch=true: the streaming half of list/watch (checklist D1–D10). */
import type { ServerResponse } from 'node:http';
import { badRequest, failureStatus, invalidListOptions, tooOldResourceVersion } from '../api/status.js';
import type { OutputFormat } from '../http/accept.js';
import type { ResourceTarget } from '../http/router.js';
import { parseIncludeObject } from '../table/table.js';
import { Watcher } from '../watch/watcher.js';
import { optionalQueryBool, queryBool } from '../http/query.js';
import type { HandlerContext } from './context.js';
import { parseSelection } from './selection.js';

function parseTimeout(q: URLSearchParams, defaultSeconds: number): number {
  const raw = q.get('timeoutSeconds');
  if (raw === null || raw === '') return defaultSeconds * (1 + Math.random());
  if (!/^\d+$/.test(raw)) throw badRequest(`invalid timeoutSeconds: ${raw}`);
  const n = Number(raw);
  return n === 0 ? defaultSeconds * (1 + Math.random()) : n;
}

export async function handleWatch(ctx: HandlerContext, res: ServerResponse, target: ResourceTarget, q: URLSearchParams, format: OutputFormat): Promise<void> {
  const sel = parseSelection(target, q);
  const rvRaw = q.get('resourceVersion') ?? '';
  if (rvRaw !== '' && !/^\d+$/.test(rvRaw)) throw badRequest(`invalid resource version: ${rvRaw}`);
  const sendInitialRaw = optionalQueryBool(q, 'sendInitialEvents');
  const match = q.get('resourceVersionMatch') ?? '';
  const sendInitial = sendInitialRaw === true;
  if (sendInitialRaw !== undefined && match !== 'NotOlderThan') {
    throw invalidListOptions([{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan" }]);
  }
  if (match !== '' && sendInitialRaw === undefined) {
    throw invalidListOptions([{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: 'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided' }]);
  }
  const timeoutSec = parseTimeout(q, ctx.config.watchTimeoutSeconds);
  const allowBookmarks = queryBool(q, 'allowWatchBookmarks');
  const requestedRv = rvRaw === '' ? 0 : Number(rvRaw);
  const store = ctx.store;

  // A resourceVersion from the future: wait a little for it, as the watch cache does.
  let tooLarge = false;
  if (requestedRv > store.rv) tooLarge = !(await store.waitForRv(requestedRv, ctx.config.tooLargeRvWaitMs));

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  const w = new Watcher(res, {
    selection: sel,
    format,
    include: parseIncludeObject(q.get('includeObject')),
    bookmarks: allowBookmarks,
    slowConsumerBytes: ctx.config.slowConsumerBytes,
    now: store.now,
  }, ctx.hub.hooks);

  if (tooLarge) {
    w.error(failureStatus('Timeout', `Too large resource version: ${requestedRv}, current: ${store.rv}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    }, 504));
    w.end();
    return;
  }

  // Everything below runs synchronously: the replay and the subscription are gap-free.
  const initial = sendInitial || (sendInitialRaw === undefined && (rvRaw === '' || rvRaw === '0'));
  if (initial) {
    const coll = store.collection(sel.rt);
    const [from, to] = sel.namespace !== undefined && sel.rt.namespaced ? coll.namespaceRange(sel.namespace) : [0, coll.keyCount];
    for (let i = from; i < to; i++) {
      const rec = coll.get(coll.keyAt(i) as string);
      if (rec) w.sendInitial(rec);
    }
    if (sendInitial) w.bookmark(store.rv, { 'k8s.io/initial-events-end': 'true' });
  } else {
    const events = store.history.since(requestedRv, sel.rt.id);
    if (!events) {
      w.error(tooOldResourceVersion(requestedRv, store.history.floorFor(sel.rt.id)));
      w.end();
      return;
    }
    for (const ev of events) w.sendEvent(ev);
  }
  ctx.hub.add(w);

  if (allowBookmarks || ctx.config.alwaysBookmarks) {
    const every = Math.max(10, ctx.config.bookmarkIntervalMs);
    w.addTimer(setInterval(() => w.bookmark(store.rv), every));
  }
  const timeoutMs = Math.max(0, timeoutSec * 1000);
  w.addTimer(setTimeout(() => {
    if (allowBookmarks || ctx.config.alwaysBookmarks) w.bookmark(store.rv);
    w.end();
  }, timeoutMs));
}
