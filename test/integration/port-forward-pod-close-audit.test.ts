import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { waitFor } from '../helpers/daemon-process.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * The pod closes a connection (its server answered and hung up, a keep-alive timeout) while the
 * local client keeps its side open, as pooled clients do: bytes the client sends afterwards must
 * not be counted as sent, and the connection must not stay open for good (CONNS wrong, one of the
 * forward's 256 slots taken): it is let go of a while after the answer was written.
 */

let h: SimDaemonWithClient;
let hangUp: Server;
const serverSockets = new Set<Socket>();
const NS = 'pfc';

type Info = { id: string; connections: number; bytesOut: number; bytesIn: number };

beforeAll(async () => {
  // Answers the first bytes with "bye" and closes: the pod's side of the connection is over.
  hangUp = createServer((s) => {
    serverSockets.add(s);
    s.on('close', () => serverSockets.delete(s));
    s.on('error', () => undefined);
    s.once('data', () => s.end('bye'));
  });
  await new Promise<void>((r) => hangUp.listen(0, '127.0.0.1', () => r()));
  h = await startSimDaemon({ client: true });
  h.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  h.sim.createObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'api', namespace: NS },
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 7000 }] }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
  });
  h.sim.setPortTarget(NS, 'api', 7000, { host: '127.0.0.1', port: (hangUp.address() as AddressInfo).port });
});
afterAll(async () => {
  await h?.stop();
  for (const s of serverSockets) s.destroy();
  await new Promise((r) => hangUp?.close(r));
});

async function info(id: string): Promise<Info> {
  const { forwards } = await h.client.request<{ forwards: Info[] }>('portForward/list');
  const f = forwards.find((x) => x.id === id);
  if (!f) throw new Error(`no forward ${id}`);
  return f;
}

/** A client that keeps its side open after the other side ended (a pooled keep-alive connection). */
async function askAndKeepOpen(port: number): Promise<{ s: Socket; closed: Promise<string>; ended: Promise<string> }> {
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('error', reject);
  });
  let got = '';
  s.on('data', (d: Buffer) => (got += d.toString()));
  let error = '';
  s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  const ended = new Promise<string>((r) => s.once('end', () => r(got)));
  const closed = new Promise<string>((r) => s.once('close', () => r(error)));
  s.write('hi');
  return { s, closed, ended };
}

describe('a connection the pod closed while the local client keeps its side open', () => {
  it('drops what the client sends afterwards (not counted as sent), and lets the connection go if the client never closes', async () => {
    const f = await h.client.request<{ id: string; localPort: number }>('portForward/start', { namespace: NS, pod: 'api', remotePort: 7000 });
    const [writer, idle] = await Promise.all([askAndKeepOpen(f.localPort), askAndKeepOpen(f.localPort)]);
    expect(await writer.ended).toBe('bye');
    expect(await idle.ended).toBe('bye');
    // These bytes cannot reach the pod.
    writer.s.write('second request');
    // Both are let go of (HALF_CLOSE_IDLE_MS after the answer was written), not held for good.
    await waitFor('both connections let go of', async () => (await info(f.id)).connections === 0, 40_000, 200);
    expect((await info(f.id)).bytesOut).toBe(4);
    // As with a closed TCP peer, the client's writes are reset now (the kernel's reset comes back
    // to a write, and the client notices it on the write after).
    let closedWith: string | null = null;
    void writer.closed.then((e) => (closedWith = e));
    await waitFor('the client reset', () => {
      if (closedWith === null && !writer.s.destroyed) writer.s.write('again');
      return closedWith !== null;
    }, 30_000, 100);
    expect(closedWith).toMatch(/^(ECONNRESET|EPIPE)$/);
    idle.s.destroy();
    await h.client.request('portForward/stop', { id: f.id });
  }, 90_000);
});
