import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createHttpServer, request, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { forwardedOn, forwardLoopbacks, hasIPv6Loopback } from '../helpers/loopbacks.js';

/**
 * Port-forwards listen where kubectl's do for `localhost`: on 127.0.0.1 and on ::1, on the same
 * port, so a client that resolves `localhost` to ::1 first (Node ≥ 17, Java, browsers) reaches the
 * pod. Real connections to [::1]:port (skipped, with the reason, on a machine without an IPv6
 * loopback: there the forward listens on 127.0.0.1 alone). A real daemon, kube-sim behind it.
 */

const ipv6 = await hasIPv6Loopback;
const NO_IPV6 = 'this machine cannot listen on ::1 (no IPv6 loopback): the forward listens on 127.0.0.1 alone, nothing to assert of ::1';

let stack: SimDaemonWithClient | undefined;
let env: TestEnv;
let sim: KubeSim;
let script: RawClient;
/** The daemon now (a test restarts it). */
let daemon: DaemonProcess;
let backend: HttpServer;
let backendPort = 0;
let nsCounter = 0;
let ns = '';

const runningPod = (name: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name } },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 80 }] }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }],
  },
});

/** One GET on a fresh connection to host:port: the body, or the error's code. */
function get(host: string, port: number, path: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, agent: false, headers: { Connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
      res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')));
    req.end();
  });
}

/** Another program's connections, closed with it. */
const accepted = new WeakMap<Server, Set<Socket>>();

/** Another program listening on host:port (0: any), answering with its name. */
function squat(host: string, port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const conns = new Set<Socket>();
    const s = createServer((c) => {
      conns.add(c);
      c.once('close', () => conns.delete(c));
      c.end('HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n\r\nanother thing');
    });
    accepted.set(s, conns);
    s.once('error', reject);
    s.listen(port, host, () => resolve(s));
  });
}
const closeServer = (s: Server): Promise<void> =>
  new Promise((r) => {
    s.close(() => r());
    for (const c of accepted.get(s) ?? []) c.destroy();
  });

/** A port free on both loopbacks (listened on and let go of). */
async function freePort(): Promise<number> {
  for (;;) {
    const s = await squat('127.0.0.1');
    const port = (s.address() as AddressInfo).port;
    await closeServer(s);
    if (!ipv6) return port;
    const s6 = await squat('::1', port).catch(() => null);
    if (s6) {
      await closeServer(s6);
      return port;
    }
  }
}

interface Info {
  id: string;
  namespace: string;
  localAddress: string;
  localAddresses: string[];
  localPort: number;
  state: string;
  error: string | null;
}
const list = async (): Promise<Info[]> => (await script.request<{ forwards: Info[] }>('portForward/list')).forwards.filter((f) => f.namespace === ns);

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: async () => {
      backend = createHttpServer((req, res) => res.end(`the pod says ${req.url}`));
      await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
      backendPort = (backend.address() as AddressInfo).port;
    },
    client: true,
  });
  ({ env, sim, client: script, daemon } = stack);
});
afterAll(async () => {
  // A daemon the restart test started is not the one the stack knows of.
  if (stack && daemon !== stack.daemon) await daemon.stop();
  await stack?.stop();
  await new Promise((r) => backend?.close(r));
});
beforeEach(() => {
  ns = `v6-${++nsCounter}`;
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  sim.createObject(runningPod('web', ns));
  sim.setPortTarget(ns, 'web', 80, { host: '127.0.0.1', port: backendPort });
});

