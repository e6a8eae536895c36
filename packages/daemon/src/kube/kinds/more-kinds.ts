import { ageCol, col, containerNamesCol, formatSelector, imagesCol, nameCol, namespaceCol, numberCol } from './common.js';
import { eventsKind } from './events.js';
import { arr, at, num, numOrUndef, objs, str } from './json.js';
import type { ColumnDef, KindDef } from './types.js';

/** Kinds kubectl prints with their own columns beyond KubeTile's 14 (found by `:` and by name). */

const kindDef = (d: Omit<KindDef, 'columns' | 'defaultColumns'> & { columns: ColumnDef[]; defaultColumns?: string[] }): KindDef => ({
  ...d,
  defaultColumns: d.defaultColumns ?? d.columns.map((c) => c.id).filter((id) => id !== 'namespace'),
});

/** CREATED AT: the creation time as RFC 3339, as kubectl prints it for roles and CRDs. */
const createdAtCol = col('created-at', 'CREATED AT', 'text', (o) => str(at(o, 'metadata', 'creationTimestamp')));

export const replicaSetsKind = kindDef({
  id: 'replicasets',
  kind: 'ReplicaSet',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  shortNames: ['rs'],
  alias: 'RS',
  display: 'ReplicaSets',
  columns: [
    nameCol,
    namespaceCol,
    numberCol('desired', 'DESIRED', (o) => numOrUndef(at(o, 'spec', 'replicas')) ?? 1),
    numberCol('current', 'CURRENT', (o) => num(at(o, 'status', 'replicas'))),
    col(
      'ready',
      'READY',
      'number',
      (o) => String(num(at(o, 'status', 'readyReplicas'))),
      (o) => (num(at(o, 'status', 'readyReplicas')) < (numOrUndef(at(o, 'spec', 'replicas')) ?? 1) ? 'warn' : undefined),
      'right',
    ),
    ageCol,
    containerNamesCol('spec', 'template', 'spec'),
    imagesCol('spec', 'template', 'spec'),
    col('selector', 'SELECTOR', 'text', (o) => formatSelector(at(o, 'spec', 'selector'))),
  ],
  defaultColumns: ['name', 'desired', 'current', 'ready', 'age'],
  wideColumns: ['containers', 'images', 'selector'],
});

export const serviceAccountsKind = kindDef({
  id: 'serviceaccounts',
  kind: 'ServiceAccount',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['sa'],
  alias: 'SA',
  display: 'ServiceAccounts',
  columns: [nameCol, namespaceCol, numberCol('secrets', 'SECRETS', (o) => arr(at(o, 'secrets')).length), ageCol],
});

/** `ip:port` as Go's `net.JoinHostPort`: an IPv6 address in brackets (`[fd00::1]:80`), so the port can be told apart. */
function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * ENDPOINTS as kubectl's `formatEndpoints`: per subset, each port with every ready address (`ip:port`, the ports
 * outer), or the bare addresses of a subset without ports; the first three then `+ N more...`; `<none>` without
 * subsets (and, as kubectl, empty when the subsets hold only not-ready addresses).
 */
export function formatEndpoints(o: unknown): string {
  const subsets = objs(at(o, 'subsets'));
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const s of subsets) {
    const ports = objs(s['ports']);
    const addresses = objs(s['addresses']);
    if (ports.length === 0) {
      for (const a of addresses) {
        if (list.length < max) list.push(str(a['ip']));
        count++;
      }
      continue;
    }
    for (const p of ports) {
      for (const a of addresses) {
        if (list.length < max) list.push(joinHostPort(str(a['ip']), num(p['port'])));
        count++;
      }
    }
  }
  return count > max ? `${list.join(',')} + ${count - max} more...` : list.join(',');
}

export const endpointsKind = kindDef({
  id: 'endpoints',
  kind: 'Endpoints',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['ep'],
  alias: 'EP',
  display: 'Endpoints',
  columns: [nameCol, namespaceCol, col('endpoints', 'ENDPOINTS', 'text', formatEndpoints), ageCol],
});

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';

export const storageClassesKind = kindDef({
  id: 'storageclasses',
  kind: 'StorageClass',
  group: 'storage.k8s.io',
  version: 'v1',
  namespaced: false,
  shortNames: ['sc'],
  alias: 'SC',
  display: 'StorageClasses',
  columns: [
    col('name', 'NAME', 'text', (o) => {
      const name = str(at(o, 'metadata', 'name'));
      const def = str(at(o, 'metadata', 'annotations', DEFAULT_CLASS)) === 'true' || str(at(o, 'metadata', 'annotations', `storageclass.beta.kubernetes.io/is-default-class`)) === 'true';
      return def ? `${name} (default)` : name;
    }),
    col('provisioner', 'PROVISIONER', 'text', (o) => str(at(o, 'provisioner'))),
    col('reclaimpolicy', 'RECLAIMPOLICY', 'text', (o) => str(at(o, 'reclaimPolicy')) || 'Delete'),
    col('volumebindingmode', 'VOLUMEBINDINGMODE', 'text', (o) => str(at(o, 'volumeBindingMode')) || 'Immediate'),
    col('allowvolumeexpansion', 'ALLOWVOLUMEEXPANSION', 'text', (o) => (at(o, 'allowVolumeExpansion') === true ? 'true' : 'false')),
    ageCol,
  ],
});

const roleRef = col('role', 'ROLE', 'text', (o) => `${str(at(o, 'roleRef', 'kind'))}/${str(at(o, 'roleRef', 'name'))}`);
/** kubectl's `rbac.SubjectsStrings`: names; a service account as `namespace/name`, or its bare name when the subject names no namespace. */
const subjects = (kind: string) => (o: unknown): string =>
  objs(at(o, 'subjects'))
    .filter((s) => str(s['kind']) === kind)
    .map((s) => (kind === 'ServiceAccount' && str(s['namespace']) !== '' ? `${str(s['namespace'])}/${str(s['name'])}` : str(s['name'])))
    .join(', ');
