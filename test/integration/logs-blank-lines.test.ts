import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespace, openLogs, podsPane, runningPod, shown, startLogsEnv, waitPane, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';

/**
 * A blank line in a container's log is a line (a Go panic's "panic: …", blank, "goroutine 1
 * [running]:"), shown as kubectl logs shows it, with timestamps on or off.
 */

let t: LogsEnv;
beforeAll(async () => {
  t = await startLogsEnv();
});
afterAll(async () => {
  await t?.stop();
});

describe('blank log lines', () => {
  it('are kept, with or without timestamps', async () => {
    const ns = 'logs-blank';
    namespace(t.sim, ns);
    t.sim.createObject(runningPod('crash', ns));
    t.sim.appendLog(ns, 'crash', ['panic: boom', '', 'goroutine 1 [running]:', '', '', 'main.main()']);
    const list = await podsPane(t.script, ns);
    const { paneId } = await openLogs(t.script, list, 'crash', ns);
    const v = await waitPane(t.script, paneId, 'the log', (x) => shown(x).join('\n').includes('main.main()'));
    expect(shown(v)).toEqual(['panic: boom', '', 'goroutine 1 [running]:', '', '', 'main.main()']);
  });
});
