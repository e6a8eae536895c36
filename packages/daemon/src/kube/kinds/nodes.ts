import { ageCol, col, nameCol, orNone, statusCol } from './common.js';
import { at, objs, str, strMap } from './json.js';
import type { KindDef } from './types.js';

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** STATUS as kubectl prints it: `Ready`, `NotReady`, `Unknown` (no Ready condition), plus `,SchedulingDisabled` when cordoned. */
export function nodeStatus(o: unknown): string {
  const status: string[] = [];
  const ready = objs(at(o, 'status', 'conditions')).filter((c) => str(c['type']) === 'Ready').pop();
  if (ready) status.push(str(ready['status']) === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (at(o, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role=<role>`, sorted; [] when none. */
export function nodeRoles(o: unknown): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(strMap(at(o, 'metadata', 'labels')))) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

function address(o: unknown, type: string): string {
  const a = objs(at(o, 'status', 'addresses')).find((x) => str(x['type']) === type);
  return a ? str(a['address']) : '<none>';
}

const nodeInfo = (key: string) => (o: unknown): string => str(at(o, 'status', 'nodeInfo', key)) || '<unknown>';

export const nodesKind: KindDef = {
  id: 'nodes',
  kind: 'Node',
  group: '',
  version: 'v1',
  namespaced: false,
  shortNames: ['no'],
  alias: 'NOD',
  display: 'Nodes',
  columns: [
    nameCol,
    statusCol('status', 'STATUS', nodeStatus),
    col('roles', 'ROLES', 'text', (o) => orNone(nodeRoles(o).join(','))),
    ageCol,
    col('version', 'VERSION', 'text', (o) => str(at(o, 'status', 'nodeInfo', 'kubeletVersion'))),
    col('internal-ip', 'INTERNAL-IP', 'text', (o) => address(o, 'InternalIP')),
    col('external-ip', 'EXTERNAL-IP', 'text', (o) => address(o, 'ExternalIP')),
    col('os-image', 'OS-IMAGE', 'text', nodeInfo('osImage')),
    col('kernel-version', 'KERNEL-VERSION', 'text', nodeInfo('kernelVersion')),
    col('container-runtime', 'CONTAINER-RUNTIME', 'text', nodeInfo('containerRuntimeVersion')),
  ],
  defaultColumns: ['name', 'status', 'roles', 'age', 'version'],
  wideColumns: ['internal-ip', 'external-ip', 'os-image', 'kernel-version', 'container-runtime'],
};
