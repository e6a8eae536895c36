import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { fetchNodeUsage, fetchPodUsage } from '../../src/kube/metrics-api.js';
import { useTestServers } from '../http-kubeconfig.js';

/**
 * A metrics API answering with a JSON bomb: `{"items":[{},{},…]}` of 64 MB (well under the byte
 * cap) is 21 million objects, ~1.5 GB of heap and ~40 s of JSON.parse before the item cap could
 * apply — every poll. What an answer holds is counted before it is parsed; real metrics, however
 * many, are still read whole.
 */

const serve = useTestServers();

/** Sends `head`, `unit` repeated to `bytes`, then `tail`, in 1 MiB writes. */
function send(res: ServerResponse, head: string, unit: string, bytes: number, tail: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(head);
  const piece = unit.repeat(Math.floor((1024 * 1024) / unit.length));
  let sent = 0;
  const more = (): void => {
    while (sent < bytes) {
      sent += piece.length;
      if (!res.write(piece)) return void res.once('drain', more);
    }
    res.end(tail);
  };
  res.on('close', () => (sent = bytes));
  more();
}

const podMetrics = (i: number): Record<string, unknown> => ({
  metadata: { name: `web-7d9f8b6c5d-${i.toString(36).padStart(5, '0')}`, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'web', 'pod-template-hash': '7d9f8b6c5d' } },
  timestamp: '2026-01-01T00:00:00Z',
  window: '15.013s',
  containers: ['web', 'istio-proxy', 'log-shipper'].map((name) => ({ name, usage: { cpu: '1234567n', memory: '123456Ki' } })),
});

describe('a metrics answer that is a JSON bomb', () => {
  it('8 MB of empty objects is refused before it is parsed, the error naming the request', async () => {
    const kc = await serve((_req, res) => send(res, '{"items":[', '{},', 8 * 1024 * 1024, '{}]}'));
    await expect(fetchPodUsage(kc, 'default')).rejects.toThrow(/^GET \/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/default\/pods: the answer holds far more JSON values than it should \(.* objects and arrays, .* values in the first .*\); not read$/);
  }, 60_000);

  it('dense answers under the absolute caps are refused too (empty objects, a flat array of numbers)', async () => {
    const objects = await serve((_req, res) => send(res, '{"items":[', '{},', 1024 * 1024, '{}]}'));
    await expect(fetchNodeUsage(objects)).rejects.toThrow(/^GET \/apis\/metrics\.k8s\.io\/v1beta1\/nodes: the answer holds far more JSON values than it should/);
    const numbers = await serve((_req, res) => send(res, '{"items":[],"x":[', '0,', 4 * 1024 * 1024, '0]}'));
    await expect(fetchNodeUsage(numbers)).rejects.toThrow(/the answer holds far more JSON values than it should/);
  }, 60_000);

  it('a real answer of 40,000 pods of three containers (~20 MB) is read whole', async () => {
    const items = Array.from({ length: 40_000 }, (_, i) => podMetrics(i));
    const text = JSON.stringify({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items });
    expect(text.length).toBeGreaterThan(16 * 1024 * 1024);
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    });
    const { usage, total } = await fetchPodUsage(kc, 'default');
    expect(total).toBe(40_000);
    expect(usage.size).toBe(40_000);
    expect(usage.get(`default/${(podMetrics(7).metadata as { name: string }).name}`)).toEqual({ cpu: 3 * 1.234567, memory: 3 * 123456 * 1024 });
  }, 60_000);
});
