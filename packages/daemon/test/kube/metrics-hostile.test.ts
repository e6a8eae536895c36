import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { fetchNodeUsage, fetchPodUsage } from '../../src/kube/metrics-api.js';
import { UsagePoller } from '../../src/kube/usage-pool.js';
import { formatCpu } from '../../src/panes/usage-cells.js';
import { useTestServers } from '../http-kubeconfig.js';
import { waitFor } from '../../../../test/helpers/daemon-process.js';

/**
 * A hostile or broken metrics API (metrics.k8s.io, behind the API server): numbers that overflow,
 * items that are not what was asked for, a body that trickles in forever, errors that last. What
 * the CPU/MEM cells and the top panes show must stay true: a pod with no believable usage is blank
 * (never `Infinitym`, never another namespace's pod), a read always ends, and numbers from long
 * ago are not shown as the pod's usage now.
 */

const serve = useTestServers();

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const podMetrics = (namespace: string, name: string, ...containers: Array<{ cpu: string; memory: string }>) => ({
  metadata: { name, namespace },
  timestamp: '2024-01-01T00:00:00Z',
  window: '15s',
  containers: containers.map((usage, i) => ({ name: `c${i}`, usage })),
});

/** What a pods list's CPU cell shows for `key` (blank: no usage). */
const cpuCell = (usage: ReadonlyMap<string, { cpu: number }>, key: string): string => ((u) => (u ? formatCpu(u.cpu) : ''))(usage.get(key));

describe('a hostile metrics API', () => {
  it('a usage that overflows (each quantity finite, the sum or the millicores not) is dropped, never shown as Infinity', async () => {
    const kc = await serve((req, res) => {
      if (req.url!.endsWith('/nodes')) {
        return json(res, 200, { items: [{ metadata: { name: 'n-huge' }, usage: { cpu: '1e306', memory: '1Gi' } }, { metadata: { name: 'n-ok' }, usage: { cpu: '2', memory: '1Gi' } }] });
      }
      json(res, 200, {
        items: [
          podMetrics('default', 'cpu-huge', { cpu: '1e306', memory: '1Mi' }),
          podMetrics('default', 'mem-huge', { cpu: '1m', memory: '9e307' }, { cpu: '1m', memory: '9e307' }),
          podMetrics('default', 'ok', { cpu: '250m', memory: '1Mi' }),
        ],
      });
    });
    const pods = await fetchPodUsage(kc, 'default');
    expect(cpuCell(pods.usage, 'default/cpu-huge')).toBe('');
    expect(pods.usage.has('default/mem-huge')).toBe(false);
    expect(cpuCell(pods.usage, 'default/ok')).toBe('250m');
    const nodes = await fetchNodeUsage(kc);
    expect(cpuCell(nodes.usage, 'n-huge')).toBe('');
    expect(cpuCell(nodes.usage, 'n-ok')).toBe('2000m');
  });

  it("one namespace's answer carrying other namespaces' pods (or names no pod can have): only the namespace's own are taken", async () => {
    const kc = await serve((_req, res) =>
      json(res, 200, {
        items: [
          podMetrics('default', 'api', { cpu: '100m', memory: '1Mi' }),
          podMetrics('kube-system', 'etcd', { cpu: '900m', memory: '1Mi' }),
          // Would read as the pod `api` of `default` in :top (its id split on `/`), with another pod's numbers.
          podMetrics('default', 'api/x', { cpu: '700m', memory: '1Mi' }),
          podMetrics('default', '', { cpu: '700m', memory: '1Mi' }),
        ],
      }),
    );
    const pods = await fetchPodUsage(kc, 'default');
    expect([...pods.usage.keys()]).toEqual(['default/api']);
  });

  it('a body that trickles in and never ends: the read fails at its deadline, not never', async () => {
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items":[');
      const t = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(t));
    });
    const t0 = Date.now();
    await expect(fetchPodUsage(kc, 'default', undefined, 500)).rejects.toThrow('GET /apis/metrics.k8s.io/v1beta1/namespaces/default/pods: the metrics API did not finish answering within 1 s');
    expect(Date.now() - t0).toBeLessThan(5_000);
    await expect(fetchNodeUsage(kc, undefined, 500)).rejects.toThrow(/did not finish answering within/);
  }, 15_000);

  it('a pods list whose usage read trickled forever shows the usage once the server answers again', async () => {
    let n = 0;
    const kc = await serve((_req, res) => {
      if (n++ === 0) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const t = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(t));
        return;
      }
      json(res, 200, { items: [podMetrics('default', 'api', { cpu: '100m', memory: '1Mi' })] });
    });
    const poller = new UsagePoller(() => kc, 'default', { refreshMs: 50, errorRetryMs: 50, deadlineMs: 400 });
    poller.start();
    try {
      await waitFor('the usage after the stalled read', () => cpuCell(poller.usage, 'default/api') === '100m', 10_000);
    } finally {
      poller.stop();
    }
  }, 15_000);

  it("a pods list whose usage reads keep failing stops showing the old numbers as the pods' usage; they come back with the server", async () => {
    let failing = false;
    let cpu = '100m';
    const kc = await serve((_req, res) => (failing ? json(res, 500, { kind: 'Status', message: 'metrics-server is confused', code: 500 }) : json(res, 200, { items: [podMetrics('default', 'api', { cpu, memory: '1Mi' })] })));
    const poller = new UsagePoller(() => kc, 'default', { refreshMs: 30, errorRetryMs: 200 });
    poller.start();
    try {
      await waitFor('the first usage', () => cpuCell(poller.usage, 'default/api') === '100m', 10_000);
      failing = true;
      cpu = '900m';
      await waitFor('the old usage dropped', () => poller.state === 'error' && cpuCell(poller.usage, 'default/api') === '', 10_000);
      failing = false;
      await waitFor('the usage again', () => poller.state === 'ok' && cpuCell(poller.usage, 'default/api') === '900m', 10_000);
    } finally {
      poller.stop();
    }
  }, 20_000);

  it('one failed read keeps the last usage (a blip does not blank the columns)', async () => {
    let calls = 0;
    let failed = false;
    const kc = await serve((_req, res) => {
      calls++;
      // The second read fails, once.
      if (calls === 2) {
        failed = true;
        return json(res, 500, { kind: 'Status', message: 'blip', code: 500 });
      }
      json(res, 200, { items: [podMetrics('default', 'api', { cpu: '100m', memory: '1Mi' })] });
    });
    const poller = new UsagePoller(() => kc, 'default', { refreshMs: 30, errorRetryMs: 5_000 });
    const seen: string[] = [];
    poller.changed.subscribe(() => seen.push(`${poller.state}:${cpuCell(poller.usage, 'default/api')}`));
    poller.start();
    try {
      await waitFor('the failed read', () => failed && poller.state === 'error', 10_000);
      expect(seen).toEqual(['ok:100m', 'error:100m']);
    } finally {
      poller.stop();
    }
  });
});
