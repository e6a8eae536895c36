/**
 * metrics.k8s.io/v1beta1 as metrics-server serves it (what `kubectl top` and k9s read): PodMetrics
 * for the running, scheduled pods (one usage per container), NodeMetrics for the nodes (their pods'
 * usage plus the node's own). Nothing is stored: each answer is made from the pods and nodes now,
 * with a usage per container that is steady for a container (from its pod's uid) and drifts a
 * little over a minute, unless a test set it (`KubeSim.setUsage`). get and list only, with a label
 * selector, as metrics-server.
 */
import type { ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { badRequest, methodNotAllowed, notFound } from '../api/status.js';
import { sendJson } from '../http/respond.js';
import type { ResourceTarget } from '../http/router.js';
import { parseStored } from '../store/stored-object.js';
import { objectsIn } from '../store/in-namespace.js';
import { parseLabelSelector, matchLabels } from '../store/selectors.js';
import { asString, getPath, isRecord, type KubeObject } from '../types.js';
import type { HandlerContext } from './context.js';

export const METRICS_GROUP = 'metrics.k8s.io';
const API_VERSION = 'metrics.k8s.io/v1beta1';

/** A container's usage: CPU in nanocores, memory in bytes. */
export interface Usage {
  cpuNano: number;
  memoryBytes: number;
}

/** Usage set by a test, by `namespace/pod/container`. */
export type UsageOverrides = Map<string, Usage>;

/** What a node uses beyond its pods (kubelet, runtime, system daemons). */
const NODE_OVERHEAD: Usage = { cpuNano: 120_000_000, memoryBytes: 900 * 1024 * 1024 };

const cpu = (u: Usage): string => `${Math.max(0, Math.round(u.cpuNano))}n`;
const memory = (u: Usage): string => `${Math.max(0, Math.round(u.memoryBytes / 1024))}Ki`;

/** A steady usage for the container (from its pod's uid and name), drifting ±15% over a minute. */
function synthetic(uid: string, container: string, now: number): Usage {
  const h = createHash('sha256').update(`${uid}/${container}`).digest();
  const baseCpu = (1 + (h.readUInt16BE(0) % 40)) * 1_000_000;
  const baseMem = (8 + (h.readUInt16BE(2) % 120)) * 1024 * 1024;
  const phase = (h.readUInt16BE(4) / 65536) * 2 * Math.PI;
  const drift = 1 + 0.15 * Math.sin(phase + (now / 60_000) * 2 * Math.PI);
  return { cpuNano: baseCpu * drift, memoryBytes: baseMem * (1 + (drift - 1) / 3) };
}

const containerNames = (pod: KubeObject): string[] => {
  const list = getPath(pod, ['spec', 'containers']);
  return Array.isArray(list) ? list.flatMap((c) => (isRecord(c) && typeof c['name'] === 'string' ? [c['name']] : [])) : [];
};

/** What metrics-server reports on: pods running on a node, not being deleted. */
const measured = (pod: KubeObject): boolean => getPath(pod, ['status', 'phase']) === 'Running' && !!asString(getPath(pod, ['spec', 'nodeName'])) && !pod.metadata.deletionTimestamp;

function containerUsage(ctx: { usage: UsageOverrides }, pod: KubeObject, name: string, now: number): Usage {
  return ctx.usage.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}/${name}`) ?? synthetic(pod.metadata.uid ?? '', name, now);
}

function podMetrics(ctx: { usage: UsageOverrides }, pod: KubeObject, now: number): Record<string, unknown> {
  return {
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'), labels: pod.metadata.labels ?? {} },
    timestamp: new Date(now - 5_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    window: '15s',
    containers: containerNames(pod).map((name) => {
      const u = containerUsage(ctx, pod, name, now);
      return { name, usage: { cpu: cpu(u), memory: memory(u) } };
    }),
  };
}

function allObjects(ctx: HandlerContext, apiVersion: string, kind: string, namespace: string | undefined): KubeObject[] {
  const rt = ctx.registry.byKind(apiVersion, kind);
  if (!rt) return [];
  if (namespace !== undefined) return objectsIn(ctx.store, rt, namespace);
  const coll = ctx.store.collection(rt);
  const out: KubeObject[] = [];
  for (let i = 0; i < coll.size; i++) {
    const rec = coll.get(coll.keyAt(i) as string);
    if (rec) out.push(parseStored(rec));
  }
  return out;
}

export function handleMetrics(ctx: HandlerContext & { usage: UsageOverrides }, method: string, res: ServerResponse, target: ResourceTarget, q: URLSearchParams): void {
  // get and list only: metrics-server serves no watch.
  if (method !== 'GET' || q.get('watch') === 'true' || q.get('watch') === '1') throw methodNotAllowed();
  const raw = q.get('labelSelector');
  const selector = parseLabelSelector(raw);
  if (raw && !selector) throw badRequest(`unable to parse requirement: ${raw}`);
  const wanted = (o: KubeObject): boolean => !selector || matchLabels(selector, (o.metadata.labels as Record<string, string> | undefined) ?? null);
  const now = Date.now();
  if (target.rt.plural === 'pods') {
    const pods = allObjects(ctx, 'v1', 'Pod', target.namespace).filter(measured);
    if (target.name !== undefined) {
      const pod = pods.find((p) => p.metadata.name === target.name);
      if (!pod) throw notFound('podmetrics', target.name, METRICS_GROUP);
      sendJson(res, 200, { kind: 'PodMetrics', apiVersion: API_VERSION, ...podMetrics(ctx, pod, now) });
      return;
    }
    sendJson(res, 200, { kind: 'PodMetricsList', apiVersion: API_VERSION, metadata: {}, items: pods.filter(wanted).map((p) => podMetrics(ctx, p, now)) });
    return;
  }
  const nodes = allObjects(ctx, 'v1', 'Node', undefined);
  const pods = allObjects(ctx, 'v1', 'Pod', undefined).filter(measured);
  const nodeMetrics = (node: KubeObject): Record<string, unknown> => {
    const total: Usage = { ...NODE_OVERHEAD };
    for (const p of pods) {
      if (getPath(p, ['spec', 'nodeName']) !== node.metadata.name) continue;
      for (const c of containerNames(p)) {
        const u = containerUsage(ctx, p, c, now);
        total.cpuNano += u.cpuNano;
        total.memoryBytes += u.memoryBytes;
      }
    }
    return {
      metadata: { name: node.metadata.name, creationTimestamp: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'), labels: node.metadata.labels ?? {} },
      timestamp: new Date(now - 5_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      window: '20s',
      usage: { cpu: cpu(total), memory: memory(total) },
    };
  };
  if (target.name !== undefined) {
    const node = nodes.find((n) => n.metadata.name === target.name);
    if (!node) throw notFound('nodemetrics', target.name, METRICS_GROUP);
    sendJson(res, 200, { kind: 'NodeMetrics', apiVersion: API_VERSION, ...nodeMetrics(node) });
    return;
  }
  sendJson(res, 200, { kind: 'NodeMetricsList', apiVersion: API_VERSION, metadata: {}, items: nodes.filter(wanted).map(nodeMetrics) });
}
