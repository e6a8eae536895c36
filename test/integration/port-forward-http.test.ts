import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { forwardedOn, forwardedOnRe, forwardLoopbacks, hasIPv6Loopback } from '../helpers/loopbacks.js';

/**
 * Port-forwards belong to the daemon: `p` on a pod (a dialog with the suggested remote port and a
 * local port) starts one that carries HTTP both ways to a real server behind the sim's pod port,
 * keeps working after the client that made it detached, shows in the port-forwards pane and stops
 * from it; a busy local port is refused with a message. A real daemon, kube-sim behind it.
 */

let env: TestEnv;
let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let script: RawClient;
let backend: Server;
let backendPort = 0;
let nsCounter = 0;
let ns = '';

const runningPod = (name: string, namespace: string, ports: Array<{ name?: string; containerPort: number }>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name } },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }],
  },
});

/** One HTTP request on a fresh connection to 127.0.0.1:port. */
function http(port: number, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', agent: false, headers: { Connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')));
    req.end(body);
  });
}

function toasts(c: RawClient): string[] {
  return c.notifications.filter((n) => n.method === 'toast').map((n) => (n.params as { text: string }).text);
}
const waitToast = (c: RawClient, re: RegExp): Promise<string> => waitFor(`a toast matching ${re} (got ${JSON.stringify(toasts(c))})`, () => toasts(c).find((t) => re.test(t)));

async function status(): Promise<{ portForwards: number; streams: { portForwardListeners: number; portForwardConnections: number } }> {
  return script.request('daemon/status');
}

async function snapshot(paneId: number): Promise<TableView> {
  const v = (await script.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 200 })).view;
  if (v.type !== 'table') throw new Error(`pane ${paneId} shows a ${v.type}`);
  return v;
}

/** A client attached to a pods pane of `ns`, focused on it. */
async function podsPane(names: string[]): Promise<{ c: RawClient; paneId: number }> {
  const c = await RawClient.connect(env.socket);
  await c.attach({ cols: 160, rows: 40 });
  const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
  await c.request('kube/use', { tabId, namespace: ns });
  await waitFor('pods listed', async () => {
    const v = await snapshot(paneId);
    return JSON.stringify(v.rows.map((r) => r.cells.name)) === JSON.stringify(names);
  });
  return { c, paneId };
}

/** Answers the client's input overlay (titled like `title`) with `value` (replacing what is there). */
async function answer(c: RawClient, title: RegExp, expectValue: string, value?: string): Promise<void> {
  const l = await c.waitLayout(`an input overlay ${title}`, (x) => x.overlay?.type === 'input' && title.test(x.overlay.title));
  expect(l.overlay).toMatchObject({ type: 'input', value: expectValue });
  if (value !== undefined) {
    for (let i = 0; i < expectValue.length; i++) await c.request('client/key', { key: 'backspace' });
    for (const ch of value) await c.request('client/key', { key: ch });
  }
  await c.request('client/key', { key: 'enter' });
}

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: async () => {
      backend = createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (c: string) => (body += c));
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end(`backend saw ${req.method} ${req.url} with ${JSON.stringify(body)}`);
        });
      });
      await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
      backendPort = (backend.address() as AddressInfo).port;
    },
    client: true,
  });
  ({ env, sim, client: script } = stack);
});
afterAll(async () => {
  await stack?.stop();
  await new Promise((r) => backend?.close(r));
});
beforeEach(() => {
  ns = `pf-${++nsCounter}`;
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});

