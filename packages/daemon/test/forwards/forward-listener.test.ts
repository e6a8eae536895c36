import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { KubeConfig } from '../../src/kube/kubeconfig.js';
import pino from 'pino';
import { Forward, listenLoopback } from '../../src/forwards/forward.js';
import { OpenStreams } from '../../src/util/open-streams.js';
import type { KubeObject } from '../../src/kube/types.js';

const pod: KubeObject = { metadata: { name: 'web', uid: 'u1' }, status: { phase: 'Running' } };

function forwardOn(server: Awaited<ReturnType<typeof listenLoopback>>, streams: OpenStreams): Forward {
  return new Forward(
    'pf-1',
    { context: 'c', namespace: 'ns', kind: 'pod', name: 'web', remotePort: 80, localPort: 0 },
    { backing: { kind: 'pod', name: 'web' }, podPort: 80, first: { pod, port: 80 } },
    server,
    { kc: new KubeConfig(), streams, logger: pino({ level: 'silent' }), pods: null, changed: () => undefined },
  );
}

describe("a forward's listener", () => {
  it('listens on 127.0.0.1 only, and is counted while it listens', async () => {
    const streams = new OpenStreams();
    const server = await listenLoopback(0);
    const f = forwardOn(server, streams);
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
    expect(f.info()).toMatchObject({ localAddress: '127.0.0.1', localPort: (server.address() as AddressInfo).port, state: 'active', pod: 'web', podPort: 80 });
    expect(streams.snapshot()['port-forward-listeners']).toBe(1);
    await f.stop();
    expect(streams.snapshot()['port-forward-listeners']).toBe(0);
    expect(f.info().state).toBe('stopped');
  });

  it('that dies says so in the state, and is no longer counted', async () => {
    const streams = new OpenStreams();
    const server = await listenLoopback(0);
    const f = forwardOn(server, streams);
    server.close();
    await new Promise((r) => server.once('close', r));
    expect(f.info()).toMatchObject({ state: 'listener failed', error: 'listener failed: the listener closed' });
    expect(streams.snapshot()['port-forward-listeners']).toBe(0);
    await f.stop();
    expect(streams.snapshot()['port-forward-listeners']).toBe(0);
  });

  it('on a port in use is a clear error', async () => {
    const squat = createServer();
    await new Promise<void>((r) => squat.listen(0, '127.0.0.1', () => r()));
    const port = (squat.address() as AddressInfo).port;
    try {
      await expect(listenLoopback(port)).rejects.toThrow(`local port ${port} on 127.0.0.1 is already in use`);
    } finally {
      squat.close();
    }
  });
});
