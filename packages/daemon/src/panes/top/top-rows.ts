import type { Column } from '@kubetile/rpc-schema';
import { parseQuantity, type Usage } from '../../kube/metrics-api.js';
import type { KubeObject } from '../../kube/types.js';
import { isRecord } from '../../util/is-record.js';
import { formatCpu, formatMemory, percent, podResource, shownPercent as shown } from '../usage-cells.js';
import { compareText } from '../../util/compare-text.js';

/**
 * The rows of the top pane: each pod's (or node's) usage beside what it asked for, as k9s shows
 * them — CPU and memory, and their share of the pod's requests and limits (`n/a` when a container
 * sets none) or of the node's allocatable.
 */

export interface TopRow {
  /** `namespace/name` for pods, the name for nodes. */
  id: string;
  obj: KubeObject | null;
  cells: Record<string, string>;
  /** The numbers the columns sort by (null: none, sorted last). */
  values: Record<string, number | null>;
}

export const POD_COLUMNS: Column[] = [
  { id: 'namespace', title: 'NAMESPACE' },
  { id: 'name', title: 'NAME' },
  { id: 'cpu', title: 'CPU', align: 'right' },
  { id: 'cpu-r', title: '%CPU/R', align: 'right' },
  { id: 'cpu-l', title: '%CPU/L', align: 'right' },
  { id: 'mem', title: 'MEM', align: 'right' },
  { id: 'mem-r', title: '%MEM/R', align: 'right' },
  { id: 'mem-l', title: '%MEM/L', align: 'right' },
];

export const NODE_COLUMNS: Column[] = [
  { id: 'name', title: 'NAME' },
  { id: 'cpu', title: 'CPU', align: 'right' },
  { id: 'cpu-a', title: '%CPU', align: 'right' },
  { id: 'mem', title: 'MEM', align: 'right' },
  { id: 'mem-a', title: '%MEM', align: 'right' },
];

export function podRow(id: string, u: Usage, pod: KubeObject | null): TopRow {
  const [namespace = '', name = ''] = id.split('/');
  const req = (r: 'cpu' | 'memory') => (pod ? podResource(pod, 'requests', r) : null);
  const lim = (r: 'cpu' | 'memory') => (pod ? podResource(pod, 'limits', r) : null);
  const cpuR = req('cpu');
  const cpuL = lim('cpu');
  const values = {
    namespace: null,
    name: null,
    cpu: u.cpu,
    'cpu-r': percent(u.cpu, cpuR === null ? null : cpuR * 1000),
    'cpu-l': percent(u.cpu, cpuL === null ? null : cpuL * 1000),
    mem: u.memory,
    'mem-r': percent(u.memory, req('memory')),
    'mem-l': percent(u.memory, lim('memory')),
  };
  return {
    id,
    obj: pod,
    values,
    cells: {
      namespace,
      name,
      cpu: formatCpu(u.cpu),
      'cpu-r': shown(values['cpu-r']),
      'cpu-l': shown(values['cpu-l']),
      mem: formatMemory(u.memory),
      'mem-r': shown(values['mem-r']),
      'mem-l': shown(values['mem-l']),
    },
  };
}

export function nodeRow(name: string, u: Usage, node: KubeObject | null): TopRow {
  const alloc = node && isRecord(node.status) && isRecord(node.status['allocatable']) ? node.status['allocatable'] : null;
  const cpuA = alloc ? parseQuantity(alloc['cpu']) : null;
  const memA = alloc ? parseQuantity(alloc['memory']) : null;
  const values = { name: null, cpu: u.cpu, 'cpu-a': percent(u.cpu, cpuA === null ? null : cpuA * 1000), mem: u.memory, 'mem-a': percent(u.memory, memA) };
  return {
    id: name,
    obj: node,
    values,
    cells: { name, cpu: formatCpu(u.cpu), 'cpu-a': shown(values['cpu-a']), mem: formatMemory(u.memory), 'mem-a': shown(values['mem-a']) },
  };
}

/** Rows ordered by `column` (numbers, then text; rows without a number last either way). */
export function sortRows(rows: TopRow[], column: string, desc: boolean): TopRow[] {
  return [...rows].sort((a, b) => {
    const x = a.values[column];
    const y = b.values[column];
    if (x !== undefined && y !== undefined && (x !== null || y !== null)) {
      if (x === null) return 1;
      if (y === null) return -1;
      if (x !== y) return desc ? y - x : x - y;
    } else {
      const s = compareText(a.cells[column] ?? '', b.cells[column] ?? '');
      if (s !== 0) return desc ? -s : s;
    }
    return compareText(a.id, b.id);
  });
}
