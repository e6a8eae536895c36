import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespace, openLogs, podsPane, runningPod, shown, startLogsEnv, waitPane, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';

/**
 * Logs of a pod not on a node yet: the API server answers its log empty (204) each time. The pane
 * says the pod is Pending — not "reconnecting: the API server ended the stream" — and shows the
 * log once the pod runs.
 */

let t: LogsEnv;
beforeAll(async () => {
  t = await startLogsEnv();
});
afterAll(async () => {
  await t?.stop();
});

describe('logs of a Pending pod', () => {
  it('say it waits for the pod to be on a node, then follow it once it runs', async () => {
    const ns = 'logs-pending';
    namespace(t.sim, ns);
    const pod = runningPod('later', ns) as ReturnType<typeof runningPod> & { spec: { nodeName?: string }; status: Record<string, unknown> };
    delete pod.spec.nodeName;
    pod.status = { phase: 'Pending' };
    t.sim.createObject(pod);
    const list = await podsPane(t.script, ns);
    const { paneId } = await openLogs(t.script, list, 'later', ns);
    const v = await waitPane(t.script, paneId, 'the wait said', (x) => (x.type === 'lines' || x.type === 'message') && (x.footer ?? '').includes('not on a node yet'), 30_000);
    expect(v.footer).toMatch(/waiting \(\d+\): the pod is not on a node yet \(Pending\)/);
    expect(v.footer ?? '').not.toContain('ended the stream');

    t.sim.patchObject('v1', 'Pod', 'later', ns, { spec: { nodeName: 'node-1' } });
    t.sim.patchObject('v1', 'Pod', 'later', ns, { status: runningPod('later', ns).status });
    t.sim.appendLog(ns, 'later', ['up at last']);
    await waitPane(t.script, paneId, 'the log once it runs', (x) => shown(x).includes('up at last'), 60_000);
  });
});
