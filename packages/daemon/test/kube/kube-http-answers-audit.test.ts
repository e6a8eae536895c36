import { describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { gzipSync } from 'node:zlib';
import { kubeRequest } from '../../src/kube/kube-http.js';
import { deleteObject } from '../../src/kube/mutations.js';
import { eventsFor } from '../../src/kube/resource-ops.js';
import type { KubeObject } from '../../src/kube/types.js';
import { kubeconfigFor, useTestServers } from '../http-kubeconfig.js';

/**
 * Answers a proxy or a broken server gives instead of the API's JSON. Each error says what the
 * request was and what came (before: "API server http://…: aborted", "the API server sent invalid
 * JSON", "HTTP 302" — nothing a user could act on).
 */

const serve = useTestServers();
const PODS = '/api/v1/namespaces/default/pods/web';

describe('kubeRequest: answers that are not the API', () => {
  it('a connection closed mid-body (content-length not reached): the request and how much came', async () => {
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('{"kind":');
      setTimeout(() => res.socket?.end(), 50);
    });
    await expect(kubeRequest(kc, { path: PODS })).rejects.toThrow(/^GET \/api\/v1\/namespaces\/default\/pods\/web: the connection to the API server at http:\/\/127\.0\.0\.1:\d+ was cut before the whole answer came \(8 B of 1000 B received\)$/);
  });

  it('a connection reset mid-body (chunked): the request and how much came, still a transport error (status 0) for retries', async () => {
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"kind":"Pod"');
      setTimeout(() => res.socket?.resetAndDestroy(), 50);
    });
    const err = await kubeRequest(kc, { path: PODS }).then(() => null, (e: Error & { status?: number }) => e);
    expect(err?.message).toMatch(/^GET \/api\/v1\/namespaces\/default\/pods\/web: the connection to the API server at http:\/\/127\.0\.0\.1:\d+ was cut before the whole answer came \(13 B received\)$/);
    expect(err?.status).toBe(0);
  });

  it("a proxy's login page with 200: what came is quoted (one line, no terminal escapes), with its type", async () => {
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html>\n<body>\u001b[2JPlease sign in to ACME proxy</body></html>');
    });
    await expect(kubeRequest(kc, { path: PODS })).rejects.toThrow('GET /api/v1/namespaces/default/pods/web: the API server sent invalid JSON ("text/html; charset=utf-8", 59 B: "<html> <body> [2JPlease sign in to ACME proxy</body></html>")');
  });

  it('a compressed body no one asked for is said as such, not as invalid JSON', async () => {
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync('{"kind":"Pod"}'));
    });
    await expect(kubeRequest(kc, { path: PODS })).rejects.toThrow('GET /api/v1/namespaces/default/pods/web: the API server sent a compressed answer (content-encoding: "gzip"), which was not asked for');
  });

  it('a redirect (not followed) says where it pointed', async () => {
    const kc = await serve((_req, res) => {
      res.writeHead(302, { location: 'https://sso.example.com/login?next=/api' });
      res.end();
    });
    await expect(kubeRequest(kc, { path: PODS })).rejects.toThrow('GET /api/v1/namespaces/default/pods/web: HTTP 302 (redirected to "https://sso.example.com/login?next=/api"; redirects are not followed: is the server URL in the kubeconfig right?)');
  });

  it('a GET answered 200 with no object (empty, null, an array): an error naming the request, not "Cannot read properties of null"', async () => {
    for (const [body, got] of [['', 'an empty body'], ['null', 'null'], ['[]', 'an array'], ['"ok"', 'a string']] as const) {
      const kc = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      });
      const pod = { metadata: { name: 'web', namespace: 'default', uid: 'u-1' } } as KubeObject;
      await expect(eventsFor(kc, pod)).rejects.toThrow(`GET /api/v1/namespaces/default/events: the API server answered 200 with ${got} instead of an object`);
    }
  });

  it('a 2xx whose body is a Status "Failure" is that failure (its code kept), not the answer; a custom kind named Status is still an object', async () => {
    const failure = (code: unknown, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
    let answer: unknown = failure(403, 'Forbidden', 'pods "web" is forbidden: User "dev" cannot delete resource "pods"');
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
    const web = { context: 'test', kind: 'Pod', kindId: 'pods', group: '', version: 'v1', plural: 'pods', namespaced: true, name: 'web', namespace: 'default', uid: 'u-1' };
    // A delete refused this way said nothing (the pod was still there): it says the refusal.
    const refused = await deleteObject(kc, web).then(() => null, (e: Error & { status?: number; reason?: string }) => e);
    expect(refused?.message).toBe('pods "web" is forbidden: User "dev" cannot delete resource "pods" (a failure sent with HTTP 200)');
    expect(refused?.status).toBe(403);
    expect(refused?.reason).toBe('Forbidden');
    // A NotFound keeps its 404, so the delete says the pod is gone as a real 404 would.
    answer = failure(404, 'NotFound', 'pods "web" not found');
    await expect(deleteObject(kc, web)).rejects.toThrow('Pod default/web no longer exists; nothing was deleted');
    // A GET shows the failure, not a Status as the pod; a code that is no error code becomes 500.
    answer = failure('teapot', 'InternalError', 'etcd is down');
    const got = await kubeRequest(kc, { path: PODS }).then(() => null, (e: Error & { status?: number }) => e);
    expect(got?.message).toBe('etcd is down (a failure sent with HTTP 200)');
    expect(got?.status).toBe(500);
    // Only a meta/v1 Status: an object of a custom kind called Status, or a Status saying Success, is the answer.
    for (const ok of [{ kind: 'Status', apiVersion: 'example.com/v1', metadata: { name: 'x' }, status: { phase: 'Failure' } }, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200 }]) {
      answer = ok;
      await expect(kubeRequest(kc, { path: PODS })).resolves.toEqual(ok);
    }
  });

  it('something that is not an HTTP server (an SSH port), or headers over 16 KiB: said as that, with the server, not "Parse Error"', async () => {
    const raw = async (answer: string): Promise<Server> => {
      const srv = createServer((sock) => {
        sock.on('error', () => undefined);
        sock.once('data', () => sock.end(answer));
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
      return srv;
    };
    const ssh = await raw('SSH-2.0-OpenSSH_9.6\r\n');
    const big = await raw(`HTTP/1.1 200 OK\r\nx-proxy: ${'a'.repeat(20_000)}\r\ncontent-length: 2\r\n\r\n{}`);
    try {
      await expect(kubeRequest(kubeconfigFor(ssh), { path: PODS })).rejects.toThrow(/^the API server at http:\/\/127\.0\.0\.1:\d+ did not answer in HTTP \(.+\): is the server URL in the kubeconfig \(scheme, host and port\) an API server's\?$/);
      await expect(kubeRequest(kubeconfigFor(big), { path: PODS })).rejects.toThrow(/did not answer in HTTP \(its headers are longer than 16 KiB\)/);
    } finally {
      ssh.close();
      big.close();
    }
  });
});
