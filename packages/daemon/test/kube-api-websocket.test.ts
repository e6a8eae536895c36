import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeConfig } from '../src/kube/kubeconfig.js';
import type { KubeSim } from '@kubetile/kube-sim';
import { startSimWithConfig } from './sim-config.js';
import { openApiWebSocket } from '../src/kube/api-websocket.js';

/** The API WebSocket opener against kube-sim: the kubeconfig's TLS and token, subprotocol choice, refusals as Status messages. */

let sim: KubeSim;
let kc: KubeConfig;

beforeAll(async () => {
  ({ sim, kc } = await startSimWithConfig());
  sim.createObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'main', image: 'busybox' }], nodeName: 'node-1' },
    status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
  });
});
afterAll(async () => {
  await sim?.stop();
});

describe('openApiWebSocket', () => {
  it('runs an exec with the preferred subprotocol and gets its output on channel 1', async () => {
    const { ws, protocol } = await openApiWebSocket(
      kc,
      { path: '/api/v1/namespaces/default/pods/p/exec', query: { container: 'main', command: ['echo', 'hi'], stdout: 'true', stderr: 'true' } },
      ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
    );
    expect(protocol).toBe('v5.channel.k8s.io');
    const out = await new Promise<string>((resolve) => {
      let text = '';
      ws.on('message', (d: Buffer) => {
        if (d[0] === 1) text += d.subarray(1).toString('utf8');
        if (d[0] === 3) resolve(text);
      });
    });
    expect(out).toBe('hi\n');
    ws.close();
  });

  it('a refused upgrade gives the API server\'s message', async () => {
    await expect(
      openApiWebSocket(kc, { path: '/api/v1/namespaces/default/pods/nope/exec', query: { command: ['sh'], stdout: 'true' } }, ['v5.channel.k8s.io']),
    ).rejects.toThrow(/pods "nope" not found/);
  });
});