const bindingWide = [col('users', 'USERS', 'text', subjects('User')), col('groups', 'GROUPS', 'text', subjects('Group')), col('serviceaccounts', 'SERVICEACCOUNTS', 'text', subjects('ServiceAccount'))];

export const rolesKind = kindDef({
  id: 'roles',
  kind: 'Role',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: true,
  shortNames: [],
  alias: 'ROL',
  display: 'Roles',
  columns: [nameCol, namespaceCol, createdAtCol],
});

export const clusterRolesKind = kindDef({
  id: 'clusterroles',
  kind: 'ClusterRole',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: false,
  shortNames: [],
  alias: 'CRO',
  display: 'ClusterRoles',
  columns: [nameCol, createdAtCol],
});

export const roleBindingsKind = kindDef({
  id: 'rolebindings',
  kind: 'RoleBinding',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: true,
  shortNames: [],
  alias: 'RB',
  display: 'RoleBindings',
  columns: [nameCol, namespaceCol, roleRef, ageCol, ...bindingWide],
  defaultColumns: ['name', 'role', 'age'],
  wideColumns: ['users', 'groups', 'serviceaccounts'],
});

export const clusterRoleBindingsKind = kindDef({
  id: 'clusterrolebindings',
  kind: 'ClusterRoleBinding',
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  namespaced: false,
  shortNames: [],
  alias: 'CRB',
  display: 'ClusterRoleBindings',
  columns: [nameCol, roleRef, ageCol, ...bindingWide],
  defaultColumns: ['name', 'role', 'age'],
  wideColumns: ['users', 'groups', 'serviceaccounts'],
});

export const customResourceDefinitionsKind = kindDef({
  id: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  group: 'apiextensions.k8s.io',
  version: 'v1',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  alias: 'CRD',
  display: 'CustomResourceDefinitions',
  columns: [nameCol, createdAtCol],
});

export const networkPoliciesKind = kindDef({
  id: 'networkpolicies',
  kind: 'NetworkPolicy',
  group: 'networking.k8s.io',
  version: 'v1',
  namespaced: true,
  shortNames: ['netpol'],
  alias: 'NP',
  display: 'NetworkPolicies',
  columns: [nameCol, namespaceCol, col('pod-selector', 'POD-SELECTOR', 'text', (o) => formatSelector(at(o, 'spec', 'podSelector'))), ageCol],
});

/** An intOrString as kubectl prints it (`1`, `50%`), `N/A` when unset. */
const intOrString = (v: unknown): string => (v === undefined || v === null ? 'N/A' : str(v));

export const podDisruptionBudgetsKind = kindDef({
  id: 'poddisruptionbudgets',
  kind: 'PodDisruptionBudget',
  group: 'policy',
  version: 'v1',
  namespaced: true,
  shortNames: ['pdb'],
  alias: 'PDB',
  display: 'PodDisruptionBudgets',
  columns: [
    nameCol,
    namespaceCol,
    col('min-available', 'MIN AVAILABLE', 'number', (o) => intOrString(at(o, 'spec', 'minAvailable'))),
    col('max-unavailable', 'MAX UNAVAILABLE', 'number', (o) => intOrString(at(o, 'spec', 'maxUnavailable'))),
    numberCol('allowed-disruptions', 'ALLOWED DISRUPTIONS', (o) => num(at(o, 'status', 'disruptionsAllowed'))),
    ageCol,
  ],
});

export const leasesKind = kindDef({
  id: 'leases',
  kind: 'Lease',
  group: 'coordination.k8s.io',
  version: 'v1',
  namespaced: true,
  shortNames: [],
  alias: 'LEA',
  display: 'Leases',
  columns: [nameCol, namespaceCol, col('holder', 'HOLDER', 'text', (o) => str(at(o, 'spec', 'holderIdentity'))), ageCol],
});

export const resourceQuotasKind = kindDef({
  id: 'resourcequotas',
  kind: 'ResourceQuota',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['quota'],
  alias: 'QUO',
  display: 'ResourceQuotas',
  columns: [
    nameCol,
    namespaceCol,
    ageCol,
    col('request', 'REQUEST', 'text', (o) => quotaUsage(o, false)),
    col('limit', 'LIMIT', 'text', (o) => quotaUsage(o, true)),
  ],
  defaultColumns: ['name', 'age', 'request', 'limit'],
});

/** kubectl's quota columns: `resource: used/hard` pairs, sorted, limits.* in LIMIT and the rest in REQUEST. */
function quotaUsage(o: unknown, limits: boolean): string {
  const hard = at(o, 'status', 'hard') ?? at(o, 'spec', 'hard');
  const used = at(o, 'status', 'used');
  const keys = Object.keys(typeof hard === 'object' && hard !== null ? hard : {})
    .filter((k) => k.startsWith('limits.') === limits)
    .sort();
  return keys.map((k) => `${k}: ${str(at(used, k)) || '0'}/${str(at(hard, k))}`).join(', ');
}

/** These kinds, by id. */
export const EXTRA_KINDS: readonly KindDef[] = Object.freeze([
  eventsKind,
  replicaSetsKind,
  serviceAccountsKind,
  endpointsKind,
  storageClassesKind,
  rolesKind,
  roleBindingsKind,
  clusterRolesKind,
  clusterRoleBindingsKind,
  customResourceDefinitionsKind,
  networkPoliciesKind,
  podDisruptionBudgetsKind,
  leasesKind,
  resourceQuotasKind,
]);
