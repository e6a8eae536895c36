import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { kubeRequest } from '../../src/kube/kube-http.js';
import { useTestServers } from '../http-kubeconfig.js';

/**
 * An API server (or a proxy) that sends its headers, then the body a byte now and then: no silence
 * is ever long enough to trip the idle limit, and the request was held for ever (a GET, a discovery
 * document: the pane said loading for good). Now the body must keep arriving at a least pace; one
 * flowing steadily, however big, is never cut.
 */

const serve = useTestServers();

/** Writes `piece` every `everyMs` until `times` pieces are out (then `tail` and the end), or the client goes. */
function drip(res: ServerResponse, head: string, piece: string, everyMs: number, times = Infinity, tail = ''): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(head);
  let n = 0;
  const t = setInterval(() => {
    if (n++ < times) return void res.write(piece);
    clearInterval(t);
    res.end(tail);
  }, everyMs);
  res.on('close', () => clearInterval(t));
}

describe('kubeRequest: an answer that trickles', () => {
  it('a body that arrives a byte at a time is given up, the error naming the request and how little arrived', async () => {
    const kc = await serve((_req, res) => drip(res, '{"kind":"Pod","metadata":{"name":"', 'a', 100));
    const err = await kubeRequest(kc, { path: '/api/v1/namespaces/default/pods/web', minPace: { windowMs: 1_000, minBytes: 1024 } }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^GET \/api\/v1\/namespaces\/default\/pods\/web: the API server sends the answer too slowly \(\d+ B in the last 1 s, \d+ B in all; at least 1 KiB is wanted\): given up$/);
  }, 30_000);

  it('a big answer arriving steadily (well over the least pace) is read whole, however long it takes', async () => {
    const item = JSON.stringify({ metadata: { name: 'x'.repeat(4000) } });
    const kc = await serve((_req, res) => drip(res, '{"items":[', `${item},`, 50, 60, `${item}]}`));
    const body = await kubeRequest<{ items: unknown[] }>(kc, { path: '/api/v1/pods', minPace: { windowMs: 1_000, minBytes: 1024 } });
    expect(body.items).toHaveLength(61);
  }, 30_000);

  it('a body that stops arriving: the error names the request and how much had come (not only "timed out")', async () => {
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items":[');
    });
    await expect(kubeRequest(kc, { path: '/api/v1/pods', timeoutMs: 500 })).rejects.toThrow('GET /api/v1/pods: the API server stopped sending the answer (nothing for 1 s, after 10 B)');
  }, 30_000);
});
