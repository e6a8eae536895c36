import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { waitFor } from '../helpers/daemon-process.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A server that speaks first (SSH, SMTP, MySQL greet the client) read by a client that sends
 * nothing and ends its side at once (`nc -N localhost PORT </dev/null`, `socat -u`): the greeting
 * must reach it, as it does through kubectl port-forward, not a bare end of stream.
 */

const GREETING = 'SSH-2.0-OpenSSH_9.6\r\n';
let h: SimDaemonWithClient;
let sshd: Server;
const serverSockets = new Set<Socket>();
const NS = 'pfb';

beforeAll(async () => {
  sshd = createServer((s) => {
    serverSockets.add(s);
    s.on('close', () => serverSockets.delete(s));
    s.on('error', () => undefined);
    s.write(GREETING);
  });
  await new Promise<void>((r) => sshd.listen(0, '127.0.0.1', () => r()));
  h = await startSimDaemon({ client: true });
  h.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  h.sim.createObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'bastion', namespace: NS },
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 22 }] }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
  });
  h.sim.setPortTarget(NS, 'bastion', 22, { host: '127.0.0.1', port: (sshd.address() as AddressInfo).port });
});
afterAll(async () => {
  await h?.stop();
  for (const s of serverSockets) s.destroy();
  await new Promise((r) => sshd?.close(r));
});

describe('a client that sends nothing and ends its side at once', () => {
  it("still gets the server's greeting", async () => {
    const f = await h.client.request<{ id: string; localPort: number }>('portForward/start', { namespace: NS, pod: 'bastion', remotePort: 22 });
    const s = connect({ port: f.localPort, host: '127.0.0.1', allowHalfOpen: true });
    s.on('error', () => undefined);
    let got = '';
    let ended = false;
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('end', () => (ended = true));
    s.end();
    await waitFor('the greeting or the end of the stream', () => got === GREETING || ended, 20_000);
    expect(got).toBe(GREETING);
    s.destroy();
    await h.client.request('portForward/stop', { id: f.id });
  });
});
