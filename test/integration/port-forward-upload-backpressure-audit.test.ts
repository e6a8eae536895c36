import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { waitFor } from '../helpers/daemon-process.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A local client that sends a lot to a pod that does not read (an upload to a stuck server): the
 * daemon holds the client back (TCP backpressure through the stream) instead of queueing the
 * upload in its memory, and everything arrives once the pod reads again. kube-sim passes the
 * pod's backpressure on, as a kubelet does.
 */

const UPLOAD_BYTES = 64 * 1024 * 1024;
let h: SimDaemonWithClient;
let sink: Server;
let sinkSocket: Socket | null = null;
let received = 0;
const NS = 'pfu';

type Info = { id: string; bytesOut: number };

beforeAll(async () => {
  // Takes the first bytes, then stops reading until the test says so.
  sink = createServer((s) => {
    sinkSocket = s;
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => (received += d.length));
    s.once('data', () => s.pause());
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  h = await startSimDaemon({ client: true });
  h.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  h.sim.createObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'store', namespace: NS },
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 9000 }] }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
  });
  h.sim.setPortTarget(NS, 'store', 9000, { host: '127.0.0.1', port: (sink.address() as AddressInfo).port });
});
afterAll(async () => {
  await h?.stop();
  sinkSocket?.destroy();
  await new Promise((r) => sink?.close(r));
});

async function bytesOut(id: string): Promise<number> {
  const { forwards } = await h.client.request<{ forwards: Info[] }>('portForward/list');
  return forwards.find((x) => x.id === id)?.bytesOut ?? -1;
}

describe('an upload to a pod that does not read', () => {
  it('is held back at the client, with little taken by the daemon; it all arrives once the pod reads', async () => {
    const f = await h.client.request<{ id: string; localPort: number }>('portForward/start', { namespace: NS, pod: 'store', remotePort: 9000 });
    const s = connect(f.localPort, '127.0.0.1');
    s.on('error', () => undefined);
    s.write(Buffer.alloc(UPLOAD_BYTES, 0x75));
    // Held back: what the daemon took stops growing, far below the upload.
    let last = -1;
    const held = await waitFor('the upload held back', async () => {
      const n = await bytesOut(f.id);
      const stable = n > 0 && n === last;
      last = n;
      return stable ? n : null;
    }, 30_000, 500);
    expect(held).toBeLessThan(24 * 1024 * 1024);
    expect(s.writableLength).toBeGreaterThan(0);
    sinkSocket?.resume();
    await waitFor('the whole upload at the pod', () => received === UPLOAD_BYTES, 60_000, 100);
    s.destroy();
    await h.client.request('portForward/stop', { id: f.id });
  }, 120_000);
});