describe('p on a pod', () => {
  it('suggests the http port, forwards HTTP both ways, and keeps working after the client that made it detached', async () => {
    sim.createObject(runningPod('web', ns, [{ name: 'metrics', containerPort: 9090 }, { name: 'http-alt', containerPort: 8080 }]));
    sim.setPortTarget(ns, 'web', 8080, { host: '127.0.0.1', port: backendPort });
    const { c } = await podsPane(['web']);
    await c.request('client/key', { key: 'p' });
    await answer(c, /web.*remote port/, '8080');
    await answer(c, /local port/, '0');
    const toast = await waitToast(c, new RegExp(`^Forwarding pod/web:8080 -> ${await forwardedOnRe()}$`));
    const localPort = Number(/:(\d+)$/.exec(toast)![1]);
    expect(localPort).toBeGreaterThan(0);

    const first = await http(localPort, '/hello?x=1', 'ping from the test');
    expect(first).toEqual({ status: 200, text: 'backend saw POST /hello?x=1 with "ping from the test"' });

    // Every client goes away: the forward is the daemon's.
    await c.request('session/detach');
    c.close();
    await waitFor('no client attached', async () => (await script.request<{ clients: number }>('daemon/status')).clients === 0);
    const big = 'x'.repeat(300_000);
    const second = await http(localPort, '/after-detach', big);
    expect(second.status).toBe(200);
    expect(second.text).toBe(`backend saw POST /after-detach with ${JSON.stringify(big)}`);

    const { forwards } = await script.request<{ forwards: Array<Record<string, unknown>> }>('portForward/list');
    const f = forwards.find((x) => x.namespace === ns)!;
    expect(f).toMatchObject({ target: 'pod/web', pod: 'web', remotePort: 8080, localPort, localAddress: '127.0.0.1', localAddresses: await forwardLoopbacks(), state: 'active', totalConnections: 2 });
    expect(f.bytesOut as number).toBeGreaterThan(300_000);
    expect(f.bytesIn as number).toBeGreaterThan(300_000);
    await script.request('portForward/stop', { id: f.id });
    await expect(http(localPort, '/gone')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('on a pod already forwarded offers to stop the forward', async () => {
    sim.createObject(runningPod('api', ns, [{ containerPort: 3000 }]));
    sim.setPortTarget(ns, 'api', 3000, { host: '127.0.0.1', port: backendPort });
    const { c } = await podsPane(['api']);
    try {
      await c.request('client/key', { key: 'p' });
      // A port out of range, or a name the pod does not have, stays in the dialog, to be corrected.
      await answer(c, /api.*remote port/, '3000', '99999');
      await waitToast(c, /remote port must be a whole number from 1 to 65535, not '99999'/);
      await answer(c, /api.*remote port/, '99999', 'grpc');
      await waitToast(c, /pod\/api has no container port named 'grpc' \(it names none of its ports\)/);
      await answer(c, /api.*remote port/, 'grpc', '3000');
      await answer(c, /local port/, '0');
      const toast = await waitToast(c, new RegExp(`^Forwarding pod/api:3000 -> ${await forwardedOnRe()}$`));
      const localPort = Number(/:(\d+)$/.exec(toast)![1]);
      expect((await http(localPort, '/')).status).toBe(200);
      await c.request('client/key', { key: 'p' });
      const l = await c.waitLayout('the stop prompt', (x) => x.overlay?.type === 'confirm');
      expect(l.overlay).toMatchObject({ text: `pod/api:3000 -> ${await forwardedOn(localPort)} is running. Stop it?` });
      await c.request('client/key', { key: 'y' });
      await waitToast(c, new RegExp(`^Stopped port-forward pod/api:3000 -> ${await forwardedOnRe(localPort)}$`));
      await expect(http(localPort, '/')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      c.close();
    }
  });
});

describe('p on a Deployment', () => {
  it("suggests the template's web port and forwards to a ready pod behind it", async () => {
    sim.createObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shop', namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'shop' } },
        template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'main', image: 'shop:1', ports: [{ containerPort: 9100 }, { name: 'web', containerPort: 8000 }] }] } },
      },
    });
    // kube-sim runs no controller here: the pods behind it are made by hand (one not ready).
    sim.createObject({ ...runningPod('shop-2', ns, [{ name: 'web', containerPort: 8000 }]), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } });
    sim.createObject(runningPod('shop-1', ns, [{ name: 'web', containerPort: 8000 }]));
    for (const name of ['shop-1', 'shop-2']) sim.patchObject('v1', 'Pod', name, ns, { metadata: { labels: { app: 'shop' } } });
    sim.setPortTarget(ns, 'shop-1', 8000, { host: '127.0.0.1', port: backendPort });
    const c = await RawClient.connect(env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'deployments' } }, newTab: true });
      await c.request('kube/use', { tabId, namespace: ns });
      await waitFor('the deployment listed', async () => (await snapshot(paneId)).rows.some((r) => r.cells.name === 'shop'));
      await c.request('client/key', { key: 'p' });
      // Answered with the template's port name (as kubectl takes it): its number is forwarded.
      await answer(c, /deployment\/shop.*remote port/, '8000', 'web');
      await answer(c, /local port/, '0');
      const toast = await waitToast(c, new RegExp(`^Forwarding deployment/shop:8000 -> ${await forwardedOnRe()} \\(pod shop-1:8000\\)$`));
      const localPort = Number(/127\.0\.0\.1:(\d+)/.exec(toast)![1]);
      expect(await http(localPort, '/cart', 'item=1')).toEqual({ status: 200, text: 'backend saw POST /cart with "item=1"' });
      const { forwards } = await script.request<{ forwards: Array<{ id: string; localPort: number }> }>('portForward/list');
      await script.request('portForward/stop', { id: forwards.find((f) => f.localPort === localPort)!.id });
    } finally {
      c.close();
    }
  });
});

