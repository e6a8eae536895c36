import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * Bad input and limits for port-forwards, each a clear message with nothing else disturbed: a
 * remote port nothing listens on (the error channel's text reaches the list and the pane, the
 * local connection is closed), RBAC 403 on pods/portforward, the API server cutting streams,
 * pods that are gone or not running, local clients that hang up at once, the per-forward
 * connection cap, a local client that does not read (backpressure, bounded memory), and no
 * listener, connection or watch left behind after stop or when the daemon stops.
 */

let env: TestEnv;
let sim: KubeSim;
let daemon: DaemonProcess;
let script: RawClient;
let echo: Server;
let echoPort = 0;
let blaster: Server;
let blasterPort = 0;
/** Connections the test servers hold, destroyed at the end (server.close waits for them). */
const serverSockets = new Set<Socket>();
const tracked = (s: Socket): Socket => {
  serverSockets.add(s);
  s.once('close', () => serverSockets.delete(s));
  return s;
};
const BLAST_BYTES = 48 * 1024 * 1024;
let nsCounter = 0;
let ns = '';
let baseline: Status;

type Status = { portForwards: number; watches: number; memory: { rss: number }; streams: { portForwardListeners: number; portForwardConnections: number } };
type Info = { id: string; state: string; error: string | null; connections: number; namespace: string; localPort: number };

const runningPod = (name: string, namespace: string, ports: number[]) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports: ports.map((p) => ({ containerPort: p })) }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }],
  },
});

const status = (): Promise<Status> => script.request<Status>('daemon/status');

async function info(id: string): Promise<Info> {
  const { forwards } = await script.request<{ forwards: Info[] }>('portForward/list');
  const f = forwards.find((x) => x.id === id);
  if (!f) throw new Error(`no forward ${id}`);
  return f;
}

async function start(params: Record<string, unknown>): Promise<{ id: string; localPort: number }> {
  return script.request('portForward/start', { namespace: ns, ...params });
}

/** Opens a connection and resolves when it is established. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes `text` and resolves with what comes back before the connection closes (or `timeoutMs`). */
function exchange(port: number, text: string, timeoutMs = 15_000): Promise<{ got: string; closedBy: 'end' | 'reset' | 'timeout' }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ got, closedBy: 'timeout' });
    }, timeoutMs);
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('error', () => undefined);
    s.on('close', (hadError) => {
      clearTimeout(timer);
      resolve({ got, closedBy: hadError ? 'reset' : 'end' });
    });
    s.write(text);
  });
}

/** Echo round trip on an open connection. */
function roundTrip(s: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (got.length >= text.length) {
        s.off('data', onData);
        resolve(got);
      }
    };
    s.on('data', onData);
    s.once('close', () => reject(new Error(`closed after ${JSON.stringify(got)}`)));
    s.write(text);
  });
}

beforeAll(async () => {
  env = makeTestEnv();
  const kubeconfig = join(env.dir, 'sim-kubeconfig');
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: kubeconfig, stateDir: join(env.dir, 'sim') });
  env.env.KUBECONFIG = kubeconfig;
  echo = createServer((s) => {
    tracked(s).on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  echoPort = (echo.address() as AddressInfo).port;
  // Sends BLAST_BYTES as fast as the other side takes them, then ends.
  blaster = createServer((s) => {
    tracked(s).on('error', () => undefined);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < BLAST_BYTES) {
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
  await new Promise<void>((r) => blaster.listen(0, '127.0.0.1', () => r()));
  blasterPort = (blaster.address() as AddressInfo).port;
  daemon = await startDaemon(env);
  script = await RawClient.connect(env.socket);
  baseline = await status();
});
afterAll(async () => {
  script?.close();
  await daemon?.stop();
  await sim?.stop();
  for (const s of serverSockets) s.destroy();
  await new Promise((r) => echo?.close(r));
  await new Promise((r) => blaster?.close(r));
  env?.cleanup();
});
beforeEach(() => {
  ns = `pff-${++nsCounter}`;
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  sim.resetFaults();
});

describe('bad targets are refused at start with the reason', () => {
  it('a pod that is gone, a pod that is not running, a Service without that port, two targets at once', async () => {
    await expect(start({ pod: 'nope', remotePort: 80 })).rejects.toThrow(/portForward\/start: pods "nope" not found/);
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'waiting', namespace: ns }, spec: { containers: [{ name: 'main', image: 'busybox' }] }, status: { phase: 'Pending' } });
    await expect(start({ pod: 'waiting', remotePort: 80 })).rejects.toThrow('portForward/start: pod waiting is not running (phase Pending)');
    sim.createObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: ns }, spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    await expect(start({ service: 'svc', remotePort: 443 })).rejects.toThrow('portForward/start: service/svc has no port 443 (its ports: 80/http)');
    await expect(start({ service: 'svc', remotePort: 80 })).rejects.toThrow('portForward/start: no ready pod behind service/svc (0 pods match its selector)');
    await expect(start({ pod: 'a', service: 'svc', remotePort: 80 })).rejects.toThrow(/service: name exactly one target, not pod and service/);
    await expect(start({ remotePort: 80 })).rejects.toThrow(/pod: name exactly one target: pod, service, deployment, statefulset, replicaset or daemonset/);
    await expect(start({ pod: '../etc', remotePort: 80 })).rejects.toThrow(/is not an object name/);
    await expect(script.request('portForward/stop', { id: 'pf-999' })).rejects.toThrow("no port-forward 'pf-999'");
    expect(await status()).toMatchObject({ portForwards: baseline.portForwards, streams: baseline.streams });
  });
});

