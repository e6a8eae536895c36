import type { ColumnDef } from '../../kube/kinds/types.js';
import type { KubeObject } from '../../kube/types.js';
import type { UsageSet } from '../../kube/usage-set.js';
import { formatCpu, formatMemory, percent, podResource, shownPercent } from '../usage-cells.js';

/**
 * k9s's CPU and MEM columns of a pods list (and, wide, their shares of the pods' requests and limits),
 * read from the pods' usage (their namespaces' pollers). They tick (recomputed each frame from the
 * last read, never cached with the object's version, as the usage changes without the pod changing);
 * a pod metrics-server does not report (not running) is blank and sorts last.
 */

/** Pods lists bigger than this show no usage columns (and read none): `:top` does. */
export const USAGE_MAX_ROWS = 5_000;

export const USAGE_COLUMN_IDS: ReadonlySet<string> = new Set(['cpu', 'mem', 'cpu-r', 'cpu-l', 'mem-r', 'mem-l']);

export function usageColumns(usage: Pick<UsageSet, 'get'>): { main: ColumnDef[]; wide: ColumnDef[] } {
  const of = (o: KubeObject) => usage.get(o.metadata.namespace ?? '', o.metadata.name ?? '');
  const share = (id: string, title: string, res: 'cpu' | 'memory', which: 'requests' | 'limits'): ColumnDef => ({
    id,
    title,
    align: 'right',
    sort: 'number',
    clock: true,
    cell: (o) => {
      const u = of(o);
      if (!u) return '';
      const r = podResource(o, which, res);
      return shownPercent(res === 'cpu' ? percent(u.cpu, r === null ? null : r * 1000) : percent(u.memory, r));
    },
  });
  return {
    main: [
      { id: 'cpu', title: 'CPU', align: 'right', sort: 'number', clock: true, cell: (o) => ((u) => (u ? formatCpu(u.cpu) : ''))(of(o)) },
      { id: 'mem', title: 'MEM', align: 'right', sort: 'number', clock: true, cell: (o) => ((u) => (u ? formatMemory(u.memory) : ''))(of(o)) },
    ],
    wide: [share('cpu-r', '%CPU/R', 'cpu', 'requests'), share('cpu-l', '%CPU/L', 'cpu', 'limits'), share('mem-r', '%MEM/R', 'memory', 'requests'), share('mem-l', '%MEM/L', 'memory', 'limits')],
  };
}

/** `cols` with the usage columns after RESTARTS (before AGE when there is none), the wide ones after them. */
export function withUsage(cols: ColumnDef[], usage: { main: ColumnDef[]; wide: ColumnDef[] }, wide: boolean): ColumnDef[] {
  const add = wide ? [...usage.main, ...usage.wide] : usage.main;
  const restarts = cols.findIndex((c) => c.id === 'restarts');
  const age = cols.findIndex((c) => c.id === 'age');
  const i = restarts >= 0 ? restarts + 1 : age >= 0 ? age : cols.length;
  return [...cols.slice(0, i), ...add, ...cols.slice(i)];
}
