import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { json, pod, podList } from '../helpers/hostile-api-server.js';
import { useHostileDaemon } from '../helpers/hostile-daemon.js';

/**
 * An audit: a script opens many `:top` panes on the same namespace. Each read the metrics API on
 * its own (every 5 s, the answer tens of MB on a big cluster, parsed and held per pane) where the
 * pods lists share one read per namespace. They share theirs now: one read answers them all.
 */

const boot = useHostileDaemon();

const PANES = 10;
const METRICS = '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods';

describe('many :top panes on one namespace', () => {
  it('are answered by one metrics read, not one each', async () => {
    // The metrics API answers once told to: until then every read waits (all panes are open by then).
    const held = new Set<ServerResponse>();
    let answering = false;
    const answer = (res: ServerResponse): void =>
      json(res, 200, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [{ metadata: { name: 'web-1', namespace: 'default' }, timestamp: '2026-01-01T00:00:00Z', window: '15s', containers: [{ name: 'c', usage: { cpu: '5m', memory: '10Mi' } }] }] });
    const { api, client: c } = await boot((api) => {
      api.route('/api/v1/namespaces/default/pods', (_req, res, q) => {
        if (q.get('watch')) {
          res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
          res.flushHeaders();
          return;
        }
        json(res, 200, podList([pod('web-1')]));
      });
      api.route(METRICS, (_req, res) => {
        if (answering) return answer(res);
        held.add(res);
        res.on('close', () => held.delete(res));
      });
    });
    const panes: number[] = [];
    for (let i = 0; i < PANES; i++) {
      const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'top', args: { kind: 'pods' } }, newTab: true });
      await c.request('kube/use', { tabId: r.tabId, namespace: 'default' });
      panes.push(r.paneId);
    }
    const snapshot = async (paneId: number): Promise<{ type: string; text?: string } | TableView> => (await c.request<{ view: TableView | { type: string; text?: string } }>('pane/snapshot', { paneId, rows: 20, cols: 200 })).view;
    // Every pane is reading (and a read is at the server) before any answer.
    await waitFor('every pane reading', async () => {
      const views = await Promise.all(panes.map(snapshot));
      return views.every((v) => v.type === 'message' && v.text === 'Reading usage from metrics-server…') && held.size > 0 ? true : null;
    }, 60_000);
    answering = true;
    for (const res of held) answer(res);
    await waitFor('every pane showing the usage', async () => {
      const views = await Promise.all(panes.map(snapshot));
      return views.every((v) => v.type === 'table' && (v as TableView).rows[0]?.cells.cpu === '5m') ? true : null;
    }, 60_000);
    // Each pane showed an answer: one per pane before. Shared, one read (and one more each 5 s since).
    const reads = api.journal.filter((r) => r.path === METRICS).length;
    expect(reads, `${reads} metrics reads for ${PANES} panes`).toBeLessThan(PANES);
  }, 120_000);
});
