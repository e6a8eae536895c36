import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logStreams, namespace, openLogs, podsPane, runningPod, shown, startLogsEnv, waitPane, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';
import { waitFor } from '../helpers/daemon-process.js';

/**
 * A pod deleted and created again under the same name (a StatefulSet's pod, a pod replaced by hand) is another
 * pod: a workload's logs follow the new one however the pod list reports the change, and a pod's logs never go
 * on with the new pod's lines as if they were the old one's.
 */

let t: LogsEnv;
let n = 0;
const fresh = (): string => {
  const ns = `repl-${++n}`;
  namespace(t.sim, ns);
  return ns;
};

beforeAll(async () => {
  t = await startLogsEnv();
});
afterAll(async () => {
  await t?.stop();
});

describe('logs: a pod replaced under the same name', () => {
  it("a workload's logs follow the new pod when its deletion and creation reach the daemon together", async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('db-0', ns, ['main'], { labels: { app: 'db' } }));
    t.sim.createObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: ns }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } });
    t.sim.appendLog(ns, 'db-0', 'from the old pod');
    const list = await podsPane(t.script, ns, 'services');
    const { paneId } = await openLogs(t.script, list, 'db', ns);
    await waitPane(t.script, paneId, 'the old pod', (v) => shown(v).some((l) => l.endsWith('from the old pod')));

    // The deletion and the creation arrive in one batch of watch events.
    t.sim.stallWatches(60_000);
    t.sim.deleteObject('v1', 'Pod', 'db-0', ns);
    t.sim.createObject(runningPod('db-0', ns, ['main'], { labels: { app: 'db' } }));
    t.sim.appendLog(ns, 'db-0', 'from the new pod');
    t.sim.unstallWatches();

    const v = await waitPane(t.script, paneId, 'the new pod followed', (x) => shown(x).some((l) => l.endsWith('from the new pod')));
    expect(shown(v)).toContain('── pod db-0 is gone ──');
    expect(v.footer).toMatch(/1 pod\b/);
    await waitFor('one stream: the new pod', async () => (await logStreams(t.script)) === 1);
    await t.script.request('pane/close', { paneId });
  });

  it("a pod's logs end when the stream resumes on a new pod of the same name, never showing its lines as the old pod's", async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('solo', ns));
    t.sim.appendLog(ns, 'solo', 'from the old pod');
    const list = await podsPane(t.script, ns);
    const { paneId } = await openLogs(t.script, list, 'solo', ns);
    await waitPane(t.script, paneId, 'the old pod', (v) => shown(v).includes('from the old pod'));

    // The stream is cut; its resume is held while the pod is replaced.
    t.sim.setLatency({ ms: 600_000, resource: 'pods/log' });
    try {
      t.sim.killSockets();
      await waitPane(t.script, paneId, 'reconnecting', (v) => /reconnecting/.test(v.footer ?? ''));
      t.sim.deleteObject('v1', 'Pod', 'solo', ns);
      t.sim.createObject(runningPod('solo', ns));
      t.sim.appendLog(ns, 'solo', 'from the new pod');
    } finally {
      t.sim.setLatency([]);
    }

    const v = await waitPane(t.script, paneId, 'the stream ended', (x) => /ended: pod deleted \(a new pod took its name\)/.test(x.footer ?? ''));
    expect(shown(v)).toEqual(['from the old pod']);
    await t.script.request('pane/close', { paneId });
  });
});