describe('failures of one connection are shown and disturb nothing else', () => {
  it('a remote port nothing listens on: the error channel message reaches the list and the pane, the local connection is closed', async () => {
    sim.createObject(runningPod('web', ns, [80]));
    sim.setPortTarget(ns, 'web', 7000, { host: '127.0.0.1', port: echoPort });
    const good = await start({ pod: 'web', remotePort: 7000 });
    const bad = await start({ pod: 'web', remotePort: 9999 });
    const r = await exchange(bad.localPort, 'hello?');
    expect(r.got).toBe('');
    expect(r.closedBy).not.toBe('timeout');
    const failed = await waitFor('the error in the list', async () => ((await info(bad.id)).error ? info(bad.id) : null));
    expect(failed.error).toMatch(/^error forwarding port 9999 to pod web, uid [-0-9a-f]+: .*connection refused/);
    expect(failed.state).toBe('active');

    const c = await RawClient.connect(env.socket);
    try {
      await c.attach({ cols: 200, rows: 20 });
      const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'port-forwards' }, newTab: true });
      await waitFor('the pane footer to show the error of the selected (newest) forward', async () => {
        const v = (await script.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 200 })).view;
        return v.type === 'table' && v.rows[0]?.id === bad.id && /error forwarding port 9999 to pod web/.test(v.footer ?? '');
      });
      // `/` filters the forwards; esc clears a filter (k9s), as on every list.
      const ids = async (): Promise<string> => {
        const v = (await script.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 200 })).view;
        return v.rows.map((r) => r.id).join(',');
      };
      await c.request('pane/command', { paneId, command: { type: 'filter', query: 'no-such-forward' } });
      await waitFor('nothing matches', async () => ((await ids()) === '' ? true : null));
      await c.request('pane/command', { paneId, command: { type: 'back' } });
      await waitFor('both forwards again', async () => ((await ids()) === `${bad.id},${good.id}` ? true : null));
    } finally {
      c.close();
    }
    // The other forward to the same pod carries on.
    expect((await exchange(good.localPort, 'ping', 2000)).got).toBe('ping');
    expect((await info(good.id)).error).toBeNull();
    await script.request('portForward/stop', { id: good.id });
    await script.request('portForward/stop', { id: bad.id });
  });

  it('RBAC 403 on pods/portforward: the connection is closed and the list says forbidden; allowed again, it works', async () => {
    sim.createObject(runningPod('api', ns, []));
    sim.setPortTarget(ns, 'api', 7000, { host: '127.0.0.1', port: echoPort });
    const f = await start({ pod: 'api', remotePort: 7000 });
    sim.forbid('pods/portforward');
    const r = await exchange(f.localPort, 'anyone?');
    expect(r).toMatchObject({ got: '' });
    const x = await waitFor('the 403 in the list', async () => ((await info(f.id)).error ? info(f.id) : null));
    expect(x.error).toMatch(/forbidden/i);
    expect(x.error).toMatch(/pods\/portforward/);
    sim.allow('pods/portforward');
    expect((await exchange(f.localPort, 'back', 2000)).got).toBe('back');
    await script.request('portForward/stop', { id: f.id });
  });

  it('the API server cutting the streams closes those connections with the reason; new ones work', async () => {
    sim.createObject(runningPod('db', ns, []));
    sim.setPortTarget(ns, 'db', 5432, { host: '127.0.0.1', port: echoPort });
    const f = await start({ pod: 'db', remotePort: 5432 });
    const held = await open(f.localPort);
    held.on('error', () => undefined);
    expect(await roundTrip(held, 'before')).toBe('before');
    const closed = new Promise<void>((r) => held.once('close', () => r()));
    sim.killSockets({ reset: true });
    await closed;
    const x = await waitFor('the cut in the list', async () => ((await info(f.id)).error ? info(f.id) : null));
    expect(x.error).toMatch(/^the API server cut the stream/);
    await waitFor('a new connection to work', async () => (await exchange(f.localPort, 'after', 3000)).got === 'after', 30_000, 200);
    await script.request('portForward/stop', { id: f.id });
  });

  it('local clients that hang up at once leave nothing open', async () => {
    sim.createObject(runningPod('q', ns, []));
    sim.setPortTarget(ns, 'q', 6000, { host: '127.0.0.1', port: echoPort });
    const f = await start({ pod: 'q', remotePort: 6000 });
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const s = await open(f.localPort);
        if (i % 2) s.destroy();
        else s.resetAndDestroy();
      }),
    );
    await waitFor('every connection closed', async () => (await status()).streams.portForwardConnections === baseline.streams.portForwardConnections);
    expect(await info(f.id)).toMatchObject({ connections: 0, state: 'active' });
    expect((await exchange(f.localPort, 'still', 3000)).got).toBe('still');
    await script.request('portForward/stop', { id: f.id });
  });
});

