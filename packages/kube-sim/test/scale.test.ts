/** Scale check: 100k pods fit, list in full and in pages, and watches keep up with churn. No timing assertions. */
import https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeSim } from '../src/index.js';
import { raw, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);

/** Streams a list response and counts its items without holding it in memory. */
function countItems(sim: KubeSim, path: string): Promise<{ items: number; bytes: number }> {
  const needle = '"kind":"Pod"';
  return new Promise((resolve, reject) => {
    https.get(`${sim.url}${path}`, { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}` }, agent: false }, (res) => {
      let tail = '';
      let items = 0;
      let bytes = 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        bytes += Buffer.byteLength(chunk);
        const text = tail + chunk;
        for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) items++;
        // Keep a tail shorter than the needle so no match is counted twice.
        tail = text.slice(-(needle.length - 1));
      });
      res.on('end', () => resolve({ items, bytes }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('scale', () => {
  it('holds 100k pods, lists them whole and paged, and streams churn to a watch', async () => {
    const { sim } = await startSim();
    expect(await sim.addPods(100_000, 'load')).toBe(100_000);
    expect(sim.metrics().objects['pods']).toBe(100_000);

    const whole = await countItems(sim, '/api/v1/namespaces/load/pods');
    expect(whole.items).toBe(100_000);

    const first = (await raw(sim, 'GET', '/api/v1/namespaces/load/pods?limit=500')).json<{ items: unknown[]; metadata: { continue: string; remainingItemCount: number } }>();
    expect(first.items).toHaveLength(500);
    expect(first.metadata.remainingItemCount).toBe(99_500);
    const second = (await raw(sim, 'GET', `/api/v1/namespaces/load/pods?limit=500&continue=${encodeURIComponent(first.metadata.continue)}`)).json<{ items: Array<{ metadata: { name: string } }> }>();
    expect(second.items[0]?.metadata.name).toBe('scale-000500');

    const rv = sim.store.rv;
    let events = 0;
    const req = https.get(`${sim.url}/api/v1/namespaces/load/pods?watch=true&resourceVersion=${rv}`, { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}` }, agent: false }, (res) => {
      res.on('data', (c: Buffer) => { for (const b of c) if (b === 10) events++; });
    });
    await waitFor(() => sim.metrics().watches.open === 1, 'watch open');
    sim.setEventRate(2000, 'load');
    await waitFor(() => events >= 2000, '2000 churn events', 60_000);
    sim.setEventRate(0);
    req.destroy();
  }, 180_000);
});
