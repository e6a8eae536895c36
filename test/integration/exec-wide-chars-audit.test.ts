import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringWidth } from '@kubetile/rpc-schema';
import { RawClient } from '../helpers/rpc-client.js';
import { focusedExecPane, namespaceWith, pod, podsPane, startWorld, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * Emoji in a shell (a prompt with ✅, a tool printing 🚀): the daemon's screen counts them two cells
 * each, as the client paints them and as the shell itself (wcwidth) counts them. With xterm's
 * Unicode 6 widths they took one cell: a row of them ran past the pane's right edge on the user's
 * terminal and lost its end, and the cursor was drawn on a character left of where typing goes.
 */

let w: ExecWorld;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.stop();
});

describe('exec: wide characters', () => {
  it('a row of emoji wraps at the pane width and the cursor is after what was typed', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('emoji', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach({ cols: 100, rows: 30 });
      await podsPane(a, ns, ['emoji']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      const prompt = 'root@emoji:/# ';
      await waitScreen(a, paneId, 'the prompt', (rows) => rows.some((r) => r.startsWith(prompt.trimEnd())));
      // 60 rockets are 120 cells: more than the pane is wide.
      const rockets = '🚀'.repeat(60);
      await a.request('client/paste', { text: `echo x${rockets}\n` });
      const v = await waitScreen(a, paneId, 'the rockets echoed', (rows) => rows.filter((r) => r.startsWith(prompt.trimEnd())).length >= 2 && rows.some((r) => r.startsWith('x🚀')));
      const rows = v.rows.map((r) => r.map((run) => run.text).join(''));
      // Every row fits the pane as the client counts cells (unfixed: one row of 121 cells, cut at 100).
      expect(Math.max(...rows.map((r) => stringWidth(r)))).toBeLessThanOrEqual(100);
      // The output wrapped and is whole: the row starting with x, then rows of rockets up to the next prompt.
      const out = rows.findIndex((r) => r.startsWith('x🚀'));
      const end = rows.findIndex((r, i) => i > out && r.startsWith(prompt.trimEnd()));
      expect(end).toBeGreaterThan(out + 1);
      expect(rows.slice(out, end).join('')).toBe(`x${rockets}`);

      // Typing after a wide character: the cursor is where the next character goes.
      await a.request('client/paste', { text: '✅ ok' });
      const typed = await waitScreen(a, paneId, 'the typed text', (rs) => rs.some((r) => r.endsWith('# ✅ ok')));
      const row = typed.rows.map((r) => r.map((run) => run.text).join('')).findIndex((r) => r.endsWith('# ✅ ok'));
      expect(typed.cursor).toEqual({ row, col: stringWidth(`${prompt}✅ ok`) });
    } finally {
      a.close();
    }
  });
});
