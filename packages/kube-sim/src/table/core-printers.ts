/** Table printers for core/v1 kinds other than Pod. */
import { asArray, asString, getPath, isRecord, type KubeObject } from '../types.js';
import { col, formatMapSelector, int, orNone, str, type Cell, type Printer } from './columns.js';
import { since } from './humanize.js';

const age = (obj: KubeObject, now: number): string => since(obj.metadata.creationTimestamp, now);

export const namespacePrinter: Printer = {
  columns: [col('Name'), col('Status'), col('Age')],
  cells: (obj, now): Cell[] => [obj.metadata.name ?? '', str(obj, ['status', 'phase']), age(obj, now)],
};

function servicePorts(obj: KubeObject): string {
  const ports = asArray(getPath(obj, ['spec', 'ports']));
  if (ports.length === 0) return '<none>';
  return ports.map((p) => {
    const port = str(p, ['port']);
    const node = str(p, ['nodePort']);
    const proto = str(p, ['protocol'], 'TCP');
    return node ? `${port}:${node}/${proto}` : `${port}/${proto}`;
  }).join(',');
}

function externalIPs(obj: KubeObject): string {
  const type = str(obj, ['spec', 'type'], 'ClusterIP');
  const ext = asArray(getPath(obj, ['spec', 'externalIPs'])).map(String);
  if (type === 'ExternalName') return str(obj, ['spec', 'externalName']);
  if (type === 'LoadBalancer') {
    // kubectl's loadBalancerStatusStringer: each ingress's IP (else hostname), unique and sorted; then spec.externalIPs.
    const ing = [...new Set(asArray(getPath(obj, ['status', 'loadBalancer', 'ingress'])).map((i) => str(i, ['ip']) || str(i, ['hostname'])).filter((s) => s))].sort();
    const all = [...ing, ...ext];
    return all.length ? all.join(',') : '<pending>';
  }
  return ext.length ? ext.join(',') : '<none>';
}

export const servicePrinter: Printer = {
  columns: [col('Name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', 'string', 1)],
  cells: (obj, now): Cell[] => [obj.metadata.name ?? '', str(obj, ['spec', 'type'], 'ClusterIP'), orNone(str(obj, ['spec', 'clusterIP'])), externalIPs(obj), servicePorts(obj), age(obj, now), formatMapSelector(getPath(obj, ['spec', 'selector']))],
};

