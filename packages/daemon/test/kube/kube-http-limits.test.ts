import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { kubeconfigFor } from '../http-kubeconfig.js';
import { kubeRequest, MAX_ANSWER_BYTES } from '../../src/kube/kube-http.js';

/**
 * An API server (or a proxy in front of one) that answers with more than JavaScript can hold as one
 * string: the request is refused with that said, and nothing throws from the socket's handlers
 * (before the cap, `toString` of such a body threw there: the daemon's last-resort handler logged it
 * and the request never settled — a list waiting on it hung for good).
 */
const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

async function serving(bytes: number): Promise<KubeConfig> {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  const srv = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let sent = 0;
    const more = (): void => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    res.on('close', () => (sent = bytes));
    more();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  servers.push(srv);
  return kubeconfigFor(srv);
}

describe('kubeRequest answer size', () => {
  it('refuses an answer past the cap every request has, whatever it asked for', async () => {
    expect(MAX_ANSWER_BYTES).toBeLessThan(512 * 1024 * 1024);
    const kc = await serving(MAX_ANSWER_BYTES + 2 * 1024 * 1024);
    await expect(kubeRequest(kc, { path: '/api/v1/pods' })).rejects.toThrow('GET /api/v1/pods: the answer is bigger than 448 MiB; not read');
    await expect(kubeRequest(kc, { path: '/api/v1/pods', maxBytes: 10 * MAX_ANSWER_BYTES })).rejects.toThrow(/bigger than 448 MiB/);
  }, 60_000);

  it('a smaller cap asked for is kept', async () => {
    const kc = await serving(3 * 1024 * 1024);
    await expect(kubeRequest(kc, { path: '/api/v1/pods', maxBytes: 1024 * 1024 })).rejects.toThrow('GET /api/v1/pods: the answer is bigger than 1 MiB; not read');
  });
});
