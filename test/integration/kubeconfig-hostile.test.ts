import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { replaceKubeconfig, simKubeconfig } from '../helpers/kubeconfig-file.js';

/**
 * A kubeconfig changed at a bad moment: a context pointed at another cluster while its list is
 * still on its way, a context removed while a port-forward on it runs. What the panes show must be
 * the cluster the context names now, and requests must stop going out with credentials the user
 * took away. Two kube-sims stand for two clusters.
 */

let a: KubeSim;
let b: KubeSim;
let simEnv: TestEnv;
let env: TestEnv;
let daemon: DaemonProcess | null = null;
const clients: RawClient[] = [];

const pod = (name: string, namespace = 'default') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name } },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 7000 }] }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }],
  },
});

const kubeconfig = simKubeconfig;
const writeKubeconfig = (text: string): void => replaceKubeconfig(env.env.KUBECONFIG!, text);

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(env.socket);
  clients.push(c);
  await c.attach({ cols: 120, rows: 40 });
  return c;
}

async function rows(c: RawClient, paneId: number): Promise<string[]> {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 120 })).view;
  return v.type === 'table' ? v.rows.map((r) => r.cells.name!).sort() : [];
}

const toast = (c: RawClient, text: string, timeoutMs?: number): Promise<string> => waitFor(`a toast with "${text}"`, () => c.toasts().find((t) => t.includes(text)) ?? null, timeoutMs);

const podLists = (sim: KubeSim) => sim.journalEntries({ path: '/api/v1/namespaces/default/pods', method: 'GET' }).filter((e) => e.query.watch === undefined);

beforeAll(async () => {
  simEnv = makeTestEnv();
  a = await startKubeSim({ port: 0, seed: 'empty', stateDir: join(simEnv.dir, 'a') });
  b = await startKubeSim({ port: 0, seed: 'empty', stateDir: join(simEnv.dir, 'b') });
  for (const n of ['a-1', 'a-2']) a.createObject(pod(n));
  b.createObject(pod('b-1'));
  // Cluster b has seen more writes than a (its resourceVersion is ahead), as a busy cluster has:
  // a watch on b from a resourceVersion of a is not refused as one from the future.
  for (let i = 0; b.metrics().resourceVersion <= a.metrics().resourceVersion + 5; i++) b.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'kube-system' }, data: {} });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  simEnv?.cleanup();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  // A daemon that stopped answering (what a test here may catch) is killed rather than waited for.
  const d = daemon;
  daemon = null;
  if (d) await Promise.race([d.stop(), new Promise((r) => setTimeout(r, 10_000))]).then(() => d.child.kill('SIGKILL'));
  a.resetFaults();
  b.resetFaults();
  env?.cleanup();
});

