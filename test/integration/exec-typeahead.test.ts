import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rpc-client.js';
import {
  focusedExecPane, namespaceWith, pod, podsPane, rowsText, startWorld, waitFor, waitScreen, type ExecWorld,
} from '../../packages/daemon/test/exec/harness.js';

/**
 * Keys typed while a shell is still connecting are kept (up to 4 KiB) and sent once it is up. Past
 * that they are dropped — and the user is told, once — and nothing typed after the first dropped key
 * is kept either: the shell gets a prefix of what was typed, never later keys without earlier ones.
 * The connection is held up by kube-sim (latency on pods/exec, cleared when the test lets it through).
 */

let w: ExecWorld;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.stop();
});

/** A 3-byte character in UTF-8: 1,365 of them are 4,095 bytes, one more is over the 4 KiB kept. */
const EURO = '€';
const KEPT = Math.floor(4096 / Buffer.byteLength(EURO));

describe('keys typed while the shell connects', () => {
  it('past 4 KiB they are dropped with one toast, and the shell gets only what was typed before the first dropped key', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('slow', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach({ cols: 120, rows: 40 });
      await podsPane(a, ns, ['slow']);
      w.sim.setLatency({ verb: 'create', resource: 'pods/exec', ms: 600_000 });
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await a.waitLayout('insert mode for the client that pressed e', (l) => l.mode === 'insert');
      const before = a.toasts().length;
      const dropped = (): string[] => a.toasts().slice(before).filter((t) => t.includes('keys are dropped'));
      for (let i = 0; i < KEPT; i++) await a.request('client/key', { key: EURO });
      expect(dropped()).toEqual([]);
      // This one does not fit; `a` would (one byte), but it came after a dropped key.
      await a.request('client/key', { key: EURO });
      await a.request('client/key', { key: 'a' });
      await a.request('client/key', { key: 'a' });
      const told = await waitFor('the dropped-keys toast', () => dropped()[0] ?? null);
      expect(told).toContain('still connecting');
      expect(told).toContain('4,096 bytes');
      // A paste now is refused as a whole (it would come after the dropped keys).
      const paste = await a.request<{ handled: boolean }>('client/paste', { text: 'pasted' });
      expect(paste.handled).toBe(false);

      w.sim.setLatency(0);
      await waitScreen(a, paneId, 'the shell up, with what was kept typed at its prompt', (rows) => rows.join('').includes(`/# ${EURO}`));
      // A key once it runs: everything before it has reached the shell when it shows.
      await a.request('client/key', { key: 'Q' });
      const v = await waitScreen(a, paneId, 'the key typed after connecting', (rows) => rows.join('').includes('Q'));
      const line = rowsText(v).join('').replace(/\s+$/, '');
      const typed = line.slice(line.lastIndexOf('/# ') + 3);
      expect(typed).toBe(`${EURO.repeat(KEPT)}Q`);
      expect(dropped()).toHaveLength(1);
    } finally {
      a.close();
    }
  });
});
