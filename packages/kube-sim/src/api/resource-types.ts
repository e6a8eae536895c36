/**
 * The kinds kube-sim serves: built-in kinds plus any CustomResourceDefinition created at run time.
 */
import { asString, getPath, type KubeObject } from '../types.js';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface ResourceType {
  /** Stable id: "group/version/plural" ("" group for core). */
  readonly id: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  /** Subresources served, e.g. "status", "scale", "log". */
  readonly subresources: readonly string[];
  /** Field selector labels beyond metadata.name/metadata.namespace. */
  readonly selectableFields: readonly string[];
  /** Additional printer columns for custom resources. */
  readonly printerColumns?: readonly PrinterColumn[];
  /** True for resources defined by a CRD. */
  readonly custom: boolean;
}

export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Def {
  group?: string;
  version?: string;
  plural: string;
  kind: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: string[];
  fields?: string[];
  verbs?: string[];
}

function make(d: Def): ResourceType {
  const group = d.group ?? '';
  const version = d.version ?? 'v1';
  return {
    id: `${group}/${version}/${d.plural}`,
    group,
    version,
    plural: d.plural,
    singular: d.kind.toLowerCase(),
    kind: d.kind,
    listKind: `${d.kind}List`,
    namespaced: d.namespaced ?? true,
    shortNames: d.shortNames ?? [],
    categories: d.categories ?? [],
    verbs: d.verbs ?? ALL_VERBS,
    subresources: d.subresources ?? [],
    selectableFields: d.fields ?? [],
    custom: false,
  };
}

const POD_FIELDS = [
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'spec.hostNetwork',
  'status.phase',
  'status.podIP',
  'status.nominatedNodeName',
];

