/** The scale generator: adds N realistic running pods quickly (checklist J5). */
import type { World } from '../world.js';
import { asString, getPath } from '../types.js';
import { podIP, runningPod } from './pod-factory.js';

const BATCH = 2_000;

function pad(n: number): string {
  return String(n).padStart(6, '0');
}

export async function addPods(world: World, n: number, namespace: string, opts: { prefix?: string; labels?: Record<string, string> } = {}): Promise<number> {
  const { store, registry } = world;
  const podsRt = registry.get('', 'v1', 'pods');
  const nsRt = registry.get('', 'v1', 'namespaces');
  const nodesRt = registry.get('', 'v1', 'nodes');
  if (!podsRt || !nsRt || !nodesRt) throw new Error('core resources missing');
  if (!store.get(nsRt, '', namespace)) store.create(nsRt, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const nodes: Array<{ name: string; ip: string }> = [];
  for (const rec of store.collection(nodesRt).values()) {
    const addrs = getPath(JSON.parse(rec.json), ['status', 'addresses']);
    const ip = Array.isArray(addrs) ? asString(getPath(addrs.find((a) => getPath(a, ['type']) === 'InternalIP'), ['address'])) : undefined;
    nodes.push({ name: rec.name, ip: ip ?? '172.18.0.2' });
  }
  if (nodes.length === 0) nodes.push({ name: 'sim-node-1', ip: '172.18.0.2' });
  const prefix = opts.prefix ?? 'scale';
  // Continue numbering after pods a previous call added.
  let start = 0;
  while (store.get(podsRt, namespace, `${prefix}-${pad(start)}`)) start += 1;
  const startTime = store.timestamp();
  let created = 0;
  for (let i = start; created < n; i++) {
    const name = `${prefix}-${pad(i)}`;
    if (store.get(podsRt, namespace, name)) continue;
    const node = nodes[i % nodes.length] ?? { name: 'sim-node-1', ip: '172.18.0.2' };
    const app = `load-${i % 50}`;
    store.create(podsRt, runningPod({
      name,
      namespace,
      labels: { app, 'kube-sim/scale': 'true', ...opts.labels },
      nodeName: node.name,
      hostIP: node.ip,
      podIP: podIP(i),
      image: 'registry.k8s.io/pause:3.9',
      ports: [8080],
      startTime,
      env: { APP: app, SHARD: String(i % 16), LOG_LEVEL: 'info' },
      compact: true,
    }));
    created++;
    if (created % BATCH === 0) await new Promise<void>((r) => setImmediate(r));
  }
  return created;
}
