import { describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { KubeConfig } from '../../src/kube/kubeconfig.js';
import pino from 'pino';
import { Forward } from '../../src/forwards/forward.js';
import { listenLoopback, type Listening } from '../../src/forwards/loopback.js';
import { OpenStreams } from '../../src/util/open-streams.js';
import type { KubeObject } from '../../src/kube/types.js';

const pod: KubeObject = { metadata: { name: 'web', uid: 'u1' }, status: { phase: 'Running' } };

function forwardOn(listening: Listening, streams: OpenStreams): Forward {
  return new Forward(
    'pf-1',
    { context: 'c', namespace: 'ns', kind: 'pod', name: 'web', remotePort: 80, localPort: 0 },
    { backing: { kind: 'pod', name: 'web' }, podPort: 80, first: { pod, port: 80 } },
    listening,
    { kc: new KubeConfig(), streams, logger: pino({ level: 'silent' }), pods: null, changed: () => undefined },
  );
}

/** Whether this machine can listen on ::1 (checked once; without it only the IPv4 assertions run). */
const ipv6 = await new Promise<boolean>((resolve) => {
  const s = createServer();
  s.once('error', () => resolve(false));
  s.listen(0, '::1', () => s.close(() => resolve(true)));
});
const bothLoopbacks = ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1'];

const listenOn = (host: string, port = 0): Promise<Server> =>
  new Promise((resolve, reject) => {
    const s = createServer((c) => c.end('another program'));
    s.once('error', reject);
    s.listen(port, host, () => resolve(s));
  });
const close = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

/** What a client connecting to host:port sees: the error code, or `connected`. */
const dial = (host: string, port: number): Promise<string> =>
  new Promise((resolve) => {
    const c = connect(port, host);
    c.once('connect', () => {
      c.destroy();
      resolve('connected');
    });
    c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });

describe("a forward's listeners", () => {
  it('listen on 127.0.0.1 and ::1 (where the machine has IPv6) on the same port, counted once while they listen', async () => {
    const streams = new OpenStreams();
    const listening = await listenLoopback(0);
    expect(listening.listeners.map((l) => l.address)).toEqual(bothLoopbacks);
    expect(listening.missing).toBeNull();
    for (const l of listening.listeners) expect((l.server.address() as AddressInfo).port).toBe(listening.port);
    const f = forwardOn(listening, streams);
    expect(f.info()).toMatchObject({ localAddress: '127.0.0.1', localAddresses: bothLoopbacks, localPort: listening.port, state: 'active', pod: 'web', podPort: 80, error: null });
    expect(f.describe()).toBe(`pod/web:80 -> 127.0.0.1:${listening.port}${ipv6 ? `, [::1]:${listening.port}` : ''}`);
    expect(streams.snapshot()['port-forward-listeners']).toBe(1);
    await f.stop();
    expect(streams.snapshot()['port-forward-listeners']).toBe(0);
    expect(f.info().state).toBe('stopped');
    for (const host of bothLoopbacks) expect(await dial(host, listening.port)).toBe('ECONNREFUSED');
  });

  it('that all die say so in the state, and are no longer counted', async () => {
    const streams = new OpenStreams();
    const listening = await listenLoopback(0);
    const f = forwardOn(listening, streams);
    for (const { server } of listening.listeners) {
      server.close();
      await new Promise((r) => server.once('close', r));
    }
    expect(f.info()).toMatchObject({ state: 'listener failed', error: 'listener failed: the listener closed', localAddresses: [] });
    expect(streams.snapshot()['port-forward-listeners']).toBe(0);
    await f.stop();
    expect(streams.snapshot()['port-forward-listeners']).toBe(0);
  });

  it.runIf(ipv6)('one of which dies leaves the forward active on the other, saying so', async () => {
    const streams = new OpenStreams();
    const listening = await listenLoopback(0);
    const f = forwardOn(listening, streams);
    const v6 = listening.listeners[1]!.server;
    v6.close();
    await new Promise((r) => v6.once('close', r));
    expect(f.info()).toMatchObject({
      state: 'active',
      localAddresses: ['127.0.0.1'],
      error: `the listener on [::1]:${listening.port} failed: the listener closed; still listening on 127.0.0.1:${listening.port}`,
    });
    expect(streams.snapshot()['port-forward-listeners']).toBe(1);
    await f.stop();
    expect(streams.snapshot()['port-forward-listeners']).toBe(0);
  });

  it('on a port in use on every loopback is a clear error naming them', async () => {
    const v4 = await listenOn('127.0.0.1');
    const port = (v4.address() as AddressInfo).port;
    const v6 = ipv6 ? await listenOn('::1', port) : null;
    try {
      await expect(listenLoopback(port)).rejects.toThrow(`local port ${port} on ${bothLoopbacks.join(' and ')} is already in use`);
    } finally {
      await close(v4);
      if (v6) await close(v6);
    }
  });

  it.runIf(ipv6)('on a port another program holds on one loopback only listens on the other, as kubectl does, and says so', async () => {
    for (const [taken, free] of [
      ['127.0.0.1', '::1'],
      ['::1', '127.0.0.1'],
    ] as const) {
      const squatter = await listenOn(taken);
      const port = (squatter.address() as AddressInfo).port;
      const shown = (a: string): string => (a === '::1' ? `[::1]:${port}` : `${a}:${port}`);
      try {
        const listening = await listenLoopback(port);
        expect(listening.listeners.map((l) => l.address)).toEqual([free]);
        expect(listening.missing).toBe(`${shown(taken)}: in use by another program; this forward listens on ${shown(free)} only`);
        const f = forwardOn(listening, new OpenStreams());
        expect(f.info()).toMatchObject({ localAddresses: [free], state: 'active', error: listening.missing });
        expect(f.describe()).toBe(`pod/web:80 -> ${shown(free)}`);
        await f.stop();
        // A restored forward must keep 127.0.0.1: another program on it is an error (it moves to a new port).
        if (taken === '127.0.0.1') await expect(listenLoopback(port, { needIPv4: true })).rejects.toThrow(`local port ${port} on 127.0.0.1 is already in use`);
        else expect((await listenLoopback(port, { needIPv4: true })).listeners.map((l) => l.address)).toEqual(['127.0.0.1']);
      } finally {
        await close(squatter);
      }
    }
  });

  // root may listen below 1024.
  it.skipIf(process.getuid?.() === 0)('reserved ports are a clear error', async () => {
    await expect(listenLoopback(80)).rejects.toThrow(/^local port 80 on 127\.0\.0\.1( and ::1)? needs privileges/);
  });
});