describe('a port-forward on localhost', () => {
  it('listens on 127.0.0.1 and ::1 on the same automatic port, says so in the result, the list and the pane; stopping it closes both', async () => {
    const started = await script.request<{ id: string; localPort: number; localAddresses: string[]; message: string }>('portForward/start', { namespace: ns, pod: 'web', remotePort: 80 });
    const port = started.localPort;
    expect(started.localAddresses).toEqual(await forwardLoopbacks());
    expect(started.message).toBe(`Forwarding pod/web:80 -> ${await forwardedOn(port)}`);
    expect(await get('127.0.0.1', port, '/v4')).toBe('the pod says /v4');
    if (ipv6) expect(await get('::1', port, '/v6')).toBe('the pod says /v6');
    else console.warn(`skipped the [::1]:${port} connection: ${NO_IPV6}`);

    // Backward compatible: `localAddress` is still there, as it was; `localAddresses` says where it listens.
    expect(await list()).toEqual([expect.objectContaining({ id: started.id, localAddress: '127.0.0.1', localAddresses: await forwardLoopbacks(), localPort: port, state: 'active', error: null })]);
    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'port-forwards' }, newTab: true });
    const row = await waitFor('the forward in the pane', async () => {
      const v = (await script.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 200 })).view;
      return v.type === 'table' ? v.rows.find((r) => r.id === started.id) : undefined;
    });
    expect(row.cells.local).toBe(await forwardedOn(port));
    // One forward, counted once whatever the listeners.
    expect(await script.request('daemon/status')).toMatchObject({ portForwards: 1, streams: { portForwardListeners: 1 } });

    await script.request('portForward/stop', { id: started.id });
    expect(await get('127.0.0.1', port, '/')).toBe('ECONNREFUSED');
    if (ipv6) expect(await get('::1', port, '/')).toBe('ECONNREFUSED');
    expect(await script.request('daemon/status')).toMatchObject({ portForwards: 0, streams: { portForwardListeners: 0 } });
    await script.request('pane/close', { paneId }).catch(() => undefined);
  });

  it.skipIf(!ipv6)('on a port another program holds on ::1 only: forwards on 127.0.0.1, as kubectl does, and says ::1 is not forwarded', async () => {
    const port = await freePort();
    const other = await squat('::1', port);
    try {
      const started = await script.request<{ id: string; localAddresses: string[]; message: string }>('portForward/start', { namespace: ns, pod: 'web', remotePort: 80, localPort: port });
      expect(started).toMatchObject({ localAddresses: ['127.0.0.1'], message: `Forwarding pod/web:80 -> 127.0.0.1:${port}` });
      expect(await get('127.0.0.1', port, '/mine')).toBe('the pod says /mine');
      expect(await get('::1', port, '/theirs')).toBe('another thing');
      expect(await list()).toEqual([
        expect.objectContaining({ localAddresses: ['127.0.0.1'], state: 'active', error: `[::1]:${port}: in use by another program; this forward listens on 127.0.0.1:${port} only` }),
      ]);
      await script.request('portForward/stop', { id: started.id });
      expect(await get('127.0.0.1', port, '/')).toBe('ECONNREFUSED');
      expect(await get('::1', port, '/')).toBe('another thing');
    } finally {
      await closeServer(other);
    }
  });

  it.skipIf(!ipv6)('on a port another program holds on 127.0.0.1 only: forwards on ::1, as kubectl does, and says 127.0.0.1 is not forwarded', async () => {
    const port = await freePort();
    const other = await squat('127.0.0.1', port);
    try {
      const started = await script.request<{ id: string; localAddresses: string[]; message: string }>('portForward/start', { namespace: ns, pod: 'web', remotePort: 80, localPort: port });
      expect(started).toMatchObject({ localAddresses: ['::1'], message: `Forwarding pod/web:80 -> [::1]:${port}` });
      expect(await get('::1', port, '/mine')).toBe('the pod says /mine');
      expect(await get('127.0.0.1', port, '/theirs')).toBe('another thing');
      expect((await list())[0]).toMatchObject({ localAddress: '127.0.0.1', localAddresses: ['::1'], error: `127.0.0.1:${port}: in use by another program; this forward listens on [::1]:${port} only` });
      await script.request('portForward/stop', { id: started.id });
      expect(await get('::1', port, '/')).toBe('ECONNREFUSED');
    } finally {
      await closeServer(other);
    }
  });

  it('comes back on both loopbacks after a daemon restart; one whose 127.0.0.1 port another program took meanwhile moves to a new port on both', async () => {
    const a = await script.request<{ id: string; localPort: number }>('portForward/start', { namespace: ns, pod: 'web', remotePort: 80 });
    const b = await script.request<{ id: string; localPort: number }>('portForward/start', { namespace: ns, pod: 'web', remotePort: 80 });
    const stateFile = join(env.dir, 'state', 'kubetile', 'sessions.json');
    await waitFor('both forwards saved', () => existsSync(stateFile) && [a, b].every((f) => readFileSync(stateFile, 'utf8').includes(`"localPort":${f.localPort}`)));
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    script.close();
    // Another program takes b's port on 127.0.0.1 (only) while the daemon is down.
    const other = await squat('127.0.0.1', b.localPort);
    try {
      daemon = await startDaemon(env);
      script = await RawClient.connect(env.socket);
      const back = await waitFor('both forwards back', async () => {
        const l = await list();
        return l.length === 2 && l.every((f) => f.state === 'active') ? l : null;
      });
      const sameA = back.find((f) => f.localPort === a.localPort)!;
      expect(sameA).toMatchObject({ localAddresses: await forwardLoopbacks(), error: null });
      const movedB = back.find((f) => f.localPort !== a.localPort)!;
      // Not left on [::1] alone, with 127.0.0.1:port answered by the other program: moved, on both.
      expect(movedB.localPort).not.toBe(b.localPort);
      expect(movedB).toMatchObject({ localAddresses: await forwardLoopbacks(), error: null });
      for (const port of [a.localPort, movedB.localPort]) {
        expect(await get('127.0.0.1', port, '/again')).toBe('the pod says /again');
        if (ipv6) expect(await get('::1', port, '/again6')).toBe('the pod says /again6');
      }
      if (!ipv6) console.warn(`skipped the [::1] connections after the restart: ${NO_IPV6}`);
      expect(await get('127.0.0.1', b.localPort, '/')).toBe('another thing');
      for (const f of back) await script.request('portForward/stop', { id: f.id });
    } finally {
      await closeServer(other);
    }
  }, 60_000);

});
