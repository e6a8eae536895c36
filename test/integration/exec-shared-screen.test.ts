import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rpc-client.js';
import { focusedExecPane, namespaceWith, pod, podsPane, rowsText, startWorld, type, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * The exec screen lives in the daemon: two clients see the same screen, and a third that attaches
 * later sees it too, scrollback included. Real daemon and clients, kube-sim behind.
 */

let w: ExecWorld;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.stop();
});

describe('one exec screen, every client', () => {
  it('two clients see the same screen; a third attaching later sees it and scrolls its scrollback', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('shared', n)]);
    const a = await RawClient.connect(w.env.socket);
    const b = await RawClient.connect(w.env.socket);
    let c: RawClient | null = null;
    try {
      await a.attach({ cols: 120, rows: 40 });
      await b.attach({ cols: 120, rows: 40 });
      await podsPane(a, ns, ['shared']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await b.request('pane/focus', { paneId });
      await waitScreen(a, paneId, 'prompt', (rows) => rows.some((r) => r.startsWith('root@shared:/#')));

      await type(a, 'echo first-marker\r');
      await type(a, 'env; env; env; env; env; env\r');
      await type(a, 'echo last-marker\r');
      const va = await waitScreen(a, paneId, 'the last output on A', (rows) => rows.includes('last-marker'));
      const vb = await waitScreen(b, paneId, 'the same on B', (rows) => rows.includes('last-marker') && JSON.stringify(rows) === JSON.stringify(rowsText(va)));
      expect(vb.rows).toEqual(va.rows);
      expect(vb.cursor).toEqual(va.cursor);
      expect(va.scrollback).toBeGreaterThan(0);
      // The first lines have scrolled into the scrollback.
      expect(rowsText(va)).not.toContain('first-marker');

      // A third client, attached later, with another terminal size.
      c = await RawClient.connect(w.env.socket);
      await c.attach({ cols: 100, rows: 30 });
      await c.request('pane/focus', { paneId });
      const vc = await waitScreen(c, paneId, 'the screen on the late client', (rows) => rows.includes('last-marker'));
      expect(vc.scrollback).toBe(va.scrollback);
      // Normal mode: g goes to the top of the scrollback, where the first command still is.
      await c.request('client/key', { key: 'g' });
      const top = await waitScreen(c, paneId, 'the top of the scrollback', (rows) => rows.includes('first-marker'));
      expect(top.scrolled).toBe(top.scrollback);
      expect(top.cursor).toBeNull();
      expect(top.badge).toMatch(/^↑\d+\/\d+ /);
      expect(rowsText(top)[0]).toMatch(/^kube-sim shell in /);
      await c.request('client/key', { key: 'j' });
      await waitScreen(c, paneId, 'one line down', (_rows, v) => v.scrolled === top.scrolled - 1);
      await c.request('client/key', { key: 'shift+g' });
      await waitScreen(c, paneId, 'live again', (rows, v) => v.scrolled === 0 && rows.includes('last-marker'));

      // Typing on A goes on being seen by C.
      await type(a, 'echo after-c\r');
      await waitScreen(c, paneId, 'C sees what A typed', (rows) => rows.includes('after-c'));
      await a.request('pane/close', { paneId });
    } finally {
      a.close();
      b.close();
      c?.close();
    }
  });
});
