import { describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo } from 'node:net';
import pino from 'pino';
import { ForwardManager } from '../../src/forwards/forward-manager.js';
import type { ClusterManager } from '../../src/kube/cluster.js';
import { OpenStreams } from '../../src/util/open-streams.js';

/** A manager whose cluster is never asked (holding a forward needs none). */
function manager(streams = new OpenStreams()): ForwardManager {
  return new ForwardManager({ kube: {} as ClusterManager, streams, logger: pino({ level: 'silent' }) });
}

const req = (name: string, localPort: number) => ({ context: 'c', namespace: 'ns', kind: 'pod' as const, name, remotePort: 80, localPort });

/** A free port on 127.0.0.1 (listened on and let go of). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Whether this machine can listen on ::1 (without it, only 127.0.0.1 is held). */
const ipv6 = await new Promise<boolean>((resolve) => {
  const s = createServer();
  s.once('error', () => resolve(false));
  s.listen(0, '::1', () => s.close(() => resolve(true)));
});

/** What a client connecting to the port sees: reset, refused, or data. */
const connectTo = (port: number, host = '127.0.0.1'): Promise<string> =>
  new Promise((resolve) => {
    const c = connect(port, host);
    let got = '';
    c.on('data', (d: Buffer) => (got += d.toString()));
    c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    c.on('close', () => resolve(`closed after ${JSON.stringify(got)}`));
  });

describe('a forward held while its cluster does not answer', () => {
  it('is listed with why, holds its port (connections reset), is found by `p`, and stopping it lets the port go', async () => {
    const streams = new OpenStreams();
    const m = manager(streams);
    const port = await freePort();
    const h = (await m.hold(req('web-1', port), undefined, 'connection refused'))!;
    expect(m.list()).toEqual([expect.objectContaining({ id: h.id, target: 'pod/web-1', localPort: port, state: 'waiting for the cluster', error: 'connection refused', pod: null, connections: 0 })]);
    expect(streams.snapshot()['port-forward-listeners']).toBe(1);
    expect(await connectTo(port)).toMatch(/^ECONNRESET$|^closed after ""$/);
    // ::1 is held too (where the machine has IPv6), as the forward will listen there.
    if (ipv6) expect(await connectTo(port, '::1')).toMatch(/^ECONNRESET$|^closed after ""$/);
    expect(m.list()[0]!.localAddresses).toEqual(ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1']);
    expect(m.forwardsTo('c', 'ns', 'pod', 'web-1').map((f) => f.describe())).toEqual([`pod/web-1:80 -> 127.0.0.1:${port}${ipv6 ? `, [::1]:${port}` : ''}`]);
    expect(m.forwardsTo('c', 'ns', 'pod', 'web-2')).toEqual([]);
    // A later try: same id, the new reason.
    expect(m.stillHeld(h.id, 'HTTP 503')).toBe(true);
    expect(m.list()[0]).toMatchObject({ id: h.id, error: 'HTTP 503' });

    await m.stop(h.id);
    expect(m.list()).toEqual([]);
    expect(m.isHeld(h.id)).toBe(false);
    expect(m.stillHeld(h.id, 'again')).toBe(false);
    expect(streams.snapshot()['port-forward-listeners']).toBe(0);
    expect(await connectTo(port)).toBe('ECONNREFUSED');
    if (ipv6) expect(await connectTo(port, '::1')).toBe('ECONNREFUSED');
  });

  it('whose port was taken meanwhile is listed on its saved port, holding nothing', async () => {
    const other = createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const port = (other.address() as AddressInfo).port;
    try {
      const streams = new OpenStreams();
      const m = manager(streams);
      const h = (await m.hold(req('web-1', port), undefined, 'timed out'))!;
      // 127.0.0.1's port is another program's: ::1's alone is not held either (the forward will move to a new port).
      expect(h.info()).toMatchObject({ localPort: port, state: 'waiting for the cluster', localAddresses: [] });
      expect(streams.snapshot()['port-forward-listeners']).toBe(0);
      await m.stopAll();
      expect(m.list()).toEqual([]);
    } finally {
      other.close();
    }
  });

  it('is not held once the daemon is stopping', async () => {
    const m = manager();
    await m.stopAll();
    expect(await m.hold(req('web-1', 0), undefined, 'connection refused')).toBeNull();
    expect(m.list()).toEqual([]);
  });
});
