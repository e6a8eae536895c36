import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A local client that sends its request, ends its side (`nc -N`, `socat`: stdin at EOF) and reads
 * a big answer slowly (piped into `less`, a paused consumer). While the daemon holds the pod back
 * for it, the pod is not "silent": the half-close idle limit must not cut the answer short (a
 * clean EOF after part of the bytes, silently).
 */

const HALF_CLOSE_IDLE_MS = 10_000;
const ANSWER_BYTES = 16 * 1024 * 1024;
let h: SimDaemonWithClient;
let big: Server;
const serverSockets = new Set<Socket>();
const NS = 'pfs';

beforeAll(async () => {
  // Answers any request with ANSWER_BYTES, as fast as they are taken, then closes.
  big = createServer((s) => {
    serverSockets.add(s);
    s.on('close', () => serverSockets.delete(s));
    s.on('error', () => undefined);
    s.once('data', () => {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const pump = (): void => {
        while (sent < ANSWER_BYTES) {
          sent += chunk.length;
          if (!s.write(chunk)) {
            s.once('drain', pump);
            return;
          }
        }
        s.end();
      };
      pump();
    });
  });
  await new Promise<void>((r) => big.listen(0, '127.0.0.1', () => r()));
  h = await startSimDaemon({ client: true });
  h.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  h.sim.createObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'files', namespace: NS },
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 8080 }] }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
  });
  h.sim.setPortTarget(NS, 'files', 8080, { host: '127.0.0.1', port: (big.address() as AddressInfo).port });
});
afterAll(async () => {
  await h?.stop();
  for (const s of serverSockets) s.destroy();
  await new Promise((r) => big?.close(r));
});

describe('a half-closed local client that reads slowly', () => {
  it('gets every byte of the answer, however long it pauses', async () => {
    const f = await h.client.request<{ id: string; localPort: number }>('portForward/start', { namespace: NS, pod: 'files', remotePort: 8080 });
    const s = connect({ port: f.localPort, host: '127.0.0.1', allowHalfOpen: true });
    s.on('error', () => undefined);
    let got = 0;
    s.on('data', (d: Buffer) => (got += d.length));
    s.pause();
    s.end('GET /big');
    // The consumer stalls for longer than the idle limit: this wait is the condition under test.
    await new Promise((r) => setTimeout(r, HALF_CLOSE_IDLE_MS + 3000));
    const done = new Promise<void>((r) => s.once('end', () => r()));
    s.resume();
    await done;
    expect(got).toBe(ANSWER_BYTES);
    s.destroy();
    await h.client.request('portForward/stop', { id: f.id });
  }, 60_000);
});
