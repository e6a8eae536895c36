import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterManager } from '../../src/kube/cluster.js';
import { ClusterObjects } from '../../src/kube/cluster-objects.js';
import { createLogger } from '../../src/logging/logger.js';

/**
 * Naming a kind kubetile does not know asks the cluster what it serves (discovery: /api/v1, /apis
 * and each group). A discovery that failed was dropped at once: while the API server could not
 * answer, each call (a plugin naming a kind in a loop, its writes, its event feeds) sent the whole
 * discovery again. The failure now answers for a few seconds. The "API server" here takes each
 * connection and closes it at once, counting them.
 */

let server: Server;
let connections = 0;
let dir: string;
let kube: ClusterManager;

beforeAll(async () => {
  server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  dir = mkdtempSync(join(tmpdir(), 'kt-disco-'));
  writeFileSync(
    join(dir, 'config'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'broken', cluster: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'broken', context: { cluster: 'broken', user: 'u' } }],
      'current-context': 'broken',
    }),
  );
  kube = new ClusterManager(createLogger({ level: 'silent' }).logger);
  kube.load({ KUBECONFIG: join(dir, 'config'), HOME: dir });
});
afterAll(async () => {
  kube?.stop();
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('discovery while the API server fails', () => {
  it('one failed discovery answers the calls that follow it, instead of one discovery per call', async () => {
    const objects = new ClusterObjects(kube);
    const before = connections;
    for (let i = 0; i < 30; i++) {
      await expect(objects.resolveResource('broken', 'widgets.example.com', AbortSignal.timeout(10_000))).rejects.toThrow();
    }
    expect(connections - before).toBeGreaterThanOrEqual(1);
    // 30 calls in well under the retry window: one discovery (two if the machine stalled for seconds).
    expect(connections - before).toBeLessThanOrEqual(2);
  });
});