describe('limits', () => {
  it('caps concurrent connections per forward at 256: the next one is closed and the list says why', async () => {
    sim.createObject(runningPod('busy', ns, []));
    sim.setPortTarget(ns, 'busy', 9000, { host: '127.0.0.1', port: echoPort });
    const f = await start({ pod: 'busy', remotePort: 9000 });
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 256; i += 32) {
        const batch = await Promise.all(Array.from({ length: 32 }, () => open(f.localPort)));
        for (const s of batch) s.on('error', () => undefined);
        held.push(...batch);
        await Promise.all(batch.map((s, j) => roundTrip(s, `c${i + j};`)));
      }
      expect((await info(f.id)).connections).toBe(256);
      const over = await exchange(f.localPort, 'one too many', 5000);
      expect(over).toMatchObject({ got: '' });
      expect(over.closedBy).not.toBe('timeout');
      expect((await info(f.id)).error).toBe('a new connection was refused: 256 are open (the limit per forward)');
      // The held ones still work.
      expect(await roundTrip(held[100]!, 'still here')).toBe('still here');
    } finally {
      for (const s of held) s.destroy();
    }
    // They talked and then hung up: each stream is closed once the pod was quiet for HALF_CLOSE_IDLE_MS (10 s).
    await waitFor('all closed', async () => (await info(f.id)).connections === 0, 45_000, 200);
    await script.request('portForward/stop', { id: f.id });
  });

  it('a local client that does not read holds the pod back: the daemon buffers a bounded amount, and every byte arrives later', async () => {
    sim.createObject(runningPod('big', ns, []));
    sim.setPortTarget(ns, 'big', 8000, { host: '127.0.0.1', port: blasterPort });
    const f = await start({ pod: 'big', remotePort: 8000 });
    const before = (await status()).memory.rss;
    const s = await open(f.localPort);
    s.pause();
    s.write('go');
    // While nobody reads, the bytes that went through stay small and so does the daemon.
    await new Promise((r) => setTimeout(r, 1500));
    const stalled = await script.request<{ forwards: Array<{ id: string; bytesIn: number }> }>('portForward/list');
    const inWhileStalled = stalled.forwards.find((x) => x.id === f.id)!.bytesIn;
    expect(inWhileStalled).toBeLessThan(16 * 1024 * 1024);
    expect((await status()).memory.rss - before).toBeLessThan(64 * 1024 * 1024);
    let got = 0;
    const done = new Promise<void>((r) => s.once('end', () => r()));
    s.on('data', (d: Buffer) => (got += d.length));
    s.resume();
    await done;
    expect(got).toBe(BLAST_BYTES);
    s.destroy();
    await script.request('portForward/stop', { id: f.id });
  });
});

describe('nothing leaks', () => {
  it('after stop: no listener, connection or pods watch is left; stopping the daemon stops every forward', async () => {
    sim.createObject(runningPod('one', ns, []));
    sim.setPortTarget(ns, 'one', 1234, { host: '127.0.0.1', port: echoPort });
    // The session's own panes hold watches of their own: compare with what was open before.
    const before = await status();
    const fs = await Promise.all([start({ pod: 'one', remotePort: 1234 }), start({ pod: 'one', remotePort: 1234 })]);
    const open1 = await open(fs[0]!.localPort);
    open1.on('error', () => undefined);
    expect(await roundTrip(open1, 'x')).toBe('x');
    const during = await status();
    expect(during.streams.portForwardListeners).toBe(baseline.streams.portForwardListeners + 2);
    expect(during.streams.portForwardConnections).toBe(baseline.streams.portForwardConnections + 1);
    expect(during.portForwards).toBe(baseline.portForwards + 2);
    expect(during.watches).toBe(before.watches + 1);
    for (const f of fs) await script.request('portForward/stop', { id: f.id });
    await waitFor('everything closed', async () => {
      const s = await status();
      if (s.streams.portForwardListeners === 0 && s.streams.portForwardConnections === 0 && s.portForwards === 0 && s.watches === before.watches) return true;
      throw new Error(`still open: ${JSON.stringify({ ...s.streams, portForwards: s.portForwards, watches: s.watches, watchesBefore: before.watches })}`);
    });
    await waitFor('the held connection closed', () => open1.destroyed || open1.readableEnded);
    open1.destroy();

    // Forwards that are still running when the daemon stops are stopped with it.
    const last = await start({ pod: 'one', remotePort: 1234 });
    expect((await exchange(last.localPort, 'alive', 3000)).got).toBe('alive');
    script.close();
    expect(await daemon.stop()).toBe(0);
    await expect(open(last.localPort)).rejects.toThrow(/ECONNREFUSED/);
  });
});
