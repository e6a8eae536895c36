import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import { waitFor } from '../helpers/daemon-process.js';
import { FrameSocket, RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A request the client cancelled, or whose connection closed, does not go on to start what the
 * client was told it did not get: portForward/start waiting on the API server for the target (no
 * remotePort given) opened the forward anyway after its answer said "cancelled", or after the
 * script that asked had gone — a local port held that no one knew the id of.
 */

let stack: SimDaemonWithClient | undefined;
let sim: KubeSim;
let script: RawClient;

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'main', image: 'ghcr.io/example/web:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'main', ready: true, restartCount: 0, state: { running: {} } }] },
});

type Listed = { id: string; pod: string | null; target: string };
const listed = async (): Promise<Listed[]> => (await script.request<{ forwards: Listed[] }>('portForward/list')).forwards;

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: (s) => {
      for (const n of ['gone-1', 'gone-2', 'kept-1', 'kept-2']) s.createObject(pod(n));
    },
    client: true,
  });
  ({ sim, client: script } = stack);
});
afterAll(() => stack?.stop());

/**
 * Asks for a forward to `victim` on a raw socket while reading a pod takes 1.5 s, gives up on it
 * (`giveUp`), then has the script forward `witness` the same slow way: once the witness is
 * answered, the victim's read (sent earlier, as slow) has long been answered too.
 */
async function abandonThenWitness(victim: string, witness: string, giveUp: (s: FrameSocket) => Promise<void>): Promise<Listed[]> {
  sim.setLatency({ ms: 1500, verb: 'get', resource: 'pods' });
  try {
    const s = await FrameSocket.open(stack!.env.socket);
    s.hello();
    await s.next((m) => m.id === 'hello');
    s.send({ jsonrpc: '2.0', id: 'fwd', method: 'portForward/start', params: { namespace: 'default', pod: victim } });
    // Given up on only once the daemon is waiting on the API server for it.
    await waitFor(`the daemon reading pod ${victim}`, () => sim.journalEntries({ path: `/pods/${victim}`, method: 'GET' }).length > 0);
    await giveUp(s);
    const w = await script.request<{ id: string }>('portForward/start', { namespace: 'default', pod: witness });
    const all = await listed();
    await script.request('portForward/stop', { id: w.id });
    return all;
  } finally {
    sim.setLatency(0);
  }
}

describe('work of a request nobody waits for', () => {
  it('a portForward/start cancelled while the pod is read is answered "cancelled" and opens no forward', async () => {
    const forwards = await abandonThenWitness('gone-1', 'kept-1', async (s) => {
      s.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 'fwd' } });
      const answer = await s.next((m) => m.id === 'fwd', 10_000);
      expect(answer.error).toMatchObject({ code: -32800, message: 'portForward/start was cancelled by the client' });
      s.destroy();
    });
    expect(forwards.map((f) => f.pod)).toEqual(['kept-1']);
  });

  it('a portForward/start whose script disconnected while the pod is read opens no forward', async () => {
    const forwards = await abandonThenWitness('gone-2', 'kept-2', async (s) => {
      s.destroy();
    });
    expect(forwards.map((f) => f.pod)).toEqual(['kept-2']);
  });
});
