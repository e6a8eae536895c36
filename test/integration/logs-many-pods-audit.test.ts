import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespace, openLogs, podsPane, received, runningPod, shown, startLogsEnv, waitPane, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';

/**
 * Logs of a Deployment with many chatty pods: the daemon's memory is bounded by the pane's
 * `max_bytes`, not by the number of pods. Each pod's stream kept a ring of its recent lines of up
 * to 2 MiB for panes joining later, whatever the pane had dropped: 60 pods held 126 MB, a daemon
 * with a 96 MB old generation ran out of memory (500 pods: a gigabyte).
 */

const PODS = 60;
const LINES = 35;
let t: LogsEnv;

beforeAll(async () => {
  t = await startLogsEnv({ nodeOptions: '--max-old-space-size=96' });
});
afterAll(async () => {
  await t?.stop();
});

describe('logs of many pods', () => {
  it('60 pods with 2 MB of log each: the daemon keeps what the pane shows, and a pane joining later still gets its history', async () => {
    const ns = 'many';
    namespace(t.sim, ns);
    for (let i = 0; i < PODS; i++) {
      t.sim.createObject(runningPod(`p-${i}`, ns, ['main'], { labels: { app: 'many' } }));
      t.sim.appendLog(ns, `p-${i}`, Array.from({ length: LINES }, (_, k) => `${i}/${k} ${String.fromCharCode(97 + (k % 26)).repeat(60_000)}`));
    }
    t.sim.createObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'many', namespace: ns },
      spec: { replicas: PODS, selector: { matchLabels: { app: 'many' } }, template: { metadata: { labels: { app: 'many' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } } },
    });
    const { paneId } = await openLogs(t.script, await podsPane(t.script, ns, 'deployments'), 'many', ns);
    const v = await waitPane(t.script, paneId, 'every line of every pod', (x) => received(x) === PODS * LINES, 60_000);
    // The pane holds max_bytes (16 MiB) of 60 KB lines; the daemon is alive and answers.
    expect(Number(v.badge)).toBeLessThan(300);
    expect(t.daemon.child.exitCode).toBeNull();
    await expect(t.script.request('rpc/echo', { value: 1 })).resolves.toEqual({ value: 1 });
    const { memory } = await t.script.request<{ memory: { heapUsed: number } }>('daemon/status');
    expect(memory.heapUsed / 1024 / 1024).toBeLessThan(96);
    // A pane on one of the pods joins its stream: all its lines, from the API where the ring is short.
    const one = await openLogs(t.script, await podsPane(t.script, ns), 'p-7', ns);
    const w = await waitPane(t.script, one.paneId, 'the pod alone', (x) => received(x) === LINES, 60_000);
    expect(shown(w)[0]).toMatch(/^7\/0 a{100}/);
    expect(shown(w)[LINES - 1]).toMatch(/^7\/34 i{100}/);
  }, 180_000);
});
