import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { json, pod, podList } from '../helpers/hostile-api-server.js';
import { useHostileDaemon } from '../helpers/hostile-daemon.js';

/**
 * An audit: `:top` against a metrics API that reports pods the cluster does not have — one deleted
 * since (metrics lag behind the watch), or one it made up. `:top`'s rows are the pods (`l`, `y`,
 * `d` act on the selected one): a pod that is not there must not be a row, showing CPU and memory
 * as if it ran, that no key can act on.
 */

const boot = useHostileDaemon();

const usageItem = (name: string, cpu: string) => ({ metadata: { name, namespace: 'default' }, timestamp: '2026-01-01T00:00:00Z', window: '15s', containers: [{ name: 'c', usage: { cpu, memory: '10Mi' } }] });

describe(':top and pods the cluster does not have', () => {
  it("shows a deleted pod's (or a made-up pod's) usage as no row once the watch holds the namespace's pods", async () => {
    const watches = new Set<ServerResponse>();
    const { client: c } = await boot((api) => {
      api.route('/api/v1/namespaces/default/pods', (_req, res, q) => {
        if (q.get('watch')) {
          res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
          res.flushHeaders();
          watches.add(res);
          res.on('close', () => watches.delete(res));
          return;
        }
        json(res, 200, podList([pod('web-1'), pod('old-1')]));
      });
      // metrics-server still reports old-1 after it is deleted, and reports a pod that never was.
      api.route('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods', (_req, res) =>
        json(res, 200, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [usageItem('web-1', '5m'), usageItem('old-1', '50m'), usageItem('ghost-1', '900m')] }),
      );
    });
    const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'top', args: { kind: 'pods' } }, newTab: true });
    await c.request('kube/use', { tabId: r.tabId, namespace: 'default' });
    const table = async (): Promise<TableView | null> => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: r.paneId, rows: 30, cols: 200 })).view;
      return v.type === 'table' ? v : null;
    };
    const names = (v: TableView | null): string => (v ? v.rows.map((x) => x.cells.name).join() : '');
    // Busiest first: the made-up pod would be the first row.
    let last: TableView | null = null;
    await waitFor('the rows of the pods there', async () => {
      last = await table();
      return names(last) === 'old-1,web-1' && watches.size > 0 ? true : null;
    }, 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; rows: ${names(last)}`);
    });
    expect(last!.badge).toBe('2');
    // old-1 is deleted (the watch says so); the metrics API still reports it.
    for (const w of watches) w.write(`${JSON.stringify({ type: 'DELETED', object: pod('old-1', 'uid-old-1', '11') })}\n`);
    await waitFor('only the pod that is there', async () => {
      last = await table();
      return names(last) === 'web-1' ? true : null;
    }, 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; rows: ${names(last)}`);
    });
    expect(last!.badge).toBe('1');
    expect(last!.rows[0]!.cells.cpu).toBe('5m');
  }, 120_000);
});
