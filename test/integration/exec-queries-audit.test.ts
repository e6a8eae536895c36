import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rpc-client.js';
import { focusedExecPane, namespaceWith, pod, podsPane, startWorld, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * A program that asks the terminal where its cursor is (`ESC [ 6 n`) a thousand times in one write
 * gets its answers, in one stdin message rather than a thousand (each ~4 µs of the daemon's only
 * thread to send, and one more frame for the API server and kubelet to relay).
 */

let w: ExecWorld;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.stop();
});

describe('exec: terminal queries', () => {
  it('a thousand cursor-position queries in one write are answered in a few stdin messages', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('asker', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach({ cols: 100, rows: 30 });
      await podsPane(a, ns, ['asker']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await waitScreen(a, paneId, 'the prompt', (rows) => rows.some((r) => r.startsWith('root@asker:/#')));
      // The sim's shell prints how many stdin messages it has had (this paste included).
      const count = async (label: string): Promise<number> => {
        await a.request('client/paste', { text: `stdin-messages ${label}\n` });
        const v = await waitScreen(a, paneId, `count ${label}`, (rows) => {
          const i = rows.findIndex((r) => r.endsWith(`# stdin-messages ${label}`));
          return i >= 0 && /^\d+$/.test(rows[i + 1] ?? '');
        });
        const rows = v.rows.map((r) => r.map((run) => run.text).join(''));
        return Number(rows[rows.findIndex((r) => r.endsWith(`# stdin-messages ${label}`)) + 1]);
      };
      const before = await count('before');
      await a.request('client/paste', { text: `echo -ne '${'\\e[6n'.repeat(1000)}'; echo asked\n` });
      await waitScreen(a, paneId, 'the queries printed', (rows) => rows.some((r) => r === 'asked'));
      const after = await count('after');
      // Two pastes (the echo, the second count) and the answers.
      const answers = after - before - 2;
      expect(answers).toBeGreaterThanOrEqual(1);
      expect(answers).toBeLessThanOrEqual(5);
    } finally {
      a.close();
    }
  });
});
