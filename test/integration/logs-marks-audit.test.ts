import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinesView } from '@kubetile/rpc-schema';
import { namespace, openLogs, podsPane, received, runningPod, snapshot, startLogsEnv, waitPane, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';

/**
 * A log line of stacked combining marks ("zalgo" text: one letter and 30,000 accents) takes one
 * cell. Every row of it went out whole in every frame to every client — 40 rows made a 2.4 MB view,
 * many times a second while the pod wrote — and the user's terminal had to lay out 30,000 marks on
 * one character. A cell shows its character and a few marks, as the exec pane's does.
 */

let t: LogsEnv;

beforeAll(async () => {
  t = await startLogsEnv();
});
afterAll(async () => {
  await t?.stop();
});

describe('logs: stacked combining marks', () => {
  it('a cell shows its character and at most a few marks; the view stays small', async () => {
    const ns = 'zalgo';
    namespace(t.sim, ns);
    t.sim.createObject(runningPod('zalgo', ns));
    const zalgo = `a${'\u0301'.repeat(30_000)}b${'\u0302\u0303'.repeat(20)} end`;
    t.sim.appendLog(ns, 'zalgo', [...Array.from({ length: 40 }, () => zalgo), 'plain é and 日本']);
    const { paneId } = await openLogs(t.script, await podsPane(t.script, ns), 'zalgo', ns);
    await waitPane(t.script, paneId, 'all lines', (x) => received(x) === 41);
    for (const wrap of [false, true]) {
      const v = (await snapshot(t.script, paneId, 45, 160)) as LinesView;
      const rows = v.lines.map((l) => l.text);
      const z = rows.filter((r) => r.startsWith('a\u0301'));
      expect(z).toHaveLength(40);
      for (const r of z) {
        // The letters and the text after them are all there; each letter keeps a few of its marks.
        expect(r.replace(/\p{M}/gu, '')).toBe('ab end');
        expect(r.length).toBeLessThan(40);
        expect(r.startsWith(`a${'\u0301'.repeat(4)}`)).toBe(true);
        expect(r).toContain(`b${'\u0302\u0303'.repeat(2)}`);
      }
      // Everyday accents and wide characters are untouched.
      expect(rows.at(-1)).toBe('plain é and 日本');
      expect(JSON.stringify(v).length).toBeLessThan(20_000);
      if (!wrap) await t.script.request('pane/command', { paneId, command: { type: 'toggle_wrap' } });
    }
  });
});
