// Issue 8, item 7: the Kubernetes client side has deadlines. A hanging exec credential plugin is
// killed after a timeout with a clear error, one credential process runs at a time per user and its
// token is cached; an API server that accepts TCP and never answers gives an error within 10 s; a
// kubeconfig (or a file it names) that blocks on read never keeps the daemon from answering.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { processAlive as alive } from '../helpers/process-alive.js';
import { RawClient } from '../helpers/rpc-client.js';

let env: TestEnv;
let sim: KubeSim | null = null;
let daemon: DaemonProcess | null = null;
let client: RawClient | null = null;
let mute: { server: Server; sockets: Socket[] } | null = null;

beforeEach(() => {
  env = makeTestEnv();
});
afterEach(async () => {
  client?.close();
  client = null;
  await stopDaemon();
  await sim?.stop();
  sim = null;
  if (mute) {
    for (const s of mute.sockets) s.destroy();
    await new Promise((r) => mute!.server.close(r));
    mute = null;
  }
  env.cleanup();
});

/** SIGTERM, and SIGKILL if a daemon stuck in a blocking read cannot run its handler. */
async function stopDaemon(): Promise<void> {
  const d = daemon;
  daemon = null;
  if (!d) return;
  const t = setTimeout(() => d.child.kill('SIGKILL'), 10_000);
  await d.stop();
  clearTimeout(t);
}

interface KubeconfigOpts {
  server: string;
  ca?: string;
  insecure?: boolean;
  user: Record<string, unknown>;
}

/** A kubeconfig as JSON (YAML's superset), one context `test` in namespace default. */
function writeKubeconfig(path: string, o: KubeconfigOpts): string {
  const cluster: Record<string, unknown> = { server: o.server };
  if (o.ca) cluster['certificate-authority-data'] = Buffer.from(o.ca).toString('base64');
  if (o.insecure) cluster['insecure-skip-tls-verify'] = true;
  writeFileSync(path, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'test',
    clusters: [{ name: 'test', cluster }],
    users: [{ name: 'tester', user: o.user }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'tester', namespace: 'default' } }],
  }, null, 2));
  return path;
}

async function boot(kubeconfig: string): Promise<RawClient> {
  env.env.KUBECONFIG = kubeconfig;
  daemon = await startDaemon(env);
  client = await RawClient.connect(env.socket);
  await client.attach({ cols: 160, rows: 40 });
  return client;
}

async function view(c: RawClient, paneId: number): Promise<TableView | { type: 'message'; text: string }> {
  return (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
}
const shown = (v: TableView | { type: 'message'; text: string }): string => (v.type === 'table' ? `${v.empty ?? ''} ${v.footer ?? ''}` : v.text);

const pidsIn = (file: string): number[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : []);

function script(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('exec credential plugins', () => {
  it('a plugin that never answers: killed (with its children) after the timeout, a clear error, one process at a time, none left after the daemon stops', async () => {
    const kc = join(env.dir, 'sim-kubeconfig');
    sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: kc, stateDir: join(env.dir, 'sim') });
    const calls = join(env.dir, 'calls');
    const children = join(env.dir, 'children');
    const hang = script(join(env.dir, 'hang-credential.sh'), `echo $$ >> ${calls}\nsleep 1000 &\necho $! >> ${children}\nwait`);
    const cfg = writeKubeconfig(join(env.dir, 'kubeconfig'), {
      server: sim.url,
      ca: sim.caPem,
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: hang, args: [] } },
    });
    const started = Date.now();
    const c = await boot(cfg);
    const panes = [c.activeTab().focusedPaneId];
    for (const kind of ['services', 'configmaps', 'secrets']) {
      panes.push((await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind } } })).paneId);
    }
    // The daemon keeps answering while the plugin hangs.
    await expect(c.request('daemon/status')).resolves.toMatchObject({ panes: 4 });
    let mostAlive = 0;
    const text = await waitFor('a timeout error in the pane', async () => {
      mostAlive = Math.max(mostAlive, pidsIn(calls).filter(alive).length);
      const t = shown(await view(c, panes[0]!));
      return /credential plugin .*hang-credential\.sh.* did not answer within 20 s/.test(t) ? t : null;
    }, 60_000, 100);
    expect(Date.now() - started).toBeLessThan(50_000);
    expect(text).toMatch(/user 'tester'/);
    expect(mostAlive).toBe(1);
    // All four panes wanted a credential: still only one process was started for them.
    expect(pidsIn(calls).length).toBeLessThanOrEqual(2);
    const first = [pidsIn(calls)[0]!, pidsIn(children)[0]!];
    await waitFor('the hung plugin and its child are gone', () => first.every((p) => !alive(p)), 10_000);
    await c.waitLayout('status bar says so', (l) => /credential plugin/.test(l.status.cluster));
    // A retry starts one new process; stopping the daemon kills it too.
    await waitFor('a retry is running', () => pidsIn(calls).slice(1).some(alive) && pidsIn(children).length >= 2, 60_000, 100);
    expect(pidsIn(calls).filter(alive).length).toBe(1);
    const all = [...pidsIn(calls), ...pidsIn(children)];
    await stopDaemon();
    await waitFor('no plugin process outlives the daemon', () => all.every((p) => !alive(p)), 10_000);
  }, 150_000);

  for (const expiry of [true, false]) {
    it(`a plugin that answers is called once while its token is valid (${expiry ? 'with' : 'without'} expirationTimestamp)`, async () => {
      const kc = join(env.dir, 'sim-kubeconfig');
      sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: kc, stateDir: join(env.dir, 'sim') });
      const calls = join(env.dir, 'calls');
      const status: Record<string, string> = { token: sim.token };
      if (expiry) status.expirationTimestamp = new Date(Date.now() + 3600_000).toISOString();
      const cred = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status });
      // Slow enough that concurrent requests would each start their own process.
      const answer = script(join(env.dir, 'answer.sh'), `echo $$ >> ${calls}\nsleep 0.5\ncat <<'EOF'\n${cred}\nEOF`);
      const cfg = writeKubeconfig(join(env.dir, 'kubeconfig'), {
        server: sim.url,
        ca: sim.caPem,
        user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: answer } },
      });
      const c = await boot(cfg);
      const panes = [c.activeTab().focusedPaneId];
      for (const kind of ['services', 'configmaps', 'secrets', 'deployments']) {
        panes.push((await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind } } })).paneId);
      }
      for (const p of panes) await waitFor(`pane ${p} listed`, async () => (await view(c, p)).type === 'table' && ((await view(c, p)) as TableView).empty !== 'Loading...', 30_000);
      for (const p of panes) expect(shown(await view(c, p))).not.toMatch(/Error|credential/);
      await c.request('kube/namespaces');
      sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } });
      await waitFor('configmap listed', async () => ((await view(c, panes[2]!)) as TableView).rows.some((r) => r.cells.name === 'x'));
      expect(pidsIn(calls).length).toBe(1);
    }, 90_000);
  }
});

