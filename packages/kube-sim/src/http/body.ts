/** Reads and parses request bodies with a size limit (3 MiB, as kube-apiserver). */
import type { IncomingMessage } from 'node:http';
import { apiError, badRequest } from '../api/status.js';
import { isRecord, type KubeObject } from '../types.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Bodies read ahead of a handler (see preloadBody), by request. */
const preloaded = new WeakMap<IncomingMessage, Buffer>();

/**
 * Reads the body now and keeps it for the handler's readBody: a request held by injected latency
 * has its body in hand (as kube-apiserver, which reads it before admission and storage), so a write
 * whose client went away meanwhile still lands, answered to no one.
 */
export async function preloadBody(req: IncomingMessage): Promise<void> {
  if (preloaded.has(req)) return;
  preloaded.set(req, await readBody(req));
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const pre = preloaded.get(req);
  if (pre) return pre;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw apiError('RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const buf = await readBody(req);
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch (err) {
    throw badRequest(`the server rejected our request due to an error in our request: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Checks that a body is a Kubernetes object with an object `metadata`. */
export function asKubeObject(body: unknown): KubeObject {
  if (!isRecord(body)) throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  const md = body['metadata'];
  if (md !== undefined && !isRecord(md)) throw badRequest('metadata must be an object');
  const out = body as KubeObject;
  if (md === undefined) out.metadata = {};
  return out;
}
