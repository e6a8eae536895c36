/** Picks a node for a pod: nodeSelector and CPU/memory requests against node allocatable. */
import { asArray, asString, getPath, isRecord, type KubeObject } from '../types.js';

export interface NodeInfo {
  name: string;
  ip: string;
  labels: Record<string, string>;
  cpu: number;
  memory: number;
  schedulable: boolean;
}

/** Parses a resource quantity ("500m", "2", "128Mi", "1G") to a number of base units. */
export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return 0;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const mult: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return n * (mult[m[2] ?? ''] ?? 1);
}

export function nodeInfo(node: KubeObject): NodeInfo {
  const ip = asArray(getPath(node, ['status', 'addresses'])).find((a) => getPath(a, ['type']) === 'InternalIP');
  const ready = asArray(getPath(node, ['status', 'conditions'])).some((c) => getPath(c, ['type']) === 'Ready' && getPath(c, ['status']) === 'True');
  const taints = asArray(getPath(node, ['spec', 'taints']));
  const noSchedule = taints.some((t) => getPath(t, ['effect']) === 'NoSchedule');
  return {
    name: node.metadata.name ?? '',
    ip: asString(getPath(ip, ['address'])) ?? '172.18.0.2',
    labels: node.metadata.labels ?? {},
    cpu: parseQuantity(getPath(node, ['status', 'allocatable', 'cpu'])) || 4,
    memory: parseQuantity(getPath(node, ['status', 'allocatable', 'memory'])) || 8 * 1024 ** 3,
    schedulable: ready && getPath(node, ['spec', 'unschedulable']) !== true && !noSchedule,
  };
}

function requests(pod: KubeObject): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of asArray(getPath(pod, ['spec', 'containers']))) {
    cpu += parseQuantity(getPath(c, ['resources', 'requests', 'cpu']));
    memory += parseQuantity(getPath(c, ['resources', 'requests', 'memory']));
  }
  return { cpu, memory };
}

export type Placement = { node: NodeInfo } | { reason: string };

export function place(pod: KubeObject, nodes: NodeInfo[], counter: number): Placement {
  const sel = getPath(pod, ['spec', 'nodeSelector']);
  const req = requests(pod);
  const reasons = new Map<string, number>();
  const bump = (r: string): void => { reasons.set(r, (reasons.get(r) ?? 0) + 1); };
  const fits: NodeInfo[] = [];
  for (const n of nodes) {
    if (!n.schedulable) { bump("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"); continue; }
    if (isRecord(sel) && Object.entries(sel).some(([k, v]) => n.labels[k] !== v)) { bump("node(s) didn't match Pod's node affinity/selector"); continue; }
    if (req.cpu > n.cpu) { bump('Insufficient cpu'); continue; }
    if (req.memory > n.memory) { bump('Insufficient memory'); continue; }
    fits.push(n);
  }
  if (fits.length > 0) return { node: fits[counter % fits.length] as NodeInfo };
  const parts = [...reasons.entries()].map(([r, c]) => `${c} ${r}`).join(', ');
  return { reason: `0/${nodes.length} nodes are available: ${parts}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} No preemption victims found for incoming pod.` };
}