describe('a kubeconfig changed at a bad moment', () => {
  it("a context pointed at another cluster while its list is on its way: the pane lists the new cluster, not the old one's answer", async () => {
    env = makeTestEnv();
    env.env.KUBECONFIG = join(env.dir, 'kube', 'config');
    writeKubeconfig(kubeconfig({ one: a }, 'one'));
    daemon = await startDaemon(env);
    const c = await client();
    // Cluster a is slow to answer the pods list.
    a.setLatency({ ms: 60_000, verb: 'list', resource: 'pods' });
    const listsBefore = podLists(a).length;
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await waitFor('the pods list asked of cluster a', () => podLists(a).length > listsBefore);

    // Meanwhile the context is pointed at cluster b (the cluster was recreated elsewhere).
    writeKubeconfig(kubeconfig({ one: b }, 'one'));
    expect(await toast(c, 'changed one')).toBe('kubeconfig reloaded: contexts changed one');
    // Cluster a answers now, late: that answer is not the context's any more.
    a.setLatency(0);
    await waitFor(
      'the pane lists cluster b only',
      async () => {
        const r = (await rows(c, paneId)).join();
        if (r !== 'b-1') throw new Error(`the pane lists ${r || 'nothing'}`);
        return r;
      },
      20_000,
    );
    // And stays so (a late answer of cluster a does not come back).
    b.createObject(pod('b-2'));
    await waitFor('b-2 seen', async () => (await rows(c, paneId)).join() === 'b-1,b-2');
  }, 90_000);

  it('a context removed while a port-forward on it runs: its new connections do not reach the cluster with the credentials taken away', async () => {
    const echoSockets = new Set<Socket>();
    const echo = createServer((s) => {
      echoSockets.add(s);
      s.once('close', () => echoSockets.delete(s));
      s.on('error', () => undefined);
      s.pipe(s);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    try {
      a.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pf' } });
      a.createObject(pod('web', 'pf'));
      a.setPortTarget('pf', 'web', 7000, { host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
      env = makeTestEnv();
      env.env.KUBECONFIG = join(env.dir, 'kube', 'config');
      writeKubeconfig(kubeconfig({ one: a, two: b }, 'one'));
      daemon = await startDaemon(env);
      const c = await client();
      const f = await c.request<{ id: string; localPort: number }>('portForward/start', { context: 'one', namespace: 'pf', pod: 'web', remotePort: 7000 });
      expect(await exchange(f.localPort, 'ping')).toBe('ping');

      // The user takes the context (and its token) out of the kubeconfig.
      writeKubeconfig(kubeconfig({ two: b }, 'two'));
      expect(await toast(c, 'removed one')).toBe('kubeconfig reloaded: contexts removed one');
      const forwardsBefore = a.journalEntries({}).filter((e) => e.path.endsWith('/portforward')).length;
      expect(await exchange(f.localPort, 'ping again')).toBe('');
      expect(a.journalEntries({}).filter((e) => e.path.endsWith('/portforward')).length).toBe(forwardsBefore);
      // The forward says why.
      await waitFor('the forward says the context is gone', async () => {
        const { forwards } = await c.request<{ forwards: Array<{ id: string; error: string | null }> }>('portForward/list');
        const e = forwards.find((x) => x.id === f.id)?.error ?? '';
        if (!e.includes("context 'one' is no longer in the kubeconfig")) throw new Error(`its error: ${e}`);
        return true;
      });
    } finally {
      for (const s of echoSockets) s.destroy();
      await new Promise((r) => echo.close(r));
    }
  }, 90_000);
});

describe("a cluster's server written without https://", () => {
  it('host:port is the https server kubectl would talk to; another scheme gets no request, and no credentials', async () => {
    // What a server named ftp:// or file:// would get: nothing is to be sent to it.
    const got: Buffer[] = [];
    const trapSockets = new Set<Socket>();
    const trap = createServer((s) => {
      trapSockets.add(s);
      s.on('data', (d: Buffer) => got.push(d));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
    try {
      const ca = Buffer.from(a.caPem).toString('base64');
      env = makeTestEnv();
      env.env.KUBECONFIG = join(env.dir, 'kube', 'config');
      writeKubeconfig(
        JSON.stringify({
          clusters: [
            { name: 'bare', cluster: { server: `localhost:${new URL(a.url).port}`, 'certificate-authority-data': ca } },
            { name: 'ftp', cluster: { server: `ftp://127.0.0.1:${(trap.address() as AddressInfo).port}`, 'certificate-authority-data': ca } },
          ],
          users: [{ name: 'u', user: { token: a.token } }],
          contexts: [
            { name: 'bare', context: { cluster: 'bare', user: 'u', namespace: 'default' } },
            { name: 'ftp', context: { cluster: 'ftp', user: 'u', namespace: 'default' } },
          ],
          'current-context': 'bare',
        }),
      );
      daemon = await startDaemon(env);
      const c = await client();
      const bare = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
      await waitFor('cluster a listed through localhost:port', async () => {
        const r = (await rows(c, bare.paneId)).join();
        if (r !== 'a-1,a-2') throw new Error(`the pane: ${JSON.stringify((await c.request<{ view: { empty?: string } }>('pane/snapshot', { paneId: bare.paneId, rows: 20, cols: 120 })).view.empty ?? r)}`);
        return true;
      });

      const ftp = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
      await c.request('kube/use', { tabId: ftp.tabId, context: 'ftp' });
      await waitFor('the pane says the server is not an https URL', async () => {
        const v = (await c.request<{ view: { empty?: string } }>('pane/snapshot', { paneId: ftp.paneId, rows: 20, cols: 120 })).view;
        if (!/is not an https:\/\/ \(or http:\/\/\) URL/.test(v.empty ?? '')) throw new Error(`the pane: ${v.empty}`);
        return true;
      });
      expect(Buffer.concat(got).toString()).toBe('');
    } finally {
      for (const s of trapSockets) s.destroy();
      await new Promise((r) => trap.close(r));
    }
  }, 90_000);
});

describe('a kubeconfig of tens of thousands of contexts', () => {
  it('a context added to it: the daemon keeps answering while it reads it again', async () => {
    const N = 30_000;
    const many = (extra: string[]): string =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'a', cluster: { server: a.url, 'certificate-authority-data': Buffer.from(a.caPem).toString('base64') } }],
        users: [{ name: 'a', user: { token: a.token } }],
        contexts: [...Array.from({ length: N }, (_, i) => `ctx-${i}`), ...extra].map((name) => ({ name, context: { cluster: 'a', user: 'a', namespace: 'default' } })),
        'current-context': 'ctx-0',
      });
    env = makeTestEnv();
    env.env.KUBECONFIG = join(env.dir, 'kube', 'config');
    writeKubeconfig(many([]));
    daemon = await startDaemon(env);
    const c = await client();
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await waitFor('cluster a listed', async () => (await rows(c, paneId)).join() === 'a-1,a-2');

    // How long the daemon leaves a request unanswered while it reads the kubeconfig again.
    let longest = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const t = Date.now();
        await c.request('daemon/status');
        longest = Math.max(longest, Date.now() - t);
      }
    })().catch(() => undefined);
    writeKubeconfig(many(['new-one']));
    try {
      expect(await toast(c, 'added new-one', 60_000)).toBe('kubeconfig reloaded: contexts added new-one');
    } finally {
      polling = false;
    }
    await poll;
    // Reading and parsing it takes a few seconds; comparing 30k contexts by searching every list
    // for each one kept the daemon from answering for minutes.
    expect(longest).toBeLessThan(20_000);
    const { contexts } = await c.request<{ contexts: Array<{ name: string }> }>('kube/contexts');
    expect(contexts.length).toBe(N + 1);
  }, 180_000);
});

/** Writes `text` on a new connection to `port` and resolves with what came back before it closed (or 5 s passed). */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => s.destroy(), 5_000);
    s.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.length >= text.length) s.destroy();
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    s.write(text);
  });
}
