import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rpc-client.js';
import {
  focusedExecPane, namespaceWith, paneSize, pod, podsPane, rowsText, startWorld, type, waitScreen, type ExecWorld,
} from '../../packages/daemon/test/exec/harness.js';

/**
 * Two terminals of different sizes typing in turn into one exec pane: the remote terminal takes the
 * size of the one that typed last (tmux's `latest`), but is not resized (its whole scrollback
 * reflowed, the shell sent a resize) on every key while they take turns. Resizes are counted in the
 * daemon's debug log ('exec resize', one line per resize of the emulator and the remote terminal).
 */

let w: ExecWorld;
const SIZE_A = { cols: 200, rows: 60 };
const SIZE_B = { cols: 90, rows: 25 };

beforeAll(async () => {
  w = await startWorld({}, '[general]\nlog_level = "debug"\n');
});
afterAll(async () => {
  await w?.stop();
});

/** Resizes of `paneId` logged so far. */
function resizes(paneId: number): number {
  const log = readFileSync(join(w.env.dir, 'state', 'kubetile', 'kubetiled.log'), 'utf8');
  return log.split('\n').filter((l) => l.includes('"msg":"exec resize"') && l.includes(`"paneId":${paneId},`)).length;
}

describe('typists taking turns', () => {
  it('the remote terminal ends at the last typist\'s size, without a resize per key', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('turns', n)]);
    const a = await RawClient.connect(w.env.socket);
    const b = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE_A);
      await b.attach(SIZE_B);
      await podsPane(a, ns, ['turns']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await waitScreen(a, paneId, 'prompt', (rows) => rows.some((r) => r.startsWith('root@turns:/#')));
      await b.request('pane/focus', { paneId });
      await b.waitLayout('b shows the exec pane', (l) => l.tabs.find((t) => t.id === l.activeTabId)?.focusedPaneId === paneId);
      await b.request('client/key', { key: 'i' });
      const sa = paneSize(a, SIZE_A, paneId);
      const sb = paneSize(b, SIZE_B, paneId);
      expect(sb).not.toEqual(sa);
      // Some scrollback for a resize to reflow.
      await type(a, `${'env; '.repeat(20)}echo filled\r`);
      await waitScreen(a, paneId, 'scrollback', (rows, v) => rows.includes('filled') && v.scrollback > 50);
      const before = resizes(paneId);

      // 40 keys, B and A in turn (`echo ` by A first, A's enter last).
      await type(a, 'echo ');
      for (let i = 0; i < 20; i++) {
        await type(b, 'b');
        await type(a, 'a');
      }
      await type(a, '\r');
      const typed = `echo ${'ba'.repeat(20)}`;
      // B's first key made the terminal B's at once; A typed last: it is A's again once they stopped
      // taking turns (the echo's output is there and the size A's: the settle timer has fired).
      const v = await waitScreen(a, paneId, "the output at A's size", (rows, view) => view.badge === `${sa.cols}x${sa.rows}` && rows.includes('ba'.repeat(20)));
      // Every key reached the shell, in order.
      expect(rowsText(v).some((r) => r.endsWith(typed))).toBe(true);
      await type(a, 'stty size\r');
      await waitScreen(a, paneId, `stty size says A's ${sa.rows} ${sa.cols}`, (rows) => rows.includes(`${sa.rows} ${sa.cols}`));
      const during = resizes(paneId) - before;
      // Two: to B at B's first key, back to A when they stopped (a resize per key made 41).
      // Room for a few pauses of the machine longer than RESIZE_SETTLE_MS between two keys.
      expect(during).toBeGreaterThanOrEqual(2);
      expect(during).toBeLessThan(10);

      // B types on its own: B's size (at once after a quiet spell of RESIZE_SETTLE_MS, else once it
      // comes), one resize, and the command typed sees it.
      const quietFrom = resizes(paneId);
      await type(b, 's');
      await waitScreen(b, paneId, "B's size", (_rows, view) => view.badge === `${sb.cols}x${sb.rows}`);
      await type(b, 'tty size\r');
      await waitScreen(b, paneId, `stty size says B's ${sb.rows} ${sb.cols}`, (rows) => rows.includes(`${sb.rows} ${sb.cols}`));
      expect(resizes(paneId) - quietFrom).toBe(1);
      await a.request('pane/close', { paneId });
    } finally {
      a.close();
      b.close();
    }
  });
});
