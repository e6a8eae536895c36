import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A custom kind's list open while the API server does not serve it (a session restored before the CRD is
 * installed, a CRD deleted and installed again): the list says so, and when the kind is served again it
 * lists the objects with the CRD's printer columns, not NAME and AGE for good.
 */

let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let c: RawClient;

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gizmos.late.example.com' },
  spec: {
    group: 'late.example.com',
    names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', listKind: 'GizmoList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      },
    ],
  },
};

interface Seen {
  titles: string[];
  rows: Array<Record<string, unknown>>;
  text: string;
}

async function seen(paneId: number): Promise<Seen | null> {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 140 })).view;
  if (v.type !== 'table') return null;
  return { titles: v.columns.map((x) => x.title), rows: v.rows.map((r) => r.cells), text: JSON.stringify({ footer: v.footer, empty: v.empty }) };
}

async function waitSeen(paneId: number, label: string, pred: (s: Seen) => boolean, timeoutMs = 60_000): Promise<Seen> {
  let last: Seen | null = null;
  try {
    return await waitFor(
      label,
      async () => {
        last = await seen(paneId);
        return last && pred(last) ? last : null;
      },
      timeoutMs,
      100,
    );
  } catch (err) {
    throw new Error(`${String(err)}; last: ${JSON.stringify(last)}`);
  }
}

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: (s) => {
      s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'late' } });
    },
    client: { cols: 140, rows: 40 },
  });
  ({ sim, client: c } = stack);
});
afterAll(() => stack?.stop());

describe('a custom kind served only after its list is open', () => {
  it('says it is not served, then lists the objects with the printer columns', async () => {
    const args = { kind: 'gizmos', group: 'late.example.com', version: 'v1', namespaced: true, kindName: 'Gizmo' };
    const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args }, newTab: true });
    await c.request('kube/use', { tabId, namespace: 'late' });
    await waitSeen(paneId, 'the list says the kind is not served', (s) => /does not serve/.test(s.text));

    sim.createObject(CRD);
    sim.createObject({ apiVersion: 'late.example.com/v1', kind: 'Gizmo', metadata: { name: 'g1', namespace: 'late' }, spec: { size: 5 } });
    const after = await waitSeen(paneId, 'the gizmo listed with the CRD columns', (s) => s.rows.length === 1 && s.titles.join() === 'NAME,SIZE,AGE');
    expect(after.rows[0]).toMatchObject({ name: 'g1', size: '5' });

    // The CRD deleted while the list is open: its objects go, its watch ends (as kube-apiserver ends it),
    // and the list says the kind is no longer served, not "No gizmos" as if it were merely empty.
    sim.deleteObject('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'gizmos.late.example.com');
    await waitSeen(paneId, 'the list says the kind is not served any more', (s) => s.rows.length === 0 && /does not serve/.test(s.text));
  }, 150_000);
});