const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  make({ plural: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'], fields: ['status.phase'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  make({ plural: 'pods', kind: 'Pod', shortNames: ['po'], categories: ['all'], subresources: ['status', 'log', 'exec', 'attach', 'portforward', 'binding', 'eviction', 'ephemeralcontainers'], fields: POD_FIELDS }),
  make({ plural: 'services', kind: 'Service', shortNames: ['svc'], categories: ['all'], subresources: ['status', 'proxy'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
  make({ plural: 'endpoints', kind: 'Endpoints', shortNames: ['ep'] }),
  make({ plural: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] }),
  make({ plural: 'secrets', kind: 'Secret', fields: ['type'] }),
  make({ plural: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'] }),
  make({ plural: 'events', kind: 'Event', shortNames: ['ev'], fields: EVENT_FIELDS }),
  make({ plural: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: ['status', 'proxy'], fields: ['spec.unschedulable'] }),
  make({ plural: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'], subresources: ['status'] }),
  make({ plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', shortNames: ['pvc'], subresources: ['status'] }),
  make({ plural: 'resourcequotas', kind: 'ResourceQuota', shortNames: ['quota'], subresources: ['status'] }),
  make({ plural: 'limitranges', kind: 'LimitRange', shortNames: ['limits'] }),
  make({ group: 'apps', plural: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  make({ group: 'apps', plural: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], fields: ['status.replicas'] }),
  make({ group: 'apps', plural: 'statefulsets', kind: 'StatefulSet', shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'] }),
  make({ group: 'apps', plural: 'daemonsets', kind: 'DaemonSet', shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  make({ group: 'apps', plural: 'controllerrevisions', kind: 'ControllerRevision' }),
  make({ group: 'batch', plural: 'jobs', kind: 'Job', categories: ['all'], subresources: ['status'], fields: ['status.successful'] }),
  make({ group: 'batch', plural: 'cronjobs', kind: 'CronJob', shortNames: ['cj'], categories: ['all'], subresources: ['status'] }),
  make({ group: 'policy', plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', shortNames: ['pdb'], subresources: ['status'] }),
  make({ group: 'networking.k8s.io', plural: 'ingresses', kind: 'Ingress', shortNames: ['ing'], subresources: ['status'] }),
  make({ group: 'networking.k8s.io', plural: 'ingressclasses', kind: 'IngressClass', namespaced: false }),
  make({ group: 'networking.k8s.io', plural: 'networkpolicies', kind: 'NetworkPolicy', shortNames: ['netpol'] }),
  make({ group: 'storage.k8s.io', plural: 'storageclasses', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] }),
  make({ group: 'rbac.authorization.k8s.io', plural: 'roles', kind: 'Role' }),
  make({ group: 'rbac.authorization.k8s.io', plural: 'rolebindings', kind: 'RoleBinding' }),
  make({ group: 'rbac.authorization.k8s.io', plural: 'clusterroles', kind: 'ClusterRole', namespaced: false }),
  make({ group: 'rbac.authorization.k8s.io', plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false }),
  make({ group: 'coordination.k8s.io', plural: 'leases', kind: 'Lease' }),
  // metrics-server's API (handlers/metrics.ts makes its answers from the pods and nodes; nothing is stored).
  make({ group: 'metrics.k8s.io', version: 'v1beta1', plural: 'pods', kind: 'PodMetrics', verbs: ['get', 'list'] }),
  make({ group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes', kind: 'NodeMetrics', namespaced: false, verbs: ['get', 'list'] }),
  make({ group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: ['status'] }),
];

/** Builds the ResourceType served for a CustomResourceDefinition object (its storage version). */
export function resourceTypeFromCrd(crd: KubeObject): ResourceType | undefined {
  const spec = getPath(crd, ['spec']);
  const group = asString(getPath(spec, ['group']));
  const plural = asString(getPath(spec, ['names', 'plural']));
  const kind = asString(getPath(spec, ['names', 'kind']));
  if (!group || !plural || !kind) return undefined;
  const versions = getPath(spec, ['versions']);
  let version: string | undefined;
  let columns: PrinterColumn[] = [];
  let subresources: string[] = [];
  if (Array.isArray(versions)) {
    const served = versions.filter((v) => getPath(v, ['served']) !== false);
    const chosen = served.find((v) => getPath(v, ['storage']) === true) ?? served[0];
    version = asString(getPath(chosen, ['name']));
    const cols = getPath(chosen, ['additionalPrinterColumns']);
    if (Array.isArray(cols)) {
      columns = cols.flatMap((c): PrinterColumn[] => {
        const name = asString(getPath(c, ['name']));
        const jsonPath = asString(getPath(c, ['jsonPath']));
        if (!name || !jsonPath) return [];
        const col: PrinterColumn = { name, jsonPath, type: asString(getPath(c, ['type'])) ?? 'string' };
        const d = asString(getPath(c, ['description']));
        if (d) col.description = d;
        const p = getPath(c, ['priority']);
        if (typeof p === 'number') col.priority = p;
        const f = asString(getPath(c, ['format']));
        if (f) col.format = f;
        return [col];
      });
    }
    const sub = getPath(chosen, ['subresources']);
    if (sub && typeof sub === 'object') subresources = Object.keys(sub);
  }
  if (!version) return undefined;
  const singular = asString(getPath(spec, ['names', 'singular'])) ?? kind.toLowerCase();
  const shortNames = getPath(spec, ['names', 'shortNames']);
  const categories = getPath(spec, ['names', 'categories']);
  const listKind = asString(getPath(spec, ['names', 'listKind'])) ?? `${kind}List`;
  return {
    id: `${group}/${version}/${plural}`,
    group,
    version,
    plural,
    singular,
    kind,
    listKind,
    namespaced: getPath(spec, ['scope']) !== 'Cluster',
    shortNames: Array.isArray(shortNames) ? shortNames.filter((s): s is string => typeof s === 'string') : [],
    categories: Array.isArray(categories) ? categories.filter((s): s is string => typeof s === 'string') : [],
    verbs: ALL_VERBS,
    subresources,
    selectableFields: [],
    printerColumns: columns,
    custom: true,
  };
}

/** The set of resource types currently served; CRDs come and go. */
export class ResourceRegistry {
  private readonly byId = new Map<string, ResourceType>();
  private readonly byPath = new Map<string, ResourceType>();
  private readonly listeners = new Set<() => void>();

  constructor(initial: readonly ResourceType[] = BUILTIN_RESOURCES) {
    for (const rt of initial) this.add(rt);
  }

  add(rt: ResourceType): void {
    this.byId.set(rt.id, rt);
    this.byPath.set(`${rt.group}/${rt.version}/${rt.plural}`, rt);
    for (const l of this.listeners) l();
  }

  remove(id: string): void {
    const rt = this.byId.get(id);
    if (!rt) return;
    this.byId.delete(id);
    this.byPath.delete(`${rt.group}/${rt.version}/${rt.plural}`);
    for (const l of this.listeners) l();
  }

  onChange(fn: () => void): void {
    this.listeners.add(fn);
  }

  get(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  byIdOf(id: string): ResourceType | undefined {
    return this.byId.get(id);
  }

  /** Finds a served type by kind and apiVersion ("apps/v1"). */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const rt of this.byId.values()) {
      if (rt.kind === kind && apiVersionOf(rt) === apiVersion) return rt;
    }
    return undefined;
  }

  /** Finds a type by plural name in any group (first match: core first). */
  byPlural(plural: string): ResourceType | undefined {
    for (const rt of this.byId.values()) if (rt.plural === plural) return rt;
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.byId.values()];
  }

  /** Groups in a stable order: core first, then built-ins as registered, then CRD groups. */
  groups(): Map<string, ResourceType[]> {
    const m = new Map<string, ResourceType[]>();
    for (const rt of this.byId.values()) {
      const list = m.get(rt.group) ?? [];
      list.push(rt);
      m.set(rt.group, list);
    }
    return m;
  }
}
