import { isAscii } from 'node:buffer';
import type { KubeConfig } from './kubeconfig.js';
import { KubeApiError, statusError, transportError } from './api-error.js';
import { MAX_ANSWER_BYTES, prepareRequest } from './kube-http.js';
import { formatBytes } from '../util/bytes.js';
import { MIN_ANSWER_PACE, tooSlowError, watchPace, type MinPace } from './answer-pace.js';

/** The list's metadata: what the next request needs, and how many items are left. */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface ListBody {
  metadata?: ListMeta;
  items?: unknown[];
}

/** One page of a list being fetched: its metadata as soon as the answer's head is in, then the whole body. */
interface PageRequest {
  /** The list metadata, read from the head of the answer before the items (null when the head did not say it). */
  head: Promise<ListMeta | null>;
  /** The answer's text, parsed by whoever reads it (a page fetched ahead is not parsed before it is wanted). */
  body: Promise<string>;
  what: string;
  abort(): void;
}

/** How far into an answer the metadata is looked for (API servers write it before the items). */
const HEAD_BYTES = 64 * 1024;

/**
 * The metadata of a list from the start of its JSON text, `{"kind":…,"metadata":{…},"items":[`, or
 * null when the text does not start that way (then the caller waits for the whole body).
 */
export function metaFromHead(head: string): ListMeta | null {
  const at = head.indexOf('"items":');
  if (at < 0) return null;
  const before = head.slice(0, at).replace(/[\s,]*$/, '');
  let doc: unknown;
  try {
    doc = JSON.parse(`${before}}`);
  } catch {
    return null;
  }
  const md = (doc as { metadata?: unknown } | null)?.metadata;
  if (typeof md !== 'object' || md === null) return null;
  const m = md as Record<string, unknown>;
  return {
    ...(typeof m.resourceVersion === 'string' ? { resourceVersion: m.resourceVersion } : {}),
    ...(typeof m.continue === 'string' && m.continue ? { continue: m.continue } : {}),
    ...(typeof m.remainingItemCount === 'number' ? { remainingItemCount: m.remainingItemCount } : {}),
  };
}

/** The body's text: latin1 when it is all ASCII (several times faster than decoding UTF-8, same string). */
function text(chunks: Buffer[], length: number): string {
  const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  return isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
}

