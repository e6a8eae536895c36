import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * `:` while discovery is slow: pressed again and again (esc, `:`), the daemon asks the API server
 * once, not once per press (each started a whole discovery of its own).
 */
let stack: SimDaemon;
beforeAll(async () => {
  stack = await startSimDaemon();
});
afterAll(async () => {
  await stack?.stop();
});

it("':' pressed four times during one slow discovery asks for it once", async () => {
  const c = await RawClient.connect(stack.env.socket);
  try {
    await c.attach({ cols: 120, rows: 40 });
    const since = Math.max(0, ...stack.sim.journalEntries().map((e) => e.seq));
    stack.sim.setLatency({ ms: 4000, resource: 'discovery' });
    for (let i = 0; i < 4; i++) {
      await c.request('client/key', { key: ':' });
      await c.waitLayout(`the switcher open (${i + 1})`, (l) => l.overlay?.type === 'selector');
      if (i < 3) {
        await c.request('client/key', { key: 'esc' });
        await c.waitLayout(`the switcher closed (${i + 1})`, (l) => !l.overlay);
      }
    }
    await c.waitLayout('the kinds listed', (l) => l.overlay?.type === 'selector' && !l.overlay.items.includes('Loading...'), 60_000);
    stack.sim.setLatency(0);
    const asked = await waitFor('the discovery answered', () => {
      // (the path filter is a prefix: the group documents under /apis are left out here)
      const got = stack.sim.journalEntries({ path: '/apis', method: 'GET', sinceSeq: since }).filter((e) => e.path === '/apis');
      return got.length > 0 && got.every((e) => e.status !== 0) ? got : null;
    });
    expect(asked.length).toBe(1);
  } finally {
    c.close();
  }
});
