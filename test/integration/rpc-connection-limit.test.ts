import { describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { waitFor } from '../helpers/daemon-process.js';
import { useDaemonPerTest } from '../helpers/daemon-per-test.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * The daemon takes a bounded number of connections (KUBETILE_MAX_CONNECTIONS; by default a quarter
 * of its open-files limit). A script leaking connections ran it out of file descriptors: it could
 * then open nothing (API server, files) and a new client got a bare EPIPE. One over the limit is
 * answered with why; the clients already attached are served throughout.
 */

const d = useDaemonPerTest();

const errorOf = (p: Promise<unknown>): Promise<{ code: number; message: string }> =>
  p.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (e: { code: number; message: string }) => e,
  );

describe('connections past the limit', () => {
  it('are answered with the reason and closed; the connected clients are served; a freed place is taken', async () => {
    await d.start({ KUBETILE_MAX_CONNECTIONS: '4' });
    const kept: RawClient[] = [];
    // The start check's own connection may still be closing: take the places as they come free.
    await waitFor('four clients connected', async () => {
      const c = await RawClient.connect(d.env.socket).catch(() => null);
      if (c) kept.push(c);
      return kept.length === 4;
    });

    const extra = await RawClient.connect(d.env.socket, { hello: false });
    const refused = await errorOf(extra.request('daemon/hello', { client: { name: 'test', version: '0' }, apiLevel: 1 }));
    expect(refused.code).toBe(-32005);
    expect(refused.message).toMatch(/^the daemon already has 4 connections open, as many as it takes \(KUBETILE_MAX_CONNECTIONS/);
    await waitFor('the refused connection closed', () => extra.closed);

    // A flood of them costs nothing lasting: the daemon is not taken down and answers its clients.
    const flood: Socket[] = [];
    await Promise.all(
      Array.from({ length: 200 }, () => new Promise<void>((resolve) => {
        const s = connect(d.env.socket);
        flood.push(s);
        s.on('connect', () => resolve());
        s.on('error', () => resolve());
      })),
    );
    await expect(kept[0]!.request('daemon/status')).resolves.toMatchObject({ pid: d.daemon.child.pid });
    for (const s of flood) s.destroy();

    kept.pop()!.close();
    const next = await waitFor('a new client taking the freed place', () => RawClient.connect(d.env.socket).catch(() => null));
    await expect(next.request('daemon/status')).resolves.toMatchObject({ pid: d.daemon.child.pid });
    next.close();
    for (const c of kept) c.close();
  });
});