function parse(text: string, what: string): ListBody {
  let doc: unknown;
  try {
    doc = text ? JSON.parse(text) : {};
  } catch {
    throw new KubeApiError(`${what}: the API server sent invalid JSON`, 200);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new KubeApiError(`${what}: the API server sent something other than a list`, 200);
  // A list always has its items (`[]` when there are none; null from some Go servers): an answer
  // without them (`{}` from a proxy, a Status sent with 200) is not an empty list, and showing
  // "no objects" for it would say something untrue.
  const d = doc as { kind?: unknown; items?: unknown; message?: unknown };
  if (!Array.isArray(d.items) && d.items !== null) {
    const kind = typeof d.kind === 'string' && /^[A-Za-z]{1,64}$/.test(d.kind) ? ` (a ${d.kind})` : '';
    const message = kind === ' (a Status)' && typeof d.message === 'string' ? `: ${d.message.slice(0, 500)}` : '';
    throw new KubeApiError(`${what}: the API server's answer is not a list${kind}${message}`, 200, 'NotAList');
  }
  return doc as ListBody;
}

/**
 * The longest a page of a paged list may take to arrive whole. The socket's 30 s silence limit does
 * not end an answer that trickles (a byte every few seconds, for ever): the list stayed "loading"
 * for good, with nothing said. A page is at most 1,000 objects; an unpaged list has no such limit.
 */
export const PAGE_DEADLINE_MS = 5 * 60_000;

/** Starts one list request; the answer's metadata is available before its items have arrived. */
async function requestPage(kc: KubeConfig, path: string, query: Record<string, string | number | undefined>, deadlineMs: number | null, pace: MinPace): Promise<PageRequest> {
  const ac = new AbortController();
  const p = await prepareRequest(kc, { path, query, signal: ac.signal });
  let headDone: (m: ListMeta | null) => void = () => {};
  const head = new Promise<ListMeta | null>((resolve) => (headDone = resolve));
  const body = new Promise<string>((resolve, reject) => {
    const r = p.start((res) => {
      r.setTimeout(30_000, () => r.destroy(Object.assign(new Error('the answer stalled'), { code: 'ETIMEDOUT' })));
      // A body that trickles (a byte every few seconds) never trips the silence limit: an unpaged list
      // (no deadline) loaded for ever, a page for 5 minutes.
      const slow = watchPace(pace, (recent, total) => r.destroy(tooSlowError(p.what, 'the list', pace, recent, total)));
      res.once('close', () => slow.stop());
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      if (!ok) headDone(null);
      const chunks: Buffer[] = [];
      let length = 0;
      let looking = ok;
      let cut = false;
      res.on('data', (c: Buffer) => {
        if (cut) return;
        length += c.length;
        slow.add(c.length);
        // The cap every answer has (kubeRequest's): an answer that never ends is not held until the
        // daemon runs out of memory.
        if (length > MAX_ANSWER_BYTES) {
          cut = true;
          chunks.length = 0;
          headDone(null);
          reject(new KubeApiError(`${p.what}: the answer is bigger than ${formatBytes(MAX_ANSWER_BYTES)}; not read`, status, 'TooLarge'));
          r.destroy();
          return;
        }
        chunks.push(c);
        if (!looking) return;
        const meta = metaFromHead(text(chunks, length));
        if (meta || length >= HEAD_BYTES) {
          looking = false;
          headDone(meta);
        }
      });
      res.on('error', (err) => reject(transportError(err, p.server)));
      res.on('end', () => {
        slow.stop();
        headDone(null);
        if (cut) return;
        let body: string;
        try {
          body = text(chunks, length);
        } catch {
          // Longer than a string can be (about 512 MiB): a list this big must be paged.
          return reject(new KubeApiError(`${p.what}: the answer is too large to read at once (${length} bytes)`, status, 'TooLarge'));
        } finally {
          chunks.length = 0;
        }
        if (!ok) return reject(statusError(status, body, p.what, res.headers['retry-after']));
        resolve(body);
      });
    });
    r.on('error', (err) => {
      headDone(null);
      reject(err instanceof KubeApiError ? err : transportError(err, p.server));
    });
    if (deadlineMs !== null) {
      const deadline = setTimeout(() => r.destroy(new KubeApiError(`${p.what}: the page did not finish arriving within ${Math.max(1, Math.round(deadlineMs / 1000))} s`, 0, 'ETIMEDOUT')), deadlineMs);
      deadline.unref();
      r.once('close', () => clearTimeout(deadline));
    }
  });
  // A page fetched ahead may fail before anyone waits for it: that is reported when it is awaited.
  body.catch(() => {});
  return { head, body, what: p.what, abort: () => ac.abort() };
}

export interface ListPagesOptions {
  /** Items in the first page (0: no limit, the whole list in one answer). */
  first: number;
  /** Items in each later page. */
  limit: number;
  /** Checked between pages: true stops the list (a request fetched ahead is aborted). */
  stopped: () => boolean;
  /** A field selector every page is asked with (`metadata.name=web-1`). */
  fieldSelector?: string;
  /** How long one page (of a paged list) may take to arrive whole; PAGE_DEADLINE_MS unless told. */
  pageDeadlineMs?: number;
  /** The least every answer's body must keep arriving at; MIN_ANSWER_PACE (1 KiB in any 30 s) unless told. */
  minPace?: MinPace;
}

/** A page of a list with the metadata it came with. */
export interface ListPage {
  items: unknown[];
  meta: ListMeta;
}

/**
 * The pages of a list, in order, one fetched ahead: the next page is requested as soon as the
 * current answer's head names its continue token (the API server writes the list's metadata before
 * its items; after the first page, when the whole of it is in), so the server prepares and sends it
 * while this one is received, parsed and applied. A page's text is parsed only when the caller
 * takes it (the first page's rows can be drawn before the second is parsed). Rejects with the
 * KubeApiError of the first request that fails (a 410 when a continue token expired).
 */
export async function* listPages(kc: KubeConfig, path: string, o: ListPagesOptions): AsyncGenerator<ListPage, void, void> {
  const sel = o.fieldSelector ? { fieldSelector: o.fieldSelector } : {};
  const query = (limit: number, cont?: string): Record<string, string | number | undefined> => (limit > 0 ? { ...sel, limit, continue: cont } : { ...sel });
  const deadline = (limit: number): number | null => (limit > 0 ? (o.pageDeadlineMs ?? PAGE_DEADLINE_MS) : null);
  const pace = o.minPace ?? MIN_ANSWER_PACE;
  let cur: PageRequest | null = await requestPage(kc, path, query(o.first), deadline(o.first), pace);
  let ahead: { token: string; req: Promise<PageRequest> } | null = null;
  // The continue tokens asked with: a server that names one again would be followed round the same
  // pages for ever (requests back to back, the items piling up, the list never shown as loaded).
  const asked = new Set<string>();
  const fetch = (token: string, what: string): { token: string; req: Promise<PageRequest> } => {
    if (asked.has(token)) throw new KubeApiError(`${what}: the API server sent a continue token it had sent before (after ${asked.size + 1} pages): the list would never end`, 200, 'ContinueLoop');
    asked.add(token);
    const req = requestPage(kc, path, query(o.limit, token), deadline(o.limit), pace);
    req.catch(() => {});
    return { token, req };
  };
  try {
    for (let n = 0; cur; n++) {
      // The first page is small and quick: the next is asked for once it is in (so "the first page
      // arrived" is when page 2 is asked for); later ones as soon as the head names the token.
      const meta: ListMeta | null = n === 0 ? null : await cur.head;
      if (meta?.continue && !o.stopped()) ahead = fetch(meta.continue, cur.what);
      const body = parse(await cur.body, cur.what);
      const md: ListMeta = body.metadata ?? {};
      const token = md.continue || undefined;
      if (ahead && ahead.token !== token) {
        // The head said one thing and the body another (never seen): trust the body.
        (await ahead.req.catch(() => null))?.abort();
        ahead = null;
      }
      if (!ahead && token && !o.stopped()) ahead = fetch(token, cur.what);
      const items = Array.isArray(body.items) ? body.items : [];
      cur = null;
      yield { items, meta: md };
      if (!token || o.stopped() || !ahead) break;
      cur = await ahead.req;
      ahead = null;
    }
  } finally {
    cur?.abort();
    if (ahead) (await ahead.req.catch(() => null))?.abort();
  }
}
