import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, selectRow } from '../helpers/list-pane.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * An edit writes the whole object back (a PUT). The daemon reads objects as JSON into JavaScript
 * numbers, which carry integers exactly only up to 2^53: a field beyond it (an int64 a controller
 * or a CRD set) came back rounded, and saving an edit of any other field wrote the rounded value
 * over the true one. Such an object is not opened for editing, and the field is named.
 */

const ns = 'big';
let t: SimDaemon;

beforeAll(async () => {
  t = await startSimDaemon();
  t.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  t.sim.createObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'huge-deadline', namespace: ns },
    spec: { nodeName: 'node-1', activeDeadlineSeconds: 2 ** 60, containers: [{ name: 'main', image: 'busybox:1.36' }] },
    status: { phase: 'Running' },
  });
}, 120_000);
afterAll(async () => t?.stop());

describe('an object with an integer beyond 2^53', () => {
  it('is not opened in the editor; the toast names the field and what to use instead', async () => {
    const c = await RawClient.connect(t.env.socket);
    try {
      await c.attach({ cols: 120, rows: 40 });
      const paneId = await openListIn(c, 'pods', ns);
      await selectRow(c, paneId, 'huge-deadline');
      await c.request('client/key', { key: 'shift+e' });
      const said = await waitFor('the refusal', () => c.toasts().find((x) => x.includes('larger than kubetile can carry exactly')) ?? null);
      expect(said).toContain('at spec.activeDeadlineSeconds');
      expect(said).toContain('kubectl edit');
      expect(c.notifications.filter((n) => n.method === 'editor/open')).toEqual([]);
    } finally {
      c.close();
    }
  });
});
