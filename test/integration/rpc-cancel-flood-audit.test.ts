import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { FrameSocket, RawClient } from '../helpers/rpc-client.js';

/** The daemon's requests in flight per connection (limits.ts, DEFAULT_SOCKET_LIMITS.maxInFlight). */
const MAX_IN_FLIGHT = 32;
/** How long the daemon waits for the API server to start answering (kube/api-error.ts). */
const ANSWER_DEADLINE_MS = 10_000;

let sim: KubeSim;
let env: TestEnv;
let daemon: DaemonProcess;

beforeAll(async () => {
  env = makeTestEnv();
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: join(env.dir, 'kubeconfig'), stateDir: join(env.dir, 'sim') });
  env.env.KUBECONFIG = join(env.dir, 'kubeconfig');
  daemon = await startDaemon(env);
}, 60_000);
afterAll(async () => {
  await daemon?.stop();
  await sim?.stop();
  env?.cleanup();
});

describe('cancelling does not lift the limit of requests in flight', () => {
  it("requests cancelled at once keep their place until their work ends: the API server never holds more than the connection's limit", async () => {
    // Work that cannot be stopped once started (a scale reads the Deployment, then patches it: it does
    // not take the call's signal, unlike kube/namespaces, which now stops at a cancel); the API server
    // holds every read of the Deployment far longer than the daemon waits for it.
    sim.createObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
    });
    const script = await RawClient.connect(env.socket);
    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'deployments' } }, newTab: true });
    script.close();
    sim.setLatency({ ms: 120_000, resource: 'deployments', verb: 'get' });
    try {
      const since = Math.max(0, ...sim.journalEntries().map((e) => e.seq));
      const s = await FrameSocket.open(env.socket);
      s.hello();
      await s.next((m) => m.id === 'hello');
      const n = MAX_IN_FLIGHT + 8;
      const frames: Buffer[] = [];
      for (let i = 0; i < n; i++) {
        frames.push(FrameSocket.frame(JSON.stringify({ jsonrpc: '2.0', id: `ns-${i}`, method: 'resource/action', params: { paneId, action: 'scale', target: { name: 'web' }, args: { replicas: 2 } } })));
        frames.push(FrameSocket.frame(JSON.stringify({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: `ns-${i}` } })));
      }
      s.socket.write(Buffer.concat(frames));
      // Every one is answered as cancelled (the last ones once earlier work has ended)…
      await waitFor(`${n} cancelled answers`, () => s.messages.filter((m) => String(m.id).startsWith('ns-')).length === n, 90_000);
      expect(s.messages.filter((m) => String(m.id).startsWith('ns-')).every((m) => (m.error as { code: number }).code === -32800)).toBe(true);
      const lists = await waitFor(`${n} reads of the Deployment at the API server`, () => {
        const l = sim.journalEntries({ path: '/apis/apps/v1/namespaces/default/deployments/web', method: 'GET', sinceSeq: since });
        return l.length >= n ? l : null;
      }, 30_000);
      // …but a read went out only when an earlier one had ended (at the daemon's deadline): the
      // (limit+1)-th came a deadline after the first, not with it.
      const times = lists.map((e) => e.time).sort((a, b) => a - b);
      for (let i = MAX_IN_FLIGHT; i < times.length; i++) expect(times[i]! - times[i - MAX_IN_FLIGHT]!).toBeGreaterThanOrEqual(ANSWER_DEADLINE_MS / 2);
      // Others are served meanwhile, and so is this connection once its work has ended.
      const other = await RawClient.connect(env.socket);
      await expect(other.request('daemon/status')).resolves.toMatchObject({ pid: daemon.child.pid });
      other.close();
      s.send({ jsonrpc: '2.0', id: 'after', method: 'pane/list', params: {} });
      expect((await s.next((m) => m.id === 'after', 30_000)).result).toMatchObject({ panes: expect.any(Array) });
      s.destroy();
    } finally {
      sim.setLatency(0);
    }
  }, 120_000);
});