describe('an API server that accepts TCP and never answers', () => {
  it('gives a clear error within 10 s (not the socket timeout), and the daemon keeps answering', async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => {
      sockets.push(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    mute = { server, sockets };
    const port = (server.address() as { port: number }).port;
    const cfg = writeKubeconfig(join(env.dir, 'kubeconfig'), { server: `https://127.0.0.1:${port}`, insecure: true, user: { token: 't' } });
    const c = await boot(cfg);
    const started = Date.now();
    const paneId = c.activeTab().focusedPaneId;
    const text = await waitFor('an error in the pane', async () => {
      const t = shown(await view(c, paneId));
      return /did not answer/.test(t) ? t : null;
    }, 20_000, 100);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(text).toMatch(new RegExp(`the API server at https://127\\.0\\.0\\.1:${port} did not answer within 10 s`));
    expect(sockets.length).toBeGreaterThan(0);
    await expect(c.request('daemon/status')).resolves.toMatchObject({ panes: 1 });
  }, 60_000);
});

describe('a kubeconfig that blocks on read', () => {
  it('a FIFO as KUBECONFIG: the daemon still listens and answers, and says what is wrong', async () => {
    const fifo = join(env.dir, 'kubeconfig.fifo');
    execFileSync('mkfifo', [fifo]);
    const c = await boot(fifo);
    await expect(c.request('daemon/status')).resolves.toMatchObject({ pid: daemon!.child.pid });
    const v = await view(c, c.activeTab().focusedPaneId);
    expect(v).toMatchObject({ type: 'message', text: expect.stringMatching(/^No cluster connection: kubeconfig .*kubeconfig\.fifo is not a regular file \(a FIFO\)/) });
    expect(c.layout!.status.cluster).toMatch(/kubeconfig\.fifo is not a regular file/);
  }, 60_000);

  it('a FIFO named as the client certificate: refused when the kubeconfig is loaded, never read on a request', async () => {
    const kc = join(env.dir, 'sim-kubeconfig');
    sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: kc, stateDir: join(env.dir, 'sim') });
    const fifo = join(env.dir, 'client.crt');
    execFileSync('mkfifo', [fifo]);
    const cfg = writeKubeconfig(join(env.dir, 'kubeconfig'), { server: sim.url, ca: sim.caPem, user: { token: sim.token, 'client-certificate': 'client.crt', 'client-key-data': 'eA==' } });
    const c = await boot(cfg);
    await expect(c.request('daemon/status')).resolves.toMatchObject({ pid: daemon!.child.pid });
    // That user's requests fail saying so (the rest of the kubeconfig stays usable).
    await waitFor('the error in the pane', async () => /users\[0\] \(tester\) client-certificate: .*client\.crt is not a regular file \(a FIFO\)/.test(shown(await view(c, c.activeTab().focusedPaneId))), 30_000, 100);
    await expect(c.request('daemon/status')).resolves.toMatchObject({ pid: daemon!.child.pid });
  }, 60_000);
});
