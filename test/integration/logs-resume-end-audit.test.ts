import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { closeLogsPanes, logStreams, namespace, openLogs, podsPane, runningPod, shown, startLogsEnv, waitPane, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';

/**
 * A followed log resumes after its stream was cut, and the resume is the container's last words:
 * its lines and the end of the body come in one read. A resume's lines wait until the pod is known
 * to be still the one followed (a new pod may have taken its name); while they waited, the reader
 * reached the end of the body (already read: holding back the reads does not hold back the end)
 * and reported the stream over, so the lines, taken after the stream had ended, were dropped: the
 * pane said the container had terminated without its last lines, the ones that say why.
 */

let t: LogsEnv;
let n = 0;
const fresh = (): string => {
  const ns = `resume-end-${++n}`;
  namespace(t.sim, ns);
  return ns;
};

beforeAll(async () => {
  t = await startLogsEnv();
});
afterEach(async () => {
  await closeLogsPanes(t.script);
  await waitFor('no stream left open', async () => (await logStreams(t.script)) === 0);
});
afterAll(async () => {
  await t?.stop();
});

describe('logs: a resume that reads a container\'s last lines and its end', () => {
  it('shows the last lines before the end (they were dropped: the stream ended while the pod was checked)', async () => {
    const ns = fresh();
    const p = runningPod('dying', ns);
    t.sim.createObject({ ...p, spec: { ...p.spec, restartPolicy: 'Never' } });
    t.sim.appendLog(ns, 'dying', 'working');
    const { paneId } = await openLogs(t.script, await podsPane(t.script, ns), 'dying', ns);
    await waitPane(t.script, paneId, 'following', (v) => shown(v).includes('working'));

    // The stream is cut; its resume is held while the container says its last and terminates.
    t.sim.setLatency({ ms: 600_000, resource: 'pods/log' });
    try {
      t.sim.killSockets();
      await waitPane(t.script, paneId, 'reconnecting', (v) => /reconnecting/.test(v.footer ?? ''));
      t.sim.appendLog(ns, 'dying', ['panic: out of cheese', 'goroutine 1 [running]', 'exit status 2']);
      t.sim.terminateContainer(ns, 'dying', { exitCode: 2 });
    } finally {
      t.sim.setLatency([]);
    }

    const v = await waitPane(t.script, paneId, 'ended', (x) => (x.footer ?? '').includes('ended:'));
    expect(v.footer).toContain('ended: container terminated (exit code 2)');
    expect(shown(v)).toEqual(['working', 'panic: out of cheese', 'goroutine 1 [running]', 'exit status 2']);
  });
});