function nodeStatus(obj: KubeObject): string {
  const conds = asArray(getPath(obj, ['status', 'conditions']));
  const ready = conds.find((c) => getPath(c, ['type']) === 'Ready');
  let s = ready ? (getPath(ready, ['status']) === 'True' ? 'Ready' : 'NotReady') : 'Unknown';
  if (getPath(obj, ['spec', 'unschedulable']) === true) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(obj: KubeObject): string {
  const roles: string[] = [];
  for (const k of Object.keys(obj.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.push(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role') roles.push(obj.metadata.labels?.[k] ?? '');
  }
  return roles.length ? roles.sort().join(',') : '<none>';
}

function nodeAddress(obj: KubeObject, type: string): string {
  const a = asArray(getPath(obj, ['status', 'addresses'])).find((x) => getPath(x, ['type']) === type);
  return a ? str(a, ['address']) : '<none>';
}

export const nodePrinter: Printer = {
  columns: [col('Name'), col('Status'), col('Roles'), col('Age'), col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
  cells: (obj, now): Cell[] => [obj.metadata.name ?? '', nodeStatus(obj), nodeRoles(obj), age(obj, now), str(obj, ['status', 'nodeInfo', 'kubeletVersion']), nodeAddress(obj, 'InternalIP'), nodeAddress(obj, 'ExternalIP'), str(obj, ['status', 'nodeInfo', 'osImage'], '<unknown>'), str(obj, ['status', 'nodeInfo', 'kernelVersion'], '<unknown>'), str(obj, ['status', 'nodeInfo', 'containerRuntimeVersion'], '<unknown>')],
};

function countKeys(v: unknown): number {
  return isRecord(v) ? Object.keys(v).length : 0;
}

export const configMapPrinter: Printer = {
  columns: [col('Name'), col('Data', 'integer'), col('Age')],
  cells: (obj, now): Cell[] => [obj.metadata.name ?? '', countKeys(obj['data']) + countKeys(obj['binaryData']), age(obj, now)],
};

export const secretPrinter: Printer = {
  columns: [col('Name'), col('Type'), col('Data', 'integer'), col('Age')],
  cells: (obj, now): Cell[] => [obj.metadata.name ?? '', str(obj, ['type'], 'Opaque'), countKeys(obj['data']) + countKeys(obj['stringData']), age(obj, now)],
};

export const serviceAccountPrinter: Printer = {
  columns: [col('Name'), col('Secrets', 'integer'), col('Age')],
  cells: (obj, now): Cell[] => [obj.metadata.name ?? '', asArray(obj['secrets']).length, age(obj, now)],
};

export const endpointsPrinter: Printer = {
  columns: [col('Name'), col('Endpoints'), col('Age')],
  cells(obj, now): Cell[] {
    // kubectl's formatEndpoints: per subset, each port with every ready address (net.JoinHostPort: [v6]:port),
    // the first three then "+ N more..."; <none> without subsets, empty when no address is ready.
    const subsets = asArray(obj['subsets']);
    const eps: string[] = [];
    for (const s of subsets) {
      const ports = asArray(getPath(s, ['ports'])).map((p) => str(p, ['port']));
      const ips = asArray(getPath(s, ['addresses'])).map((a) => str(a, ['ip']));
      if (ports.length === 0) eps.push(...ips);
      for (const p of ports) for (const ip of ips) eps.push(ip.includes(':') ? `[${ip}]:${p}` : `${ip}:${p}`);
    }
    const shown = eps.slice(0, 3).join(',') + (eps.length > 3 ? ` + ${eps.length - 3} more...` : '');
    return [obj.metadata.name ?? '', subsets.length ? shown : '<none>', age(obj, now)];
  },
};

/** kubectl's printEvent times: first = firstTimestamp or eventTime; last = series.lastObservedTime, else lastTimestamp, else first. */
function eventTime(obj: KubeObject, field: 'last' | 'first'): string | undefined {
  const first = asString(obj['firstTimestamp']) || asString(obj['eventTime']) || undefined;
  if (field === 'first') return first;
  if (isRecord(obj['series'])) return asString(getPath(obj, ['series', 'lastObservedTime']));
  return asString(obj['lastTimestamp']) || first;
}

export const eventPrinter: Printer = {
  columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('Message'), col('First Seen', 'string', 1), col('Count', 'integer', 1), col('Name', 'string', 1)],
  cells(obj, now): Cell[] {
    const kind = str(obj, ['involvedObject', 'kind']).toLowerCase();
    const involved = str(obj, ['involvedObject', 'name']);
    // formatEventSource: component (or reportingComponent), then ", host" (or reportingInstance) when there is one.
    const component = str(obj, ['source', 'component']) || str(obj, ['reportingComponent']);
    const host = str(obj, ['source', 'host']) || str(obj, ['reportingInstance']);
    const source = host ? `${component}, ${host}` : component;
    const count = isRecord(obj['series']) ? int(obj, ['series', 'count']) : int(obj, ['count']) || 1;
    return [
      since(eventTime(obj, 'last'), now),
      str(obj, ['type']),
      str(obj, ['reason']),
      involved ? `${kind}/${involved}` : kind,
      str(obj, ['involvedObject', 'fieldPath']),
      source,
      str(obj, ['message']).trim(),
      since(eventTime(obj, 'first'), now),
      count,
      obj.metadata.name ?? '',
    ];
  },
};

/** kubectl's `GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that fixed order, each once. */
function accessModes(v: unknown): string {
  const have = new Set(asArray(v).map(String));
  const order: Array<[string, string]> = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];
  return order.filter(([m]) => have.has(m)).map(([, s]) => s).join(',');
}

/** kubectl's storage class of a PV/PVC: the beta annotation wins over spec.storageClassName. */
function storageClassOf(obj: KubeObject): string {
  return obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? str(obj, ['spec', 'storageClassName']);
}

/** A PV/PVC being deleted prints Terminating, as kubectl does. */
function volumePhase(obj: KubeObject): string {
  return obj.metadata.deletionTimestamp ? 'Terminating' : str(obj, ['status', 'phase']);
}

export const pvPrinter: Printer = {
  columns: [col('Name'), col('Capacity'), col('Access Modes'), col('Reclaim Policy'), col('Status'), col('Claim'), col('StorageClass'), col('VolumeAttributesClass'), col('Reason'), col('Age'), col('VolumeMode', 'string', 1)],
  cells(obj, now): Cell[] {
    const claimNs = str(obj, ['spec', 'claimRef', 'namespace']);
    const claim = claimNs ? `${claimNs}/${str(obj, ['spec', 'claimRef', 'name'])}` : '';
    return [obj.metadata.name ?? '', str(obj, ['spec', 'capacity', 'storage']), accessModes(getPath(obj, ['spec', 'accessModes'])), str(obj, ['spec', 'persistentVolumeReclaimPolicy'], 'Retain'), volumePhase(obj), claim, storageClassOf(obj), str(obj, ['spec', 'volumeAttributesClassName'], '<unset>'), str(obj, ['status', 'reason']), age(obj, now), str(obj, ['spec', 'volumeMode'], 'Filesystem')];
  },
};

export const pvcPrinter: Printer = {
  columns: [col('Name'), col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), col('Age'), col('VolumeMode', 'string', 1)],
  cells(obj, now): Cell[] {
    // kubectl shows capacity and access modes once the claim names a volume (a zero quantity prints 0).
    const bound = str(obj, ['spec', 'volumeName']) !== '';
    return [obj.metadata.name ?? '', volumePhase(obj), str(obj, ['spec', 'volumeName']), bound ? str(obj, ['status', 'capacity', 'storage'], '0') : '', bound ? accessModes(getPath(obj, ['status', 'accessModes'])) : '', storageClassOf(obj), str(obj, ['spec', 'volumeAttributesClassName'], '<unset>'), age(obj, now), str(obj, ['spec', 'volumeMode'], 'Filesystem')];
  },
};
