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
    const ing = asArray(getPath(obj, ['status', 'loadBalancer', 'ingress'])).map((i) => str(i, ['ip']) || str(i, ['hostname']));
    const all = [...ing, ...ext].filter((s) => s);
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
    const eps: string[] = [];
    for (const s of asArray(obj['subsets'])) {
      const ports = asArray(getPath(s, ['ports'])).map((p) => str(p, ['port']));
      for (const a of asArray(getPath(s, ['addresses']))) {
        const ip = str(a, ['ip']);
        if (ports.length === 0) eps.push(ip);
        for (const p of ports) eps.push(`${ip}:${p}`);
      }
    }
    const shown = eps.slice(0, 3).join(',') + (eps.length > 3 ? ` + ${eps.length - 3} more...` : '');
    return [obj.metadata.name ?? '', eps.length ? shown : '<none>', age(obj, now)];
  },
};

function eventTime(obj: KubeObject, field: 'last' | 'first'): string | undefined {
  if (field === 'last') return asString(obj['lastTimestamp']) ?? asString(obj['eventTime']) ?? asString(getPath(obj, ['series', 'lastObservedTime']));
  return asString(obj['firstTimestamp']) ?? asString(obj['eventTime']);
}

export const eventPrinter: Printer = {
  columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('Message'), col('First Seen', 'string', 1), col('Count', 'integer', 1), col('Name', 'string', 1)],
  cells(obj, now): Cell[] {
    const kind = str(obj, ['involvedObject', 'kind']).toLowerCase();
    const source = [str(obj, ['source', 'component']), str(obj, ['source', 'host'])].filter((s) => s).join(', ');
    return [
      since(eventTime(obj, 'last'), now),
      str(obj, ['type']),
      str(obj, ['reason']),
      `${kind}/${str(obj, ['involvedObject', 'name'])}`,
      str(obj, ['involvedObject', 'fieldPath']),
      source,
      str(obj, ['message']).trim(),
      since(eventTime(obj, 'first'), now),
      int(obj, ['count']) || 1,
      obj.metadata.name ?? '',
    ];
  },
};

function accessModes(v: unknown): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  return asArray(v).map((m) => short[String(m)] ?? String(m)).join(',');
}

export const pvPrinter: Printer = {
  columns: [col('Name'), col('Capacity'), col('Access Modes'), col('Reclaim Policy'), col('Status'), col('Claim'), col('StorageClass'), col('VolumeAttributesClass'), col('Reason'), col('Age'), col('VolumeMode', 'string', 1)],
  cells(obj, now): Cell[] {
    const claimNs = str(obj, ['spec', 'claimRef', 'namespace']);
    const claim = claimNs ? `${claimNs}/${str(obj, ['spec', 'claimRef', 'name'])}` : '';
    return [obj.metadata.name ?? '', str(obj, ['spec', 'capacity', 'storage']), accessModes(getPath(obj, ['spec', 'accessModes'])), str(obj, ['spec', 'persistentVolumeReclaimPolicy'], 'Retain'), str(obj, ['status', 'phase']), claim, str(obj, ['spec', 'storageClassName']), str(obj, ['spec', 'volumeAttributesClassName'], '<unset>'), str(obj, ['status', 'reason']), age(obj, now), str(obj, ['spec', 'volumeMode'], 'Filesystem')];
  },
};

export const pvcPrinter: Printer = {
  columns: [col('Name'), col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), col('Age'), col('VolumeMode', 'string', 1)],
  cells(obj, now): Cell[] {
    const bound = str(obj, ['status', 'phase']) === 'Bound';
    return [obj.metadata.name ?? '', str(obj, ['status', 'phase']), str(obj, ['spec', 'volumeName']), bound ? str(obj, ['status', 'capacity', 'storage']) : '', bound ? accessModes(getPath(obj, ['status', 'accessModes'])) : '', str(obj, ['spec', 'storageClassName']), str(obj, ['spec', 'volumeAttributesClassName'], '<unset>'), age(obj, now), str(obj, ['spec', 'volumeMode'], 'Filesystem')];
  },
};
