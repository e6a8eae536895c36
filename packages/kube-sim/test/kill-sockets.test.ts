// killSockets and POST /_sim/kill-sockets: every client connection is dropped, with a TCP RST
// when `reset` is asked (the client's socket fails with ECONNRESET), else closed (the client sees
// the end of the stream). Over HTTP the admin request gets its answer first.
import https from 'node:https';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeSim } from '../src/index.js';
import { raw, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);

interface OpenWatch {
  /** How the client's socket ended: its error code, or 'end' for a clean close. */
  outcome: Promise<string>;
}

function openWatch(sim: KubeSim): Promise<OpenWatch> {
  return new Promise((resolve, reject) => {
    let settle!: (v: string) => void;
    const outcome = new Promise<string>((r) => { settle = r; });
    const req = https.request(`${sim.url}/api/v1/namespaces/default/pods?watch=1`, { headers: { Authorization: `Bearer ${sim.token}` }, ca: sim.caPem, agent: false }, (res) => {
      res.on('data', () => undefined);
      res.on('error', () => undefined);
      resolve({ outcome });
    });
    req.on('socket', (s: Socket) => {
      s.on('error', (err: NodeJS.ErrnoException) => settle(err.code ?? err.message));
      s.on('end', () => settle('end'));
    });
    req.on('error', (err) => reject(err));
    req.end();
  });
}

describe('kill-sockets', () => {
  it('POST {"reset":true} answers 200, then resets every connection', async () => {
    const { sim } = await startSim();
    const watches = [await openWatch(sim), await openWatch(sim)];
    await waitFor(() => sim.metrics().watches.open === 2, 'two watches open');
    const r = await raw(sim, 'POST', '/_sim/kill-sockets', { body: { reset: true } });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ ok: true, result: 2 });
    expect(await Promise.all(watches.map((w) => w.outcome))).toEqual(['ECONNRESET', 'ECONNRESET']);
    await waitFor(() => sim.metrics().watches.open === 0, 'no watch left');
  });

  it('POST {} answers 200, then closes every connection without a reset', async () => {
    const { sim } = await startSim();
    const w = await openWatch(sim);
    await waitFor(() => sim.metrics().watches.open === 1, 'a watch open');
    const r = await raw(sim, 'POST', '/_sim/kill-sockets', { body: {} });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ ok: true, result: 1 });
    expect(await w.outcome).toBe('end');
  });

  it('killSockets({ reset: true }) in process resets connections too', async () => {
    const { sim } = await startSim();
    const w = await openWatch(sim);
    await waitFor(() => sim.metrics().watches.open === 1, 'a watch open');
    expect(sim.killSockets({ reset: true })).toBe(1);
    expect(await w.outcome).toBe('ECONNRESET');
    // The server keeps serving.
    expect((await raw(sim, 'GET', '/api/v1/namespaces')).status).toBe(200);
  });
});