describe('a busy local port', () => {
  let squatter: TcpServer;
  /** The same port taken on ::1 too: a forward fails only when it can listen on no loopback, as kubectl's. */
  let squatter6: TcpServer | null = null;
  beforeEach(async () => {
    squatter = createTcpServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', () => r()));
    if (await hasIPv6Loopback) {
      const s6 = createTcpServer();
      await new Promise<void>((r) => s6.listen((squatter.address() as AddressInfo).port, '::1', () => r()));
      squatter6 = s6;
    }
    return async () => {
      await new Promise<void>((r) => squatter.close(() => r()));
      if (squatter6) await new Promise<void>((r) => squatter6!.close(() => r()));
      squatter6 = null;
    };
  });

  it('is refused with a message, over RPC and from the dialog, and nothing is left listening', async () => {
    const busy = (squatter.address() as AddressInfo).port;
    const on = (await forwardLoopbacks()).join(' and ');
    sim.createObject(runningPod('db', ns, [{ containerPort: 5432 }]));
    const before = await status();
    await expect(script.request('portForward/start', { namespace: ns, pod: 'db', remotePort: 5432, localPort: busy })).rejects.toThrow(
      `portForward/start: local port ${busy} on ${on} is already in use`,
    );
    const { c } = await podsPane(['db']);
    try {
      await c.request('client/key', { key: 'p' });
      await answer(c, /db.*remote port/, '5432');
      await answer(c, /local port/, '0', String(busy));
      await waitToast(c, new RegExp(`port-forward failed: local port ${busy} on ${on.replace(/\./g, '\\.')} is already in use`));
    } finally {
      c.close();
    }
    expect(await status()).toMatchObject({ portForwards: before.portForwards, streams: { portForwardListeners: before.streams.portForwardListeners } });
    const { forwards } = await script.request<{ forwards: Array<{ namespace: string }> }>('portForward/list');
    expect(forwards.filter((f) => f.namespace === ns)).toEqual([]);
  });

  it('taken by another of kubetile\'s forwards: the message names that forward', async () => {
    sim.createObject(runningPod('cache', ns, [{ containerPort: 6379 }]));
    const first = await script.request<{ id: string; localPort: number }>('portForward/start', { namespace: ns, pod: 'cache', remotePort: 6379 });
    try {
      await expect(script.request('portForward/start', { namespace: ns, pod: 'cache', remotePort: 6379, localPort: first.localPort })).rejects.toThrow(
        `portForward/start: local port ${first.localPort} on 127.0.0.1 is already in use by port-forward ${first.id} (pod/cache:6379 -> ${await forwardedOn(first.localPort)}); stop it first or choose another port`,
      );
    } finally {
      await script.request('portForward/stop', { id: first.id });
    }
  });
});

describe('the port-forwards pane', () => {
  it('lists target, namespace, pod, ports, age, connections, bytes and state, and stops the selected forward after a confirm', async () => {
    sim.createObject(runningPod('cache', ns, [{ containerPort: 6379 }]));
    sim.setPortTarget(ns, 'cache', 6379, { host: '127.0.0.1', port: backendPort });
    const started = await script.request<{ id: string; localPort: number; pod: string }>('portForward/start', { namespace: ns, pod: 'cache', remotePort: 6379 });
    expect(started.pod).toBe('cache');
    // A connection held open shows in CONNS.
    const held = connect(started.localPort, '127.0.0.1');
    held.on('error', () => undefined);
    held.write('GET /held HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((r) => held.once('data', () => r()));

    const c = await RawClient.connect(env.socket);
    try {
      await c.attach({ cols: 200, rows: 30 });
      await c.request('client/key', { key: 'ctrl+shift+p' });
      const paneId = await waitFor('a port-forwards pane focused in a new tab', async () => {
        const l = c.layout;
        const focused = l?.tabs.find((t) => t.id === l.activeTabId)?.focusedPaneId;
        const { panes } = await c.request<{ panes: Array<{ paneId: number; key: string }> }>('pane/list');
        return panes.find((p) => p.paneId === focused && p.key === 'port-forwards')?.paneId;
      });
      const row = await waitFor('the forward in the pane with one open connection', async () => {
        const v = await snapshot(paneId);
        const r = v.rows.find((x) => x.cells.namespace === ns);
        return r && r.cells.connections === '1' ? r : null;
      });
      expect(row.cells).toMatchObject({ target: 'pod/cache', pod: 'cache', local: await forwardedOn(started.localPort), remote: '6379', state: 'active' });
      expect(row.cells.in).toMatch(/\d+ B/);
      expect(row.cells.out).toMatch(/\d+ B/);
      const v = await snapshot(paneId);
      expect(v.columns.map((x) => x.title)).toEqual(['TARGET', 'NAMESPACE', 'POD', 'LOCAL', 'REMOTE', 'AGE', 'CONNS', 'IN', 'OUT', 'STATE']);
      // Ages tick without anything else changing.
      const age0 = row.cells.age;
      await waitFor('the age to tick', async () => (await snapshot(paneId)).rows.find((x) => x.id === started.id)?.cells.age !== age0);

      // Select it (newest first: it is the first row) and stop it with x after the confirm.
      await c.request('client/key', { key: 'g' });
      await c.request('client/key', { key: 'x' });
      const l = await c.waitLayout('the stop confirm', (x) => x.overlay?.type === 'confirm');
      expect(l.overlay).toMatchObject({ text: `Stop the port-forward pod/cache:6379 -> ${await forwardedOn(started.localPort)}?` });
      await c.request('client/key', { key: 'y' });
      await waitToast(c, /^Stopped port-forward pod\/cache:6379/);
      await waitFor('the row gone', async () => !(await snapshot(paneId)).rows.some((x) => x.id === started.id));
      await waitFor('the held connection closed', () => held.destroyed || held.readableEnded);
    } finally {
      held.destroy();
      c.close();
    }
  });
});
